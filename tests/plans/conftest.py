"""A small plan to test against: the Digital Agency's draft edition with two areas, two
measures (one led by MHLW with METI co-responsible) and their KPIs and milestones."""

import datetime as dt
from decimal import Decimal

import pytest

from shireito.plans import services
from shireito.plans.models import Kpi, Measure, Milestone, PlanArea, Principle
from tests.factories import make_user
from tests.organizations.conftest import government  # noqa: F401
from tests.plans.publication_world import world  # noqa: F401 - the publication tests' world
from tests.registry.conftest import systems  # noqa: F401 - one system per category


@pytest.fixture
def planners(government):  # noqa: F811
    g = government
    return {
        "da-editor": make_user(username="da-editor", organization=g["da"], roles=["editor"]),
        "da-viewer": make_user(username="da-viewer", organization=g["da"], roles=["viewer"]),
        "mhlw-editor": make_user(username="mhlw-editor", organization=g["mhlw"], roles=["editor"]),
        "mhlw-viewer": make_user(username="mhlw-viewer", organization=g["mhlw"], roles=["viewer"]),
        "meti-editor": make_user(username="meti-editor", organization=g["meti"], roles=["editor"]),
        "mic-editor": make_user(username="mic-editor", organization=g["mic"], roles=["editor"]),
        "tokyo-viewer": make_user(
            username="tokyo-viewer", organization=g["tokyo"], roles=["viewer"]
        ),
    }


@pytest.fixture
def draft(government, planners):  # noqa: F811
    """The 2026 edition in draft, complete enough to publish."""
    g = government
    da = planners["da-editor"]
    edition = services.edition_create(
        actor=da, year=2026, title="重点計画2026", title_en="Plan 2026"
    )
    top = services.content_create(
        actor=da,
        instance=PlanArea(
            edition=edition, code="1", name="行政のデジタル化", name_en="Digital government"
        ),
    )
    sub = services.content_create(
        actor=da,
        instance=PlanArea(edition=edition, parent=top, code="1.1", name="安全", name_en="Security"),
    )
    health = services.content_create(
        actor=da,
        instance=Measure(
            edition=edition,
            area=sub,
            code="M-1",
            name="医療情報の共有",
            name_en="Sharing medical records",
            lead=g["mhlw"],
            target_state="全病院で共有",
            deadline=dt.date(2028, 3, 31),
            position=1,
        ),
    )
    services.measure_set_parties(
        actor=da,
        measure=health,
        co_responsible=[g["meti"]],
        principles=list(Principle.objects.filter(number__in=[3, 5])),
    )
    cloud = services.content_create(
        actor=da,
        instance=Measure(
            edition=edition,
            area=top,
            code="M-2",
            name="ガバメントクラウド移行",
            name_en="Moving to Government Cloud",
            lead=g["da"],
            target_state="全システム移行",
            deadline=dt.date(2027, 3, 31),
            position=2,
        ),
    )
    services.content_create(
        actor=da,
        instance=Kpi(
            measure=health,
            code="K-1",
            name="共有病院数",
            name_en="Hospitals sharing",
            unit="施設",
            unit_en="facilities",
            direction="up",
            baseline_value=Decimal(100),
            baseline_date=dt.date(2025, 4, 1),
            target_value=Decimal(500),
            target_date=dt.date(2028, 3, 31),
        ),
    )
    services.content_create(
        actor=da,
        instance=Kpi(
            measure=cloud,
            code="K-2",
            name="未移行システム数",
            name_en="Systems not yet moved",
            unit="システム",
            unit_en="systems",
            direction="down",
            baseline_value=Decimal(80),
            baseline_date=dt.date(2025, 4, 1),
            target_value=Decimal(0),
            target_date=dt.date(2027, 3, 31),
        ),
    )
    services.content_create(
        actor=da,
        instance=Milestone(
            measure=health,
            name="要件定義",
            name_en="Requirements",
            fiscal_year=2026,
            quarter=2,
            planned_on=dt.date(2026, 9, 30),
        ),
    )
    return edition


@pytest.fixture
def published(draft, planners):
    """The same edition, decided by the Cabinet and published."""
    return services.edition_publish(
        actor=planners["da-editor"], edition=draft, decided_on=dt.date(2026, 6, 13)
    )
