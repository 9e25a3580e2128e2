"""The reporter's writes: a draft, its updates, and its submission along the route."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core import concurrency
from shireito.core.services import (
    Rules,
    audited_create,
    audited_update,
    is_unstorable,
    record_audit_event,
)
from shireito.incidents import tallies
from shireito.incidents.choices import (
    REPORT_FIELDS,
    EntryKind,
    Impact,
    IncidentCategory,
    ReportStatus,
)
from shireito.incidents.models import IncidentReport, ReportParty, RouteHop
from shireito.incidents.permissions import may_report_for, may_start_report
from shireito.incidents.regimes import applicable_regimes, report_clocks
from shireito.incidents.services.base import _entry, _lock, _ms, _notify_route, _require
from shireito.incidents.services.filings import _file, missing_for_stage
from shireito.incidents.services.indicators import _replace_indicators, indicators_clean
from shireito.incidents.services.route import _reach
from shireito.organizations.mandates import active_engine
from shireito.sharing.choices import Tlp

if TYPE_CHECKING:
    from shireito.accounts.models import User

EARLIEST_YEAR = 1990  # an incident report's times are recent; year 1 overflows time zones


def fiscal_year_of(moment: dt.datetime) -> int:
    local = timezone.localtime(moment)
    return local.year if local.month >= 4 else local.year - 1


def _next_number(now: dt.datetime) -> str:
    prefix = f"IR{fiscal_year_of(now)}-"
    highest = 0
    for number in IncidentReport.objects.filter(number__startswith=prefix).values_list(
        "number", flat=True
    ):
        suffix = number[len(prefix) :]
        if suffix.isdigit():
            highest = max(highest, int(suffix))
    return f"{prefix}{highest + 1:05d}"


def _clean_fields(fields: dict, *, now: dt.datetime) -> dict:
    """Check the reporter's fields; a ValidationError names each bad one."""
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    errors: dict[str, str] = {}
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            errors["title"] = _("Give the report a title.")
        elif len(fields["title"]) > 200:
            errors["title"] = _("At most 200 characters.")
    choices = {"category": IncidentCategory, "impact": Impact, "tlp": Tlp}
    for name, choice in choices.items():
        if name in fields and fields[name] not in choice.values:
            errors[name] = _("Choose one of: %s.") % ", ".join(choice.values)
    for name in ("detected_at", "aware_at", "ransom_paid_at"):
        value = fields.get(name)
        if value is None:
            continue
        if not isinstance(value, dt.datetime):
            errors[name] = _("Give a date and time.")
            continue
        if value.year < EARLIEST_YEAR:
            errors[name] = _("Give a time after %(year)d.") % {"year": EARLIEST_YEAR}
            continue
        if timezone.is_naive(value):
            fields[name] = timezone.make_aware(value)
        if fields[name] > now + dt.timedelta(minutes=5):
            errors[name] = _("This time is in the future.")
    for name in ("title", "impact_description", "narrative"):
        if isinstance(fields.get(name), str) and is_unstorable(fields[name]):
            errors[name] = _("The text holds a character that cannot be stored (NUL).")
    count = fields.get("personal_data_count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        errors["personal_data_count"] = _("Give a whole number, zero or more.")
    for name in ("personal_data", "malicious"):
        if name in fields and not isinstance(fields[name], bool):
            errors[name] = _("Give true or false.")
    if errors:
        raise ValidationError(errors)
    return fields


def _check_times(report: IncidentReport) -> None:
    errors = {}
    if report.detected_at and report.aware_at and report.aware_at < report.detected_at:
        errors["aware_at"] = _("Awareness cannot come before detection.")
    if report.personal_data_count and not report.personal_data:
        errors["personal_data"] = _(
            "A number of people is given: mark that personal data is involved."
        )
    if errors:
        raise ValidationError(errors)


def _check_systems(report: IncidentReport, systems) -> list:
    """Affected systems must be the reporter's own."""
    systems = list(systems)
    foreign = [s for s in systems if s.owner_id != report.reporter_id]
    if foreign:
        raise ValidationError(
            {
                "systems": _("These systems are not the reporting organization's: %s")
                % ", ".join(s.code for s in foreign)
            }
        )
    return systems


def report_check(
    *,
    report: IncidentReport | None = None,
    reporter=None,
    systems=None,
    indicators: Iterable[dict] | None = None,
    now: dt.datetime | None = None,
    **fields,
) -> None:
    """Every rule a new draft of ``reporter`` or a change to ``report`` must meet, without
    writing, on the fields given: each field's shape, the times' order, the clocks of a
    submitted report, the systems (the reporter's own) and the indicators. One
    ``ValidationError`` names every problem; the services call it before they write, the
    report form with what it could read."""
    now = now or timezone.now()
    rules = Rules()
    cleaned = rules.check(_clean_fields, dict(fields), now=now) or {}
    candidate = copy.copy(report) if report is not None else IncidentReport(reporter=reporter)
    for name, value in cleaned.items():
        setattr(candidate, name, value)
    rules.check(_check_times, candidate)
    if report is not None and report.status != ReportStatus.DRAFT:
        changed = [name for name, value in cleaned.items() if getattr(report, name) != value]
        rules.check(_check_clock_times, report, cleaned, changed)
    if systems is not None:
        rules.check(_check_systems, candidate, systems)
    if indicators is not None:
        rules.check(indicators_clean, list(indicators))
    rules.raise_all()


def report_create(
    *,
    actor: User,
    reporter=None,
    systems=(),
    indicators: Iterable[dict] = (),
    now: dt.datetime | None = None,
    **fields,
) -> IncidentReport:
    """Save a new draft for the actor's organisation."""
    now = now or timezone.now()
    reporter = reporter or getattr(actor, "organization", None)
    _require(
        may_report_for(actor, reporter),
        _("Only editors and incident handlers of the reporting organization may report."),
    )
    _require(
        may_start_report(actor, reporter, on=timezone.localdate(now)),
        _(
            "The governance model in force gives your organization no report route, so a "
            "report could not be submitted; ask the platform administrators."
        ),
    )
    systems, indicators = list(systems), list(indicators)
    report_check(reporter=reporter, systems=systems, indicators=indicators, now=now, **fields)
    fields = _clean_fields(dict(fields), now=now)
    if "title" not in fields:
        raise ValidationError({"title": _("Give the report a title.")})
    if "category" not in fields:
        raise ValidationError({"category": _("Choose a category.")})
    with transaction.atomic():
        report = IncidentReport(reporter=reporter, created_by=actor, **fields)
        _check_times(report)
        for _attempt in range(5):
            report.number = _next_number(now)
            try:
                with transaction.atomic():
                    report = audited_create(actor=actor, instance=report)
                break
            except IntegrityError:
                report.pk = None  # another reporter drew the number: draw again
        else:  # pragma: no cover
            raise RuntimeError("could not draw a report number")
        ReportParty.objects.create(report=report, organization=reporter, since=now)
        chosen = _check_systems(report, systems)
        report.systems.set(chosen)
        if chosen:
            record_audit_event(
                actor=actor,
                action="update",
                instance=report,
                changes={"systems": [[], sorted(s.code for s in chosen)]},
            )
        _replace_indicators(report, list(indicators), actor=actor)
        _entry(report, EntryKind.CREATED, at=now, actor=actor, organization=reporter)
        tallies.settle(report.pk, tallies.Contributions())
    return report


def report_update(
    *,
    actor: User,
    report: IncidentReport,
    systems=None,
    indicators: Iterable[dict] | None = None,
    note: str = "",
    expected_updated_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    **fields,
) -> IncidentReport:
    """Change a draft, or (once submitted) add the reporter's update: what changed goes on the
    timeline with the note, and the route's handlers are told."""
    now = now or timezone.now()
    _require(
        may_report_for(actor, report.reporter),
        _("Only the reporting organization may change its report."),
    )
    systems = None if systems is None else list(systems)
    indicators = None if indicators is None else list(indicators)
    report_check(report=report, systems=systems, indicators=indicators, now=now, **fields)
    fields = _clean_fields(dict(fields), now=now)
    with transaction.atomic(), tallies.tallied(report.pk):
        loaded, report = report, _lock(report)
        concurrency.carry(loaded, report)
        concurrency.check_expected(report, report.version)
        if report.status == ReportStatus.CLOSED:
            raise ValidationError({"__all__": _("The report is closed.")})
        # Compared to the millisecond: JSON carries times at that precision.
        if expected_updated_at and _ms(report.updated_at) != _ms(expected_updated_at):
            raise ValidationError(
                {"__all__": _("Someone changed this report meanwhile; reload it and try again.")}
            )
        changed = [name for name, value in fields.items() if getattr(report, name) != value]
        if report.status != ReportStatus.DRAFT:
            _check_clock_times(report, fields, changed)
        for name, value in fields.items():
            setattr(report, name, value)
        _check_times(report)
        report, _changes = audited_update(
            actor=actor, instance=report, **{name: fields[name] for name in changed}
        )
        if systems is not None and _replace_systems(report, systems, actor=actor):
            changed.append("systems")
        if indicators is not None and _replace_indicators(report, list(indicators), actor=actor):
            changed.append("indicators")
        if changed and not _changes:
            # Systems or indicators alone: the report still changed, so a form read before
            # this save is stale.
            report.save(update_fields=["updated_at"])
            concurrency.claim(report)
        if report.status == ReportStatus.OPEN and _add_regimes(report, actor=actor):
            changed.append("regimes")
        if report.status == ReportStatus.OPEN and (changed or note.strip()):
            _entry(
                report,
                EntryKind.UPDATE,
                at=now,
                actor=actor,
                organization=report.reporter,
                text=note.strip(),
                details={"fields": changed},
            )
            _notify_route(report, "update", key=f"update:{report.pk}:{now.isoformat()}")
    return report


def _check_clock_times(report: IncidentReport, fields: dict, changed: list[str]) -> None:
    """The regimes' clocks run from these: once submitted they may be corrected to an
    earlier time, never moved later (which would restart overdue deadlines)."""
    for name in ("detected_at", "aware_at"):
        before, after = getattr(report, name), fields.get(name, getattr(report, name))
        if name in changed and before is not None and (after is None or after > before):
            raise ValidationError(
                {
                    name: _(
                        "Once the report is submitted, this time may only be "
                        "corrected to an earlier one."
                    )
                }
            )


def _replace_systems(report: IncidentReport, systems, *, actor: User | None) -> bool:
    """Set the affected systems (the reporter's own); True if they changed."""
    chosen = _check_systems(report, systems)
    before = set(report.systems.values_list("pk", flat=True))
    if before == {s.pk for s in chosen}:
        return False
    report.systems.set(chosen)
    record_audit_event(
        actor=actor,
        action="update",
        instance=report,
        changes={"systems": [sorted(before), sorted(s.pk for s in chosen)]},
    )
    return True


def _add_regimes(report: IncidentReport, *, actor: User | None) -> bool:
    """Personal data found later brings the PPC's regime: regimes are added, never taken
    away. True if one was added."""
    added = [
        regime
        for regime in applicable_regimes(report)
        if not report.regimes.filter(pk=regime.pk).exists()
    ]
    if not added:
        return False
    report.regimes.add(*added)
    record_audit_event(
        actor=actor,
        action="update",
        instance=report,
        changes={"regimes": [None, [regime.key for regime in added]]},
    )
    return True


def report_submit(
    *, actor, report: IncidentReport, route_key: str | None = None, now: dt.datetime | None = None
) -> IncidentReport:
    """Send a draft along its route: the model's default route for this reporter unless the
    reporter picks one of the alternatives it allows."""
    now = now or timezone.now()
    _require(
        may_report_for(actor, report.reporter),
        _("Only the reporting organization may submit its report."),
    )
    with transaction.atomic(), tallies.tallied(report.pk):
        report = _lock(report)
        if report.status != ReportStatus.DRAFT:
            raise ValidationError({"__all__": _("The report has already been submitted.")})
        missing = {
            name: _("Required before submitting.")
            for name in ("title", "category", "aware_at", "narrative")
            if not getattr(report, name)
        }
        if missing:
            raise ValidationError(missing)
        _check_times(report)
        route, rule = _choose_route(report, route_key, now=now)
        hops = [
            RouteHop.objects.create(report=report, position=position, place=place, organization=org)
            for position, (place, org) in enumerate(route.hops, start=1)
        ]
        regimes = applicable_regimes(report)
        report.regimes.set(regimes)
        record_audit_event(
            actor=actor,
            action="update",
            instance=report,
            changes={
                "route": [None, [f"{hop.place}={hop.organization.code}" for hop in hops]],
                "regimes": [None, [regime.key for regime in regimes]],
            },
        )
        report, _changes = audited_update(
            actor=actor,
            instance=report,
            status=ReportStatus.OPEN,
            submitted_at=now,
            route_key=route.key,
            route_rule=rule,
        )
        _entry(
            report,
            EntryKind.SUBMITTED,
            at=now,
            actor=actor,
            organization=report.reporter,
            details={
                "route": route.key,
                "rule": rule,
                "regimes": [regime.key for regime in regimes],
            },
        )
        _reach(report, hops[0], at=now, actor=actor)
        _file_first_stages(report, actor=actor, now=now)
    return report


def _choose_route(report: IncidentReport, route_key: str | None, *, now: dt.datetime):
    """The model's default route for the reporter, or the alternative it picked; refused when
    the route passes through the reporter itself or has a place nobody holds. Returns the
    route and the model's rule that gave it."""
    answer = active_engine(on=timezone.localdate(now)).report_routes(report.reporter)
    if not answer.routes:
        raise ValidationError(
            {"route": _("The governance model gives no report route for this organization.")}
        )
    by_key = {route.key: route for route in answer.routes}
    route = by_key.get(route_key) if route_key else next(r for r in answer.routes if r.default)
    if route is None:
        raise ValidationError(
            {"route": _("Choose one of the routes the model allows: %s.") % ", ".join(by_key)}
        )
    if any(org is not None and org.pk == report.reporter_id for _place, org in route.hops):
        raise ValidationError(
            {
                "route": _(
                    "Your organization holds a place on this route itself; a report "
                    "cannot pass through its own reporter. Choose another route."
                )
            }
        )
    if not route.complete:
        holes = [place for place, org in route.hops if org is None]
        raise ValidationError(
            {
                "route": _("Nobody holds this place on the route: %s. Choose another route.")
                % ", ".join(holes)
            }
        )
    return route, answer.rule


def _file_first_stages(report: IncidentReport, *, actor: User | None, now: dt.datetime) -> None:
    """The submission is itself the first report to the regimes whose authority is on the
    route (the government's, the electricity sector's), where the report already holds what
    that stage requires; the others' stages the reporter files."""
    for clock in report_clocks(report, now):
        if not clock.regime.filed_by_route:
            continue
        first = clock.stage.position == min(s.position for s in clock.regime.stages.all())
        if first and clock.is_open and not missing_for_stage(report, clock.stage):
            _file(report, clock.stage, actor=actor, at=now)
