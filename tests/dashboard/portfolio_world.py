"""A small government with systems, budgets, recommendations and local migration, written
through the services, for the portfolio's sections of the tower."""

from __future__ import annotations

import datetime as dt
import json

from shireito.dashboard.tower import Viewer, tower_kind
from shireito.registry import oversight
from shireito.registry.models import InformationSystem, Recommendation
from shireito.registry.services import system_create
from tests.kit.factories.accounts import make_user
from tests.kit.factories.organizations import make_organization

TODAY = dt.date(2026, 12, 7)
EXTRA_MINISTRIES = ["moj", "mof", "mext", "mlit"]


def make_system(government, code: str, owner: str, category: str, **fields):
    return system_create(
        actor=None,
        code=code,
        name=f"{code} システム",
        owner=government[owner],
        category=category,
        **fields,
    )


def budget(system, year: int, requested: int, approved: int | None = None) -> None:
    line = oversight.budget_request(
        actor=None, system=system, fiscal_year=year, development=requested, operation=0
    )
    if approved is not None:
        line = oversight.budget_review(actor=None, line=line)
        oversight.budget_decide(actor=None, line=line, development=approved, operation=0)


def national(government) -> None:
    """Systems and two years of budget for seven ministries (enough for an anonymous spread),
    one system of an agency under MHLW and a joint system of MHLW's with an undecided line."""
    for code in EXTRA_MINISTRIES:
        government[code] = make_organization(code=code, kind="ministry")
    owners = ["mhlw", "meti", "mic", *EXTRA_MINISTRIES]
    for n, owner in enumerate(owners, start=1):
        for k in range(n):
            system = make_system(
                government, f"{owner}-{k}", owner, "ministry_system", important=k == 0
            )
            budget(system, 2025, 1000 * n, 900 * n)
            budget(system, 2026, 1100 * n, 1000 * n)
    make_system(government, "pmda-0", "pmda", "independent_agency_system", phase="operation")
    # An undecided line of MHLW's: FY2026 is not yet comparable with FY2025 for MHLW.
    joint = make_system(government, "mhlw-joint", "mhlw", "joint_system")
    budget(joint, 2026, 5000)


def recommendations(government) -> None:
    """Two recommendations to MHLW (one overdue by 40 days) and one to METI."""
    for owner, system in [("mhlw", "mhlw-0"), ("mhlw", "mhlw-0"), ("meti", "meti-0")]:
        oversight.recommendation_issue(
            actor=None,
            ministry=government[owner],
            systems=[InformationSystem.objects.get(code=system)],
            reason="理由",
            due_date=dt.date.today() + dt.timedelta(days=30),
        )
    first = Recommendation.objects.filter(ministry=government["mhlw"]).order_by("number").first()
    Recommendation.objects.filter(pk=first.pk).update(due_date=TODAY - dt.timedelta(days=40))


def local(government) -> None:
    """Tokyo (and Shibuya) and Osaka (and Sakai) with systems of standardised businesses."""
    government["osaka"] = make_organization(
        code="osaka",
        kind="local_government",
        local_government_level="prefecture",
        local_government_code="270008",
    )
    government["sakai"] = make_organization(
        code="sakai",
        kind="local_government",
        local_government_level="municipality",
        parent=government["osaka"],
        local_government_code="271403",
    )
    rows = [
        ("shibuya", "resident_registry", "migrated", None, None),
        ("shibuya", "national_pension", "in_progress", None, None),  # behind: FY2025 is over
        ("shibuya", "child_allowance", "in_progress", dt.date(2027, 3, 31), None),  # on time
        ("tokyo", "resident_registry", "special_support", None, dt.date(2028, 3, 31)),
        ("sakai", "resident_registry", "not_started", None, None),  # behind
        ("sakai", "fixed_asset_tax", "special_support", None, dt.date(2026, 3, 31)),  # behind
    ]
    for n, (owner, business, status, target, deadline) in enumerate(rows):
        make_system(
            government,
            f"lg-{owner}-{n}",
            owner,
            "local_government_system",
            standard_business=business,
            migration_status=status,
            migration_target=target,
            special_support_deadline=deadline,
        )


def viewer(government, code: str | None = None, user=None) -> Viewer:
    user = user or make_user(organization=government[code], roles=["viewer"])
    return Viewer(user=user, kind=tower_kind(user), today=TODAY, language="ja")


def text_of(section) -> str:
    """Everything a section says (titles, labels, values, displays), to look for names."""
    shown = [json.dumps(section.as_json(), ensure_ascii=False)]
    for table in section.tables:
        shown += [cell.display for row in table.rows for cell in row]
    return " ".join(shown)


def count_cells(table):
    """Every count cell of a table with its column."""
    for row in table.rows:
        for column, cell in zip(table.columns, row, strict=True):
            if column.kind == "count":
                yield column, cell
