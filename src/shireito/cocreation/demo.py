"""The demo platform: spaces for Government Cloud migration, two standard businesses and
local-government security (inviting the UK's centre), with questions, answers, a proposal, a
discussion and a notice from the demo local governments and bodies (``demo_data``).

Everything is written through the platform's services as the demo user who would write it,
so the history shows real changes. Idempotent: a space already there is left as it is, with
its conversations.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.accounts.models import User
from shireito.cocreation.models import Space, Thread
from shireito.cocreation.services.answers import answer_accept, official_approve, official_propose
from shireito.cocreation.services.attachments import attachment_add
from shireito.cocreation.services.follows import follow
from shireito.cocreation.services.moderation import post_hide, report_create
from shireito.cocreation.services.posts import post_create, post_edit, thread_create
from shireito.cocreation.services.proposals import outcome_add, proposal_decide, proposal_support
from shireito.cocreation.services.reactions import reaction_toggle
from shireito.cocreation.services.space_links import space_links_set
from shireito.cocreation.services.spaces import (
    membership_join,
    membership_set_role,
    space_create,
)
from shireito.organizations.models import Organization
from shireito.plans.models import PlanEdition

from .demo_data import MEMBERS, SPACES, THREADS


def load_demo_cocreation(by_code: dict[str, Organization]) -> dict[str, Thread]:
    """Bring the demo spaces and threads into being; returns the threads by their demo key
    (empty when the spaces were already there)."""
    if Space.objects.filter(slug=SPACES[0][0]).exists():
        return {}
    edition = PlanEdition.objects.filter(status="published").order_by("-year").first()
    year = edition.year if edition is not None else None
    users = {user.username: user for user in User.objects.select_related("organization")}
    spaces: dict[str, Space] = {}
    for (
        slug,
        name,
        name_en,
        description,
        description_en,
        host,
        responsible,
        invited,
        links,
        moderators,
    ) in SPACES:
        creator = users[moderators[0]]
        space = space_create(
            actor=creator,
            slug=slug,
            name=name,
            name_en=name_en,
            description=description,
            description_en=description_en,
            host=by_code[host],
            responsible=[by_code[code] for code in responsible],
            invited=[by_code[code] for code in invited],
        )
        space_links_set(actor=creator, space=space, links=_keys(links, year))
        for other in moderators[1:]:
            membership_set_role(actor=creator, space=space, user=users[other], role="moderator")
        spaces[slug] = space
    for username, slugs in MEMBERS.items():
        for slug in slugs:
            membership_join(actor=users[username], space=spaces[slug])
    threads: dict[str, Thread] = {}
    for key, slug, kind, author, title, body, links, replies in THREADS:
        thread = thread_create(
            actor=users[author],
            space=spaces[slug],
            kind=kind,
            title=title,
            body=body,
            links=_keys(links, year),
            on_behalf=kind == "proposal",
        )
        for replier, text in replies:
            post_create(actor=users[replier], thread=thread, body=text)
        threads[key] = thread
    _edit_and_draft(users, spaces, threads)
    _answers(users, by_code, threads)
    _proposal(users, threads, year)
    _everyday(users, spaces, threads)
    return threads


def _keys(links, year: int | None) -> list[tuple[str, str]]:
    """Links as stored: a measure by ``<edition year>/<code>`` of the published edition (left
    out when the demo is loaded without the plan)."""
    keyed = []
    for kind, key in links:
        if kind == "measure":
            if year is None:
                continue
            key = f"{year}/{key}"
        keyed.append((kind, key))
    return keyed


def _answers(users, by_code, threads) -> None:
    """Shibuya's answer accepted by Tokyo; the Digital Agency's reply proposed as its official
    answer by one officer and approved by a second."""
    cost = threads["cloud-cost"]
    replies = list(cost.posts.filter(is_opening=False).order_by("posted_at", "id"))
    answer_accept(actor=users["tokyo-officer"], thread=cost, post=replies[0])
    official = official_propose(
        actor=users["da-officer"],
        thread=cost,
        post=replies[1],
        organization=by_code["digital-agency"],
        summary=(
            "移行後の運用経費には回線費用を含めて見積もってください。共同利用の按分は利用者数"
            "または処理件数のいずれかで行い、見積もりの前提として明記してください。"
        ),
    )
    official_approve(actor=users["da-director"], answer=official)
    test = threads["registry-test"]
    answer = test.posts.filter(is_opening=False).order_by("posted_at", "id").first()
    answer_accept(actor=users["city-officer"], thread=test, post=answer)


def _proposal(users, threads, year: int | None) -> None:
    """Shibuya's proposal supported by Tokyo, considered and adopted by the Digital Agency into
    the Government Cloud measure of the published plan."""
    proposal = threads["shared-checklist"]
    # The checklist Shibuya offers as a starting point, attached to the proposal's opening.
    attachment_add(
        actor=users["city-officer"],
        post=proposal.posts.get(is_opening=True),
        upload=SimpleUploadedFile(
            "移行チェックリスト（渋谷区案）.csv",
            "項目,確認者,期限\n現行データの抽出手順,情報政策課,移行3か月前\n"
            "並行稼働の試験計画,住民課,移行1か月前\n".encode(),
            content_type="text/csv",
        ),
        personal_data_confirmed=True,
    )
    proposal_support(actor=users["tokyo-officer"], thread=proposal)
    proposal_support(actor=users["da-director"], thread=proposal)
    officer = users["da-officer"]
    proposal_decide(
        actor=officer,
        thread=proposal,
        status="under_consideration",
        reason="複数の自治体から同じ要望があり、共通様式の範囲を検討します。",
    )
    proposal.refresh_from_db()
    proposal_decide(
        actor=officer,
        thread=proposal,
        status="adopted",
        reason="ガバメントクラウド移行の施策の中で、移行チェックリストの共通様式を作成します。",
    )
    proposal.refresh_from_db()
    if year is not None:
        outcome_add(
            actor=officer,
            thread=proposal,
            kind="measure",
            key=f"{year}/3-02",
            note="移行チェックリストの共通様式を作成し、移行支援の資料として公開する。",
        )


def _everyday(users, spaces, threads) -> None:
    """Reactions, follows, a mention, and a post reported and hidden by the moderator."""
    cost = threads["cloud-cost"]
    replies = list(cost.posts.filter(is_opening=False).order_by("posted_at", "id"))
    reaction_toggle(actor=users["tokyo-officer"], post=replies[0], kind="thanks")
    reaction_toggle(actor=users["da-director"], post=replies[0], kind="helpful")
    follow(actor=users["city-officer"], kind="space", key=spaces["gov-cloud"].slug)
    follow(actor=users["tokyo-officer"], kind="thread", key=str(threads["security-drill"].pk))
    drill = threads["security-drill"]
    post_create(
        actor=users["nisc-handler"],
        thread=drill,
        body="@uk-ncsc-liaison 四半期ごとの短い訓練の資料があれば共有いただけますか。",
    )
    stray = post_create(
        actor=users["city-officer"],
        thread=drill,
        body="訓練の担当者の携帯番号は 090-1234-5678 です。直接どうぞ。",
    )
    report_create(
        actor=users["tokyo-officer"], post=stray, reason="個人の携帯電話番号が書かれています。"
    )
    post_hide(
        actor=users["da-officer"],
        post=stray,
        reason="個人の電話番号を含むため非表示にしました。連絡先は所属の代表番号でお願いします。",
    )


def _edit_and_draft(users, spaces, threads) -> None:
    """An answer corrected after posting (its history shows the first wording) and a question
    left as a draft by its author."""
    thread = threads["registry-test"]
    answer = thread.posts.filter(is_opening=False).order_by("posted_at").first()
    if answer is not None:
        post_edit(
            actor=answer.author,
            post=answer,
            body=answer.body + "\n\n（追記）試験データは個人情報を含まない疑似データで作りました。",
        )
    thread_create(
        actor=users["city-officer"],
        space=spaces["health-insurance"],
        kind="question",
        title="資格確認の照会件数の上限",
        body="（下書き）オンライン資格確認の照会件数に上限はありますか。",
        draft=True,
    )
