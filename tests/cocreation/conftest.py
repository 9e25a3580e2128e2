"""A small co-creation world: the Digital Agency's space on Government Cloud migration (MIC
co-responsible, the UK centre invited), with members from Tokyo, Shibuya, the agency and
MIC, and one question from Tokyo answered by Shibuya."""

import pytest

from shireito.cocreation.choices import ThreadKind
from shireito.cocreation.services.posts import post_create, thread_create
from shireito.cocreation.services.spaces import membership_join, space_create
from tests.factories import make_user
from tests.organizations.conftest import government  # noqa: F401 - the same small government


@pytest.fixture
def people(government):  # noqa: F811
    g = government
    return {
        "da-editor": make_user(username="da-editor", organization=g["da"], roles=["editor"]),
        "da-admin": make_user(username="da-admin", organization=g["da"], roles=["org_admin"]),
        "da-viewer": make_user(username="da-viewer", organization=g["da"], roles=["viewer"]),
        "mic-editor": make_user(username="mic-editor", organization=g["mic"], roles=["editor"]),
        "tokyo-viewer": make_user(
            username="tokyo-viewer", organization=g["tokyo"], roles=["viewer"]
        ),
        "shibuya-editor": make_user(
            username="shibuya-editor", organization=g["shibuya"], roles=["editor"]
        ),
        "ncsc-viewer": make_user(username="ncsc-viewer", organization=g["ncsc"], roles=["viewer"]),
        "power-viewer": make_user(
            username="power-viewer", organization=g["power"], roles=["viewer"]
        ),
    }


@pytest.fixture
def space(government, people):  # noqa: F811
    """The cloud space: hosted by the Digital Agency, answerable by it and MIC, inviting the
    UK centre; Tokyo, Shibuya and MIC's editor have joined (the agency's editor moderates)."""
    g = government
    created = space_create(
        actor=people["da-editor"],
        slug="gov-cloud",
        name="ガバメントクラウド移行",
        name_en="Moving to Government Cloud",
        description="移行の進め方を話し合う場",
        host=g["da"],
        responsible=[g["da"], g["mic"]],
        invited=[g["ncsc"]],
    )
    for name in ("tokyo-viewer", "shibuya-editor", "mic-editor", "da-admin"):
        membership_join(actor=people[name], space=created)
    return created


@pytest.fixture
def question(space, people):
    """Tokyo asks; Shibuya answers."""
    thread = thread_create(
        actor=people["tokyo-viewer"],
        space=space,
        kind=ThreadKind.QUESTION,
        title="移行前の性能試験はどこまで必要ですか",
        body="標準準拠システムの**性能試験**について教えてください。",
    )
    post_create(
        actor=people["shibuya-editor"],
        thread=thread,
        body="渋谷区では本番相当のデータ量で試験しました。",
    )
    thread.refresh_from_db()
    return thread
