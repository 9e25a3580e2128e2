"""Open statistics: the portfolio's aggregate figures read by anyone, without signing in.

The one read of the registry that needs no user. It returns only sums over many bodies'
systems that a governance model publishes (``organizations.choices.OpenStatistic``): counts
of systems by category and hosting, the single budget by ministry and year, and local
governments' migration by prefecture. Nothing here names a system, a contact or a body's
security posture. Read from the summary tables, like the control tower.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import get_language

from shireito.organizations.choices import SystemCategory
from shireito.organizations.models import Organization
from shireito.registry.choices import Hosting, LifecyclePhase, MigrationStatus
from shireito.registry.figures import MINISTRY_OF, PREFECTURE_OF, behind_target
from shireito.registry.models import BudgetTally, MigrationTally, SystemTally

GROUPS = {"category": SystemCategory, "hosting": Hosting}


def systems_by(group: str) -> list[dict]:
    """Systems in use or being built (retired ones left out) per category or hosting, in the
    vocabulary's order, every value listed (zero too, so the series is stable)."""
    choices = GROUPS[group]
    counts = dict(
        SystemTally.objects.exclude(phase=LifecyclePhase.RETIRED)
        .values_list(group)
        .annotate(n=Sum("systems"))
        .values_list(group, "n")
    )
    return [
        {"key": value, "label": str(label), "systems": counts.get(value, 0) or 0}
        for value, label in choices.choices
    ]


def _labels(ids) -> dict[int, tuple[str, str, str]]:
    english = (get_language() or "ja").startswith("en")
    return {
        pk: (code, (name_en if english and name_en else name), lg_code)
        for pk, code, name, name_en, lg_code in Organization.objects.filter(pk__in=ids).values_list(
            "pk", "code", "name", "name_en", "local_government_code"
        )
    }


def migration_by_prefecture(today: dt.date) -> list[dict]:
    """Per prefecture (its own systems and its municipalities'): systems of the standard
    businesses by migration status, those behind target today, and the share migrated; in
    the order of the prefectures' codes."""
    sums = {"total": Sum("systems"), "behind": Sum("systems", filter=behind_target(today))}
    for status in MigrationStatus.values:
        sums[status] = Sum("systems", filter=Q(migration_status=status))
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in MigrationTally.objects.annotate(prefecture=PREFECTURE_OF)
        .values("prefecture")
        .annotate(**sums)
        .order_by()
    ]
    labels = _labels([row["prefecture"] for row in rows])
    found = []
    for row in rows:
        code, label, lg_code = labels.get(row["prefecture"], ("", "", ""))
        total = row["total"] or 0
        migrated = row[MigrationStatus.MIGRATED] or 0
        found.append(
            {
                "prefecture": code,
                "prefecture_code": lg_code[:2],
                "label": label,
                "systems": total,
                **{status: row[status] or 0 for status in MigrationStatus.values},
                "behind_target": row["behind"] or 0,
                "migrated_share": round(100 * migrated / total, 1) if total else None,
            }
        )
    return sorted(found, key=lambda r: (r["prefecture_code"], r["prefecture"]))


def budget_by_ministry(years: list[int]) -> list[dict]:
    """The single budget per ministry (with the bodies it supervises) and fiscal year:
    requested, approved and executed, in yen."""
    rows = list(
        BudgetTally.objects.filter(fiscal_year__in=years)
        .annotate(ministry=MINISTRY_OF)
        .values("ministry", "fiscal_year")
        .annotate(requested=Sum("requested"), approved=Sum("approved"), executed=Sum("executed"))
        .order_by()
    )
    labels = _labels({row["ministry"] for row in rows})
    found = [
        {
            "ministry": labels.get(row["ministry"], ("", "", ""))[0],
            "label": labels.get(row["ministry"], ("", "", ""))[1],
            "fiscal_year": row["fiscal_year"],
            "requested": row["requested"] or 0,
            "approved": row["approved"] or 0,
            "executed": row["executed"] or 0,
        }
        for row in rows
    ]
    return sorted(found, key=lambda r: (r["ministry"], r["fiscal_year"]))
