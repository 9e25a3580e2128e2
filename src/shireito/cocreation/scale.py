"""The co-creation platform at national scale, for ``shireito demo scale``: 12,500 members
from the scale local governments, ministries and agencies, 100 spaces (a few big, most
small), 100,000 threads and 1,000,000 posts (threads of 1 to 200 posts, some exactly 200),
with proposals and their statuses, answered questions (some made official answers of the
Digital Agency), supports and follows.

Written with bulk inserts, not through ``cocreation.services``: an audit event per row would
take far too long at this size. Runs inside the caller's transaction (``shireito.demo.scale``):
interrupted, it leaves nothing. Its spaces' short names and its users' names start
``scale-``; every run replaces them. Whatever must follow a bulk load (the search index)
registers itself with ``register_after_bulk_load`` and is called at the end, in the same
transaction, with the new spaces' ids.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape

from shireito.accounts.models import RoleGrant, User
from shireito.cocreation.choices import (
    FollowKind,
    MemberRole,
    OfficialStatus,
    ProposalStatus,
    ThreadKind,
)
from shireito.cocreation.models import (
    Follow,
    Membership,
    OfficialAnswer,
    Post,
    PostReport,
    ProposalStatusChange,
    ProposalSupport,
    Space,
    Thread,
    ThreadLink,
)
from shireito.core.bulk import copy_rows
from shireito.organizations.choices import OrganizationKind
from shireito.organizations.models import Organization, RoleHolding

PREFIX = "scale-"
USER_PREFIX = "scale-co-"
MEMBERS = 12_500
SPACES = 100
THREADS = 100_000
POSTS = 1_000_000
LONGEST = 200  # posts in the longest threads
LONG_SHARE = 0.01  # threads of exactly LONGEST posts
BATCH = 2_000
THREAD_CHUNK = 5_000  # threads (and their posts) generated and written at a time
LOAD_BATCH = 10_000

Progress = Callable[[str, int, int], None]


@dataclass
class BulkLoad:
    """What ``after_bulk_load`` hooks are told: the new spaces, and how to report progress."""

    space_ids: list[int]
    progress: Progress | None = None


AFTER_BULK_LOAD: list[Callable[[BulkLoad], None]] = []


def register_after_bulk_load(hook: Callable[[BulkLoad], None]) -> Callable[[BulkLoad], None]:
    """A part that keeps derived data (the search index) registers what to do after the bulk
    load, which wrote rows without the services' hooks."""
    AFTER_BULK_LOAD.append(hook)
    return hook


def after_bulk_load(load: BulkLoad) -> None:
    for hook in AFTER_BULK_LOAD:
        hook(load)


@dataclass
class CocreationScaleResult:
    members: int = 0
    spaces: int = 0
    threads: int = 0
    posts: int = 0
    official_answers: int = 0
    follows: int = 0
    space_ids: list[int] = field(default_factory=list)


def clear_scale_cocreation() -> int:
    """Remove the scale spaces with all they hold, and the scale users; plain DELETEs, leaves
    first. How many spaces."""
    spaces = Space.objects.filter(slug__startswith=PREFIX)
    space_ids = list(spaces.values_list("pk", flat=True))
    users = User.objects.filter(username__startswith=USER_PREFIX)
    if not space_ids and not users.exists():
        return 0
    threads = Thread.objects.filter(space_id__in=space_ids)
    posts = Post.objects.filter(thread__space_id__in=space_ids)
    with transaction.atomic():
        threads.update(accepted_post=None)
        OfficialAnswer.objects.filter(thread__space_id__in=space_ids).update(superseded_by=None)
        for model, path in (
            (PostReport, "post__thread__space_id__in"),
            (OfficialAnswer, "thread__space_id__in"),
            (ProposalStatusChange, "thread__space_id__in"),
            (ProposalSupport, "thread__space_id__in"),
            (ThreadLink, "thread__space_id__in"),
        ):
            model.objects.filter(**{path: space_ids}).delete()
        for relation in Post._meta.related_objects:
            related = relation.related_model
            if related not in (Post, OfficialAnswer, PostReport) and relation.one_to_many:
                manager = related._default_manager
                manager.filter(**{f"{relation.field.name}__in": posts})._raw_delete(manager.db)
        posts.update(reply_to=None)
        posts._raw_delete(Post.objects.db)
        threads._raw_delete(Thread.objects.db)
        Follow.objects.filter(user__username__startswith=USER_PREFIX)._raw_delete(Follow.objects.db)
        Follow.objects.filter(
            kind=FollowKind.SPACE, key__in=[str(pk) for pk in space_ids]
        )._raw_delete(Follow.objects.db)
        Membership.objects.filter(space_id__in=space_ids)._raw_delete(Membership.objects.db)
        Membership.objects.filter(user__in=users).delete()
        spaces.delete()
        RoleGrant.objects.filter(user__in=users)._raw_delete(RoleGrant.objects.db)
        users.delete()
    return len(space_ids)


def generate_cocreation(
    *,
    seed: int = 1,
    members: int | None = None,
    spaces: int | None = None,
    threads: int | None = None,
    posts: int | None = None,
    progress: Progress | None = None,
) -> CocreationScaleResult:
    """Write the scale spaces over the scale organisations already there (after clearing an
    earlier run). One seed always gives the same data. All in one transaction."""
    rng = random.Random(f"cocreation-{seed}")  # noqa: S311 - reproducible test data
    members = MEMBERS if members is None else members
    spaces = SPACES if spaces is None else spaces
    threads = THREADS if threads is None else threads
    posts = POSTS if posts is None else posts
    posts = max(posts, threads)

    def report(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    result = CocreationScaleResult()
    with transaction.atomic():
        clear_scale_cocreation()
        organizations = _organizations()
        if not organizations:
            raise ValueError("Co-creation at scale needs the scale organisations: load them first.")
        agency = _digital_agency() or organizations[0]
        users = _users(rng, organizations, members)
        result.members = len(users)
        report("co-creation members", len(users), len(users))
        made = _spaces(agency, spaces)
        result.spaces = len(made)
        result.space_ids = [space.pk for space in made]
        weights = [1 / (rank + 1) ** 1.1 for rank in range(len(made))]  # a few big spaces
        rosters = _memberships(rng, made, users, weights)
        report("co-creation spaces and memberships", len(made), len(made))
        counts = _post_counts(rng, threads, posts)
        thread_ids: list[tuple[int, int, str, list[int]]] = []
        written = 0
        start = timezone.now() - dt.timedelta(days=720)
        for chunk in range(0, threads, THREAD_CHUNK):
            sizes = counts[chunk : chunk + THREAD_CHUNK]
            written += _thread_chunk(
                rng, made, weights, rosters, sizes, start, chunk, threads, thread_ids
            )
            report("co-creation posts", written, posts)
        result.threads, result.posts = len(thread_ids), written
        report("co-creation threads", result.threads, threads)
        result.official_answers = _answers(rng, thread_ids, agency, users)
        result.follows = _follows(rng, made, rosters, thread_ids)
        _proposals(rng, thread_ids, users)
        report("co-creation answers, proposals and follows", 1, 1)
        after_bulk_load(BulkLoad(space_ids=result.space_ids, progress=progress))
    return result


def _organizations() -> list[Organization]:
    kinds = (
        OrganizationKind.LOCAL_GOVERNMENT,
        OrganizationKind.MINISTRY,
        OrganizationKind.INDEPENDENT_AGENCY,
    )
    return list(
        Organization.objects.filter(code__startswith=PREFIX, kind__in=kinds).order_by("code")
    )


def _digital_agency() -> Organization | None:
    holding = (
        RoleHolding.objects.select_related("organization")
        .filter(role="digital_agency", valid_to__isnull=True)
        .first()
    )
    return holding.organization if holding else None


def _users(rng, organizations, count: int) -> list[tuple[int, int, str]]:
    """(user id, organisation id, role) of the members, spread over the organisations."""
    password = make_password(None)
    now = timezone.now()
    rows = []
    for n in range(count):
        organization = organizations[n % len(organizations)]
        rows.append(
            User(
                username=f"{USER_PREFIX}{n:05d}",
                full_name=f"職員{n:05d}（合成）",
                organization=organization,
                password=password,
                is_active=True,
                date_joined=now,
            )
        )
    made = User.objects.bulk_create(rows, batch_size=BATCH)
    roles = ["editor" if n % 10 == 0 else "viewer" for n in range(len(made))]
    RoleGrant.objects.bulk_create(
        (RoleGrant(user=user, role=role) for user, role in zip(made, roles, strict=True)),
        batch_size=BATCH,
    )
    return [(user.pk, user.organization_id, role) for user, role in zip(made, roles, strict=True)]


TOPICS = [
    ("住民記録", "Resident records"),
    ("税務", "Taxation"),
    ("ガバメントクラウド移行", "Moving to Government Cloud"),
    ("情報セキュリティ", "Information security"),
    ("国民健康保険", "National health insurance"),
    ("介護保険", "Long-term care insurance"),
    ("児童手当", "Child allowance"),
    ("生活保護", "Public assistance"),
    ("就学", "School enrolment"),
    ("選挙人名簿", "Electoral rolls"),
]


def _spaces(agency: Organization, count: int) -> list[Space]:
    made = Space.objects.bulk_create(
        Space(
            slug=f"{PREFIX}{n + 1:03d}",
            name=f"{TOPICS[n % len(TOPICS)][0]}の場{n + 1:03d}（合成）",
            name_en=f"{TOPICS[n % len(TOPICS)][1]} space {n + 1:03d} (synthetic)",
            description="大規模データの検証のための合成の場。",
            host=agency,
        )
        for n in range(count)
    )
    Responsible = Space.responsible.through
    Responsible.objects.bulk_create(
        Responsible(space_id=space.pk, organization_id=agency.pk) for space in made
    )
    return made


def _memberships(rng, spaces, users, weights) -> list[list[tuple[int, int, str]]]:
    """Each user joins one to six spaces, the big ones more often; two moderators each."""
    rosters: list[list[tuple[int, int, str]]] = [[] for _ in spaces]
    for user in users:
        chosen = {rng.choices(range(len(spaces)), weights)[0] for _ in range(rng.randint(1, 6))}
        for index in chosen:
            rosters[index].append(user)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for index, roster in enumerate(rosters):
        if not roster:
            roster.append(users[index % len(users)])
        for position, (user_id, _org, _role) in enumerate(roster):
            role = MemberRole.MODERATOR if position < 2 else MemberRole.MEMBER
            rows.append((spaces[index].pk, user_id, str(role), now, now))
    copy_rows(Membership, ("space", "user", "role", "created_at", "updated_at"), rows)
    return rosters


def _post_counts(rng, threads: int, posts: int) -> list[int]:
    """Posts per thread: most a few, a long tail, a hundredth exactly ``LONGEST``; summing to
    ``posts`` (as near as the bounds allow)."""
    longest = min(int(threads * LONG_SHARE), max(0, (posts - threads) // (LONGEST - 1)))
    counts = [LONGEST] * longest
    rest = threads - longest
    budget = posts - LONGEST * longest
    mean = max(budget / max(rest, 1), 1.0)
    counts += [
        min(LONGEST - 1, 1 + int(rng.expovariate(1 / max(mean - 1, 1e-9)))) for _ in range(rest)
    ]
    difference = posts - sum(counts)
    candidates = list(range(longest, threads))
    while difference and candidates:
        index = rng.choice(candidates)
        step = 1 if difference > 0 else -1
        if 1 <= counts[index] + step <= LONGEST - 1:
            counts[index] += step
            difference -= step
        elif all(not 1 <= counts[i] + step <= LONGEST - 1 for i in candidates[:50]):
            break
    rng.shuffle(counts)
    return counts


WORDS = [
    "標準準拠システム",
    "移行",
    "データ移行",
    "性能試験",
    "本番環境",
    "ガバメントクラウド",
    "共通機能",
    "文字要件",
    "外字",
    "帳票",
    "住民票",
    "税額計算",
    "運用保守",
    "費用",
    "スケジュール",
    "ベンダー",
    "庁内調整",
    "セキュリティ対策",
    "ネットワーク",
    "バックアップ",
    "障害対応",
    "マニュアル",
    "仕様書",
    "質問",
    "回答",
    "事例",
    "課題",
    "検討",
    "報告",
    "cloud",
    "migration",
    "performance",
    "schedule",
    "budget",
    "API",
    "testing",
]
OPENINGS = [
    "{0}について教えてください。{1}の{2}はどのように進めていますか。",
    "{0}と{1}の関係で困っています。{2}の事例があれば共有をお願いします。",
    "{0}の{1}に関する提案です。{2}を共通化してはどうでしょうか。",
    "当団体では{0}の{1}を検討しています。{2}の経験をお持ちの方はいますか。",
]
REPLIES = [
    "当市では{0}を先に行い、{1}の{2}を確認しました。",
    "{0}については{1}の資料が参考になります。{2}も合わせてご確認ください。",
    "同じく{0}で{1}が課題です。{2}の対応を検討中です。",
    "{0}の{1}は{2}の後に実施するのがよいと思います。",
    "ありがとうございます。{0}の件、{1}と{2}を確認してみます。",
]


def _text(rng, templates) -> str:
    words = rng.sample(WORDS, 3)
    return rng.choice(templates).format(*words)


def _thread_chunk(rng, spaces, weights, rosters, sizes, start, offset, total, out) -> int:
    """Write one chunk of threads and all their posts; returns how many posts."""
    span = (timezone.now() - start).total_seconds()
    kinds = [ThreadKind.QUESTION] * 5 + [ThreadKind.DISCUSSION] * 3 + [ThreadKind.PROPOSAL]
    plans = []
    rows = []
    for n, size in enumerate(sizes):
        index = rng.choices(range(len(spaces)), weights)[0]
        roster = rosters[index]
        author = rng.choice(roster)
        kind = rng.choice(kinds) if (offset + n) % 50 else ThreadKind.NOTICE
        opened = start + dt.timedelta(seconds=span * (offset + n) / (total + 1))
        # Posts over the days after the opening, none in the future.
        times = sorted(
            min(opened + dt.timedelta(minutes=rng.expovariate(1 / 600)), timezone.now())
            for _ in range(size - 1)
        )
        times.insert(0, opened)
        writers = [author] + [rng.choice(roster) for _ in range(size - 1)]
        plans.append((index, kind, times, writers))
        rows.append(
            Thread(
                space_id=spaces[index].pk,
                kind=kind,
                title=_text(rng, ["{0}の{1}について（{2}）"])[:200],
                author_id=author[0],
                author_organization_id=author[1],
                proposal_status=ProposalStatus.RECEIVED if kind == ThreadKind.PROPOSAL else "",
                post_count=size,
                last_posted_at=times[-1],
            )
        )
    made = Thread.objects.bulk_create(rows, batch_size=BATCH)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    posts: list[tuple] = []
    for thread, (_index, kind, times, writers) in zip(made, plans, strict=True):
        out.append((thread.pk, thread.author_id, str(kind), [w[0] for w in writers[:3]]))
        for position, (when, writer) in enumerate(zip(times, writers, strict=True)):
            body = _text(rng, OPENINGS if position == 0 else REPLIES)
            stored = ops.adapt_datetimefield_value(when)
            posts.append(
                (
                    thread.pk,
                    writer[0],
                    writer[1],
                    writer[2],
                    body,
                    f"<p>{escape(body)}</p>",
                    position == 0,
                    False,
                    stored,
                    "",
                    stored,
                    now,
                )
            )
    fields = (
        "thread",
        "author",
        "author_organization",
        "author_role",
        "body",
        "body_html",
        "is_opening",
        "is_draft",
        "posted_at",
        "hidden_reason",
        "created_at",
        "updated_at",
    )
    for begin in range(0, len(posts), LOAD_BATCH):
        copy_rows(Post, fields, posts[begin : begin + LOAD_BATCH])
    return len(posts)


def _answers(rng, thread_ids, agency, users) -> int:
    """A third of the questions answered (an accepted answer: their second post); one in
    twenty of those an official answer of the Digital Agency."""
    questions = [t for t in thread_ids if t[2] == ThreadKind.QUESTION]
    answered = [t for t in questions if rng.random() < 0.33]
    officers = [u for u in users if u[2] == "editor"] or users
    ids = [t[0] for t in answered]
    second: dict[int, int] = {}
    for begin in range(0, len(ids), 900):
        for thread_id, post_id in (
            Post.objects.filter(thread_id__in=ids[begin : begin + 900], is_opening=False)
            .order_by("thread_id", "posted_at", "id")
            .values_list("thread_id", "id")
        ):
            second.setdefault(thread_id, post_id)
    for thread_id, post_id in second.items():
        Thread.objects.filter(pk=thread_id).update(accepted_post_id=post_id, is_answered=True)
    official = [(t, p) for t, p in second.items() if rng.random() < 0.05]
    now = timezone.now()
    OfficialAnswer.objects.bulk_create(
        (
            OfficialAnswer(
                thread_id=thread_id,
                post_id=post_id,
                organization=agency,
                status=OfficialStatus.OFFICIAL,
                summary="デジタル庁の公式回答（合成）。",
                proposed_by_id=officers[n % len(officers)][0],
                approved_by_id=officers[(n + 1) % len(officers)][0],
                approved_at=now,
            )
            for n, (thread_id, post_id) in enumerate(official)
        ),
        batch_size=BATCH,
    )
    return len(official)


def _proposals(rng, thread_ids, users) -> None:
    statuses = [s for s in ProposalStatus.values if s != ProposalStatus.RECEIVED]
    proposals = [t for t in thread_ids if t[2] == ThreadKind.PROPOSAL]
    for status in statuses:
        chosen = [t[0] for t in proposals if rng.random() < 0.08]
        for begin in range(0, len(chosen), 900):
            Thread.objects.filter(pk__in=chosen[begin : begin + 900]).update(proposal_status=status)
    supports = []
    for thread_id, author_id, _kind, writers in proposals:
        for user_id in set(writers[1:]) - {author_id}:
            supports.append(ProposalSupport(thread_id=thread_id, user_id=user_id))
    ProposalSupport.objects.bulk_create(supports, batch_size=BATCH)


def _follows(rng, spaces, rosters, thread_ids) -> int:
    rows = []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    seen = set()
    for index, roster in enumerate(rosters):
        for user_id, _org, _role in roster:
            if rng.random() < 0.3:
                rows.append((user_id, str(FollowKind.SPACE), str(spaces[index].pk), now))
    for thread_id, author_id, _kind, _writers in thread_ids:
        if (author_id, thread_id) not in seen:
            seen.add((author_id, thread_id))
            rows.append((author_id, str(FollowKind.THREAD), str(thread_id), now))
    copy_rows(Follow, ("user", "kind", "key", "created_at"), rows)
    return len(rows)
