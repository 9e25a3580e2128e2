"""Figures of audits for the control tower: compliance, posture, findings, corrective actions
and an auditor's own audits. Plain rows and counts, scoped like the audits themselves.

Visibility: an aggregate of audits is audit data. Every figure here is counted from rows the
user may list (``visible_to`` on the tallies, keyed by the audit's parties, exactly as the
audits are): the Digital Agency or a ministry sees the compliance of the audits it is a party
to (or that the governance model's rules let it see), never of others. Lifting that for an
anonymised government-wide benchmark would be a governance-model decision (a scope class for
anonymised aggregates); until one is made, a ministry's benchmark is drawn from the bodies it
may see, and withheld below ``dashboard.figures.MIN_PEERS`` of them.

Definitions:
- assessed: satisfied, partially or not satisfied (not applicable and not assessed are left
  out); the share is satisfied ÷ assessed.
- the latest audit result of a system: its latest closed audit that is not a
  self-assessment (by fiscal year, then the audit's id); its date the audit's closing date.
- the latest self-assessment of a system: the auditee's claims in its latest audit (of any
  kind) holding an assessed claim; its date the last write of a result counted there.
- areas: a control's top-level group in its catalog (``ControlArea``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shireito.audits import selectors
from shireito.audits.choices import AuditKind, AuditStatus, FindingStatus
from shireito.organizations.models import Organization
from shireito.registry.models import InformationSystem
from shireito.standards.models import CatalogNode

if TYPE_CHECKING:
    from shireito.accounts.models import User

# A self-assessment this many points or more above its audit result is flagged.
GAP_POINTS = 20
# Open findings by age, in days since they were raised: (key, first day, last day or None).
AGE_BANDS = (("0-30", 0, 30), ("31-90", 31, 90), ("91-180", 91, 180), ("181-", 181, None))
# The same bands as the findings list's filter offers them.
AGE_BAND_CHOICES = [
    ("0-30", _("0–30 days")),
    ("31-90", _("31–90 days")),
    ("91-180", _("91–180 days")),
    ("181-", _("more than 180 days")),
]
ASSESSED = ("satisfied", "partially", "not_satisfied")
CLAIMED = tuple(f"claimed_{s}" for s in ASSESSED)


@dataclass
class Share:
    satisfied: int = 0
    assessed: int = 0

    def add(self, satisfied: int, assessed: int) -> None:
        self.satisfied += satisfied
        self.assessed += assessed

    @property
    def percent(self) -> float | None:
        if not self.assessed:
            return None
        return round(100 * self.satisfied / self.assessed, 1)


@dataclass
class SystemPosture:
    """One system's self-assessment and latest audit result, each with its date."""

    system_id: int
    owner_id: int
    claimed: Share = field(default_factory=Share)
    claimed_on: dt.date | None = None
    claimed_audit: str = ""
    audited: Share = field(default_factory=Share)
    audited_on: dt.date | None = None
    audited_audit: str = ""
    audited_audit_id: int | None = None

    @property
    def gap(self) -> float | None:
        """Points by which the self-assessment is above the audit result."""
        if self.claimed.percent is None or self.audited.percent is None:
            return None
        return round(self.claimed.percent - self.audited.percent, 1)

    @property
    def disagrees(self) -> bool:
        return self.gap is not None and self.gap >= GAP_POINTS


def _tallies(user: User):
    return selectors.compliance_tallies(user=user)


_TALLY_FIELDS = (
    "system_id",
    "auditee_id",
    "audit_id",
    "updated_at",
    *ASSESSED,
    *CLAIMED,
)


def system_postures(
    *, user: User, organization_ids: list[int] | None = None
) -> dict[int, SystemPosture]:
    """Every visible system's latest self-assessment and audit result, from the tallies: one
    query over a row per audit and system (never the results), one over the closed audits."""
    tallies = _tallies(user)
    if organization_ids is not None:
        tallies = tallies.filter(auditee_id__in=organization_ids)
    rows = tallies.order_by("fiscal_year", "audit_id").values_list(*_TALLY_FIELDS)
    closed = dict(
        selectors.audit_list(user=user, status=AuditStatus.CLOSED).values_list("pk", "closed_on")
    )
    postures: dict[int, SystemPosture] = {}
    claimed_at: dict[int, dt.datetime | None] = {}
    claimed_in: dict[int, int] = {}
    for row in rows:
        system_id, owner_id, audit_id, updated = row[:4]
        results, claims = row[4:7], row[7:10]
        posture = postures.get(system_id)
        if posture is None:
            posture = postures[system_id] = SystemPosture(system_id, owner_id)
        if claims[0] or claims[1] or claims[2]:  # later rows replace earlier: the latest wins
            posture.claimed = Share(claims[0], sum(claims))
            claimed_at[system_id], claimed_in[system_id] = updated, audit_id
        # (self-assessments are not in ``closed``: the list holds audits only)
        if audit_id in closed and (results[0] or results[1] or results[2]):
            posture.audited = Share(results[0], sum(results))
            posture.audited_on = closed[audit_id]
            posture.audited_audit_id = audit_id
    wanted: set[int] = set(claimed_in.values())
    wanted.update(p.audited_audit_id for p in postures.values() if p.audited_audit_id)
    numbers = _audit_numbers(user, wanted)
    for system_id, posture in postures.items():
        if system_id in claimed_in:
            at = claimed_at[system_id]
            posture.claimed_on = timezone.localdate(at) if at else None
            posture.claimed_audit = numbers.get(claimed_in[system_id], "")
        if posture.audited_audit_id:
            posture.audited_audit = numbers.get(posture.audited_audit_id, "")
    return postures


def _audit_numbers(user: User, ids: set[int]) -> dict[int, str]:
    audits = selectors.audit_list(user=user, self_assessment=None).order_by()
    if len(ids) > 500:  # most of them: one plain read beats a list of thousands of ids
        return {pk: n for pk, n in audits.values_list("pk", "number") if pk in ids}
    return dict(audits.filter(pk__in=sorted(ids)).values_list("pk", "number"))


@dataclass
class OrganizationPosture:
    organization_id: int
    systems: int = 0
    audited_systems: int = 0
    claimed: Share = field(default_factory=Share)
    claimed_on: dt.date | None = None
    audited: Share = field(default_factory=Share)
    audited_on: dt.date | None = None
    disagreeing_systems: int = 0

    @property
    def gap(self) -> float | None:
        if self.claimed.percent is None or self.audited.percent is None:
            return None
        return round(self.claimed.percent - self.audited.percent, 1)

    @property
    def disagrees(self) -> bool:
        return self.gap is not None and self.gap >= GAP_POINTS


def organization_postures(
    postures: dict[int, SystemPosture],
) -> dict[int, OrganizationPosture]:
    """The systems' postures summed per owner: shares over all its systems' controls, and the
    oldest of their dates (how stale the organisation's picture is at worst)."""
    found: dict[int, OrganizationPosture] = {}
    for posture in postures.values():
        org = found.setdefault(posture.owner_id, OrganizationPosture(posture.owner_id))
        org.systems += 1
        org.audited_systems += bool(posture.audited.assessed)
        org.claimed.add(posture.claimed.satisfied, posture.claimed.assessed)
        org.audited.add(posture.audited.satisfied, posture.audited.assessed)
        org.claimed_on = _oldest(org.claimed_on, posture.claimed_on)
        org.audited_on = _oldest(org.audited_on, posture.audited_on)
        org.disagreeing_systems += posture.disagrees
    return found


def _oldest(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return min(d for d in (a, b) if d) if (a or b) else None


def latest_audits(postures: dict[int, SystemPosture]) -> set[int]:
    """The audits holding some system's latest audit result."""
    return {p.audited_audit_id for p in postures.values() if p.audited_audit_id}


@dataclass
class AreaShare:
    area_id: int
    label: str
    title: str
    share: Share
    catalog: str = ""


def compliance_by_area(*, user: User, audit_ids: set[int]) -> list[AreaShare]:
    """Per catalog area, the share over the given audits (the latest results), weakest first;
    only from the area tallies the user may see."""
    ids = sorted(audit_ids)
    totals: dict[int, Share] = defaultdict(Share)
    for start in range(0, len(ids), 500):
        rows = (
            selectors.area_tallies(user=user)
            .filter(audit_id__in=ids[start : start + 500])
            .values("area_id")
            .annotate(s=Sum("satisfied"), p=Sum("partially"), n=Sum("not_satisfied"))
            .order_by()
        )
        for row in rows:
            totals[row["area_id"]].add(row["s"], row["s"] + row["p"] + row["n"])
    nodes = CatalogNode.objects.select_related("catalog").in_bulk(list(totals))
    areas = [
        AreaShare(pk, nodes[pk].label, nodes[pk].title, share, nodes[pk].catalog.title)
        for pk, share in totals.items()
        if share.assessed
    ]
    return sorted(areas, key=lambda a: (a.share.percent or 0, a.label))


@dataclass
class YearShare:
    fiscal_year: int
    audited: Share
    claimed: Share
    audits: int


def compliance_trend(*, user: User) -> list[YearShare]:
    """Per fiscal year, the share in the closed audits (not self-assessments) of that year,
    and the auditees' claims beside it."""
    rows = (
        _tallies(user)
        .exclude(kind=AuditKind.SELF_ASSESSMENT)
        .filter(audit__status=AuditStatus.CLOSED)
        .values("fiscal_year")
        .annotate(
            audits=Count("audit_id", distinct=True),
            **{name: Sum(name) for name in (*ASSESSED, *CLAIMED)},
        )
        .order_by("fiscal_year")
    )
    return [
        YearShare(
            row["fiscal_year"],
            Share(row["satisfied"], sum(row[n] for n in ASSESSED)),
            Share(row["claimed_satisfied"], sum(row[n] for n in CLAIMED)),
            row["audits"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Named:
    code: str
    name: str
    name_en: str = ""

    def __str__(self) -> str:
        # As the organisation names itself: in English on an English page.
        return self.name_en if get_language() == "en" and self.name_en else self.name


def organizations_named(ids) -> dict[int, Named]:
    """Code and name of the organisations behind figures the user already may see."""
    wanted = sorted(ids)
    found: dict[int, Named] = {}
    for start in range(0, len(wanted), 2000):
        rows = Organization.objects.filter(pk__in=wanted[start : start + 2000]).values_list(
            "pk", "code", "name", "name_en"
        )
        found.update({pk: Named(*values) for pk, *values in rows})
    return found


def systems_named(ids) -> dict[int, Named]:
    """Code and name of systems whose figures the user already may see."""
    rows = InformationSystem.objects.filter(pk__in=list(ids)).values_list(
        "pk", "code", "name", "name_en"
    )
    return {pk: Named(*values) for pk, *values in rows}


# --- findings and corrective actions -------------------------------------------------------


def age_band_dates(band: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The dates a finding raised within ``band`` was raised between (earliest, latest)."""
    for key, first, last in AGE_BANDS:
        if key == band:
            latest = today - dt.timedelta(days=first)
            earliest = today - dt.timedelta(days=last) if last is not None else None
            return earliest, latest
    return None, None


def open_findings_by_grade_and_age(*, user: User, today: dt.date) -> dict[str, dict[str, int]]:
    """Open findings per grade and age band (days since raised), in one grouped query."""
    counts = {}
    for key, first, last in AGE_BANDS:
        band = Q(created_at__date__lte=today - dt.timedelta(days=first))
        if last is not None:
            band &= Q(created_at__date__gte=today - dt.timedelta(days=last))
        counts[key] = Count("pk", filter=band)
    rows = (
        selectors.finding_list(user=user, status=FindingStatus.OPEN)
        .values("grade")
        .annotate(**counts)
        .order_by()
    )
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        values: dict = dict(row)
        found[values["grade"]] = {key: values[key] for key, _f, _l in AGE_BANDS}
    return found


def overdue_action_count(*, user: User, today: dt.date) -> int:
    """Corrective actions not closed and past due: the count of the list it links to."""
    return selectors.action_list(user=user, overdue_on=today).count()


# --- an auditor's own audits ---------------------------------------------------------------


def own_audits_by_status(*, user: User) -> dict[str, int]:
    """The audits the user's organisation carries out (not self-assessments), per status:
    the counts of the audits list filtered ``mine`` and by status."""
    if not getattr(user, "organization_id", None):
        return {}
    rows = (
        selectors.audit_list(user=user, auditor_id=user.organization_id)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def own_audits_with_overdue_stages(*, user: User, today: dt.date) -> int:
    """The user's organisation's audits (as auditor) with a stage past its due date."""
    if not getattr(user, "organization_id", None):
        return 0
    return selectors.audit_list(
        user=user, auditor_id=user.organization_id, overdue_on=today
    ).count()
