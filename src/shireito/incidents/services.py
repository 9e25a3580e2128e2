"""Writes to incident reports. Pages, the API, STIX intake, the command line and the demo all
go through these, so the route rules, the regimes' clocks, the notices and the audit trail hold
everywhere.

A report is the reporter's alone while it is a draft. Submitting fixes its route from the
governance model (the reporter picks among the alternatives the model allows) and the regimes
that apply. Each hop then receives it, acknowledges it, may ask questions or add assessments,
and forwards it; the last hop (the national centre) closes it. Every step is a timeline entry
and an audit-trail event, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.services import (
    audited_create,
    audited_update,
    is_unstorable,
    record_audit_event,
)
from shireito.incidents import notices
from shireito.incidents.choices import (
    REQUIRABLE_FIELDS,
    ClockState,
    EntryKind,
    HopStatus,
    Impact,
    IncidentCategory,
    IndicatorKind,
    ReportStatus,
    Tlp,
)
from shireito.incidents.models import (
    IncidentReport,
    Indicator,
    RegimeStage,
    ReportParty,
    RouteHop,
    StageFiling,
    TimelineEntry,
)
from shireito.incidents.regimes import applicable_regimes, report_clocks
from shireito.organizations.mandates import active_engine

REPORTER_ROLES = ("editor", "incident_handler", "org_admin")
EARLIEST_YEAR = 1990  # an incident report's times are recent; year 1 overflows time zones
HANDLER_ROLES = ("incident_handler", "org_admin")

# Fields a reporter sets; the rest are the route's and the national centre's.
REPORT_FIELDS = (
    "title",
    "category",
    "impact",
    "impact_description",
    "detected_at",
    "aware_at",
    "personal_data",
    "personal_data_count",
    "malicious",
    "ransom_paid_at",
    "tlp",
    "narrative",
)


# --- who may do what -----------------------------------------------------------------------


def _has_any_role(user, roles: Iterable[str]) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and any(
        user.has_role(role) for role in roles
    )


def may_report_for(user, organization) -> bool:
    """Members of the reporting organisation who edit or handle incidents."""
    return (
        organization is not None
        and getattr(user, "organization_id", None) == organization.pk
        and _has_any_role(user, REPORTER_ROLES)
    )


def may_handle(user, hop: RouteHop) -> bool:
    """Incident handlers (or the admin) of the organisation holding the hop."""
    return getattr(user, "organization_id", None) == hop.organization_id and _has_any_role(
        user, HANDLER_ROLES
    )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# --- numbers and fields ----------------------------------------------------------------------


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


def _entry(report, kind, *, at, actor=None, organization=None, hop=None, text="", **extra):
    return TimelineEntry.objects.create(
        report=report,
        at=at,
        kind=kind,
        organization=organization or getattr(actor, "organization", None),
        author=actor if getattr(actor, "pk", None) else None,
        hop=hop,
        text=text,
        reply_to=extra.pop("reply_to", None),
        details=extra.pop("details", {}),
    )


def _ms(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _lock(report: IncidentReport) -> IncidentReport:
    return IncidentReport.objects.select_for_update().get(pk=report.pk)


# --- drafts -----------------------------------------------------------------------------------


def report_create(
    *,
    actor,
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
    return report


def report_update(
    *,
    actor,
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
    fields = _clean_fields(dict(fields), now=now)
    with transaction.atomic():
        report = _lock(report)
        if report.status == ReportStatus.CLOSED:
            raise ValidationError({"__all__": _("The report is closed.")})
        # Compared to the millisecond: JSON carries times at that precision.
        if expected_updated_at and _ms(report.updated_at) != _ms(expected_updated_at):
            raise ValidationError(
                {"__all__": _("Someone changed this report meanwhile; reload it and try again.")}
            )
        changed = [name for name, value in fields.items() if getattr(report, name) != value]
        if report.status != ReportStatus.DRAFT:
            # The regimes' clocks run from these: once submitted they may be corrected to an
            # earlier time, never moved later (which would restart overdue deadlines).
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
        for name, value in fields.items():
            setattr(report, name, value)
        _check_times(report)
        report, _changes = audited_update(
            actor=actor, instance=report, **{name: fields[name] for name in changed}
        )
        report._changed_fields = changed  # for the caller's message
        if systems is not None:
            chosen = _check_systems(report, systems)
            before = set(report.systems.values_list("pk", flat=True))
            if before != {s.pk for s in chosen}:
                report.systems.set(chosen)
                changed.append("systems")
                record_audit_event(
                    actor=actor,
                    action="update",
                    instance=report,
                    changes={"systems": [sorted(before), sorted(s.pk for s in chosen)]},
                )
        if indicators is not None and _replace_indicators(report, list(indicators), actor=actor):
            changed.append("indicators")
        if changed and not _changes:
            # Systems or indicators alone: the report still changed, so a form read before
            # this save is stale.
            report.save(update_fields=["updated_at"])
        if report.status == ReportStatus.OPEN:
            added = [
                regime
                for regime in applicable_regimes(report)
                if not report.regimes.filter(pk=regime.pk).exists()
            ]
            if added:
                # Personal data found later brings the PPC's regime: regimes are added, never
                # taken away.
                report.regimes.add(*added)
                record_audit_event(
                    actor=actor,
                    action="update",
                    instance=report,
                    changes={"regimes": [None, [regime.key for regime in added]]},
                )
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


HASH_LENGTHS = {IndicatorKind.SHA256: 64, IndicatorKind.MD5: 32}


def indicator_problem(kind: str, value: str) -> str | None:
    """Why ``value`` is not an indicator of ``kind`` (None when it is): the export turns each
    into a STIX pattern, so a value that cannot become one is refused here, not dropped later."""
    from shireito.incidents.stix import pattern_problem

    if kind in HASH_LENGTHS and not re.fullmatch(rf"[0-9a-fA-F]{{{HASH_LENGTHS[kind]}}}", value):
        return _("Give %(count)d hexadecimal characters.") % {"count": HASH_LENGTHS[kind]}
    if kind in (IndicatorKind.IPV4, IndicatorKind.IPV6):
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            network = None
        if network is None or network.version != (4 if kind == IndicatorKind.IPV4 else 6):
            return _("This is not an IP address of that version.")
    if kind == IndicatorKind.DOMAIN and not re.fullmatch(
        r"(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]{1,63}\.?",
        value,
    ):
        return _("This is not a domain name.")
    if kind == IndicatorKind.EMAIL and not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
        return _("This is not an e-mail address.")
    if pattern_problem(kind, value):
        return _("This value cannot be expressed as a STIX pattern.")
    return None


def _replace_indicators(report, indicators: list[dict], actor=None) -> bool:
    """Set the report's indicators to ``indicators``; True if anything changed."""
    errors = {}
    cleaned = []
    for index, item in enumerate(indicators):
        kind = item.get("kind")
        value = str(item.get("value") or "").strip()
        if kind not in IndicatorKind.values:
            errors[f"indicators[{index}].kind"] = _("Choose one of: %s.") % ", ".join(
                IndicatorKind.values
            )
        if not value:
            errors[f"indicators[{index}].value"] = _("Give a value.")
        elif len(value) > 2000:
            errors[f"indicators[{index}].value"] = _("At most 2000 characters.")
        elif is_unstorable(value):
            errors[f"indicators[{index}].value"] = _(
                "The text holds a character that cannot be stored (NUL)."
            )
        elif kind in IndicatorKind.values:
            problem = indicator_problem(kind, value)
            if problem:
                errors[f"indicators[{index}].value"] = problem
        description = str(item.get("description") or "").strip()[:500]
        if is_unstorable(description):
            errors[f"indicators[{index}].description"] = _(
                "The text holds a character that cannot be stored (NUL)."
            )
        cleaned.append(
            (
                kind,
                value,
                description,
                bool(item.get("shareable", True)),
            )
        )
    if errors:
        raise ValidationError(errors)
    before = [(i.kind, i.value, i.description, i.shareable) for i in report.indicators.all()]
    if before == cleaned:
        return False
    report.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(report=report, kind=k, value=v, description=d, shareable=s)
        for k, v, d, s in cleaned
    )
    record_audit_event(
        actor=actor,
        action="update",
        instance=report,
        changes={"indicators": [[list(b) for b in before], [list(c) for c in cleaned]]},
    )
    return True


# --- submitting and the route -------------------------------------------------------------------


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
    with transaction.atomic():
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
            route_rule=answer.rule,
        )
        _entry(
            report,
            EntryKind.SUBMITTED,
            at=now,
            actor=actor,
            organization=report.reporter,
            details={
                "route": route.key,
                "rule": answer.rule,
                "regimes": [regime.key for regime in regimes],
            },
        )
        _reach(report, hops[0], at=now, actor=actor)
        # The submission is itself the first report to the regimes whose authority is on the
        # route (the government's, the electricity sector's), where the report already holds
        # what that stage requires; the others' stages the reporter files.
        for clock in report_clocks(report, now):
            if not clock.regime.filed_by_route:
                continue
            first = clock.stage.position == min(s.position for s in clock.regime.stages.all())
            if first and clock.is_open and not missing_for_stage(report, clock.stage):
                _file(report, clock.stage, actor=actor, at=now)
    return report


def _reach(report: IncidentReport, hop: RouteHop, *, at: dt.datetime, actor) -> None:
    """The report arrives at a hop: it becomes a party and its handlers are told."""
    hop.status = HopStatus.RECEIVED
    hop.received_at = at
    hop.save(update_fields=["status", "received_at", "updated_at"])
    _party, new = ReportParty.objects.get_or_create(
        report=report, organization=hop.organization, defaults={"since": at}
    )
    record_audit_event(
        actor=actor,
        action="update",
        instance=hop,
        changes={
            "status": [HopStatus.WAITING, HopStatus.RECEIVED],
            **({"party": [None, hop.organization.code]} if new else {}),
        },
    )
    _entry(report, EntryKind.RECEIVED, at=at, organization=hop.organization, hop=hop)
    notices.notify(
        organization_id=hop.organization_id,
        report=report,
        kind="received",
        key=f"received:{report.pk}:{hop.pk}",
        params={},
    )


def _current_hop(report: IncidentReport, actor) -> RouteHop:
    """The hop the actor's organisation holds and that has the report now."""
    organization_id = getattr(actor, "organization_id", None)
    hop = (
        report.hops.filter(
            organization_id=organization_id,
            status__in=(HopStatus.RECEIVED, HopStatus.ACKNOWLEDGED),
        )
        .order_by("position")
        .first()
    )
    if (
        hop is None
        and report.hops.filter(
            organization_id=organization_id, status__in=(HopStatus.FORWARDED, HopStatus.CLOSED)
        ).exists()
    ):
        # A second click, or a page read before the report moved on.
        raise ValidationError({"__all__": _("Your organization has already passed the report on.")})
    _require(
        hop is not None and may_handle(actor, hop),
        _("Only incident handlers of the organization that has the report now may do this."),
    )
    return hop


def hop_acknowledge(*, actor, report: IncidentReport, now=None) -> RouteHop:
    now = now or timezone.now()
    with transaction.atomic():
        report = _lock(report)
        _require_open(report)
        hop = _current_hop(report, actor)
        if hop.status != HopStatus.RECEIVED:
            raise ValidationError({"__all__": _("Your organization has already acknowledged it.")})
        hop, _changes = audited_update(
            actor=actor, instance=hop, status=HopStatus.ACKNOWLEDGED, acknowledged_at=now
        )
        _entry(report, EntryKind.ACKNOWLEDGED, at=now, actor=actor, hop=hop)
    return hop


def hop_comment(*, actor, report: IncidentReport, kind: str, text: str, now=None):
    """A question to the reporter, or an assessment, from the hop that has the report."""
    now = now or timezone.now()
    if kind not in (EntryKind.QUESTION, EntryKind.ASSESSMENT):
        raise ValidationError({"kind": _("Choose a question or an assessment.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the text.")})
    if is_unstorable(text):
        raise ValidationError(
            {"text": _("The text holds a character that cannot be stored (NUL).")}
        )
    with transaction.atomic():
        report = _lock(report)
        _require_open(report)
        hop = _current_hop(report, actor)
        entry = _entry(report, kind, at=now, actor=actor, hop=hop, text=text)
        record_audit_event(
            actor=actor, action="update", instance=report, changes={kind: [None, text]}
        )
        notices.notify(
            organization_id=report.reporter_id,
            report=report,
            kind=str(kind),
            key=f"{kind}:{entry.pk}",
            params={"organization_id": hop.organization_id},
        )
    return entry


def report_reply(*, actor, report: IncidentReport, question: TimelineEntry, text: str, now=None):
    """The reporter answers a hop's question (an update linked to it)."""
    now = now or timezone.now()
    _require(
        may_report_for(actor, report.reporter),
        _("Only the reporting organization may answer."),
    )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the answer.")})
    if is_unstorable(text):
        raise ValidationError(
            {"text": _("The text holds a character that cannot be stored (NUL).")}
        )
    if question.report_id != report.pk or question.kind != EntryKind.QUESTION:
        raise ValidationError({"reply_to": _("That is not a question on this report.")})
    with transaction.atomic():
        report = _lock(report)
        _require_open(report)
        entry = _entry(
            report,
            EntryKind.UPDATE,
            at=now,
            actor=actor,
            organization=report.reporter,
            text=text,
            reply_to=question,
        )
        record_audit_event(
            actor=actor, action="update", instance=report, changes={"answer": [None, text]}
        )
        _notify_route(report, "update", key=f"update:{entry.pk}")
    return entry


def hop_forward(*, actor, report: IncidentReport, note: str = "", now=None) -> RouteHop:
    """Send the report on to the next hop (after acknowledging it)."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _lock(report)
        _require_open(report)
        hop = _current_hop(report, actor)
        if hop.status != HopStatus.ACKNOWLEDGED:
            raise ValidationError({"__all__": _("Acknowledge the report before forwarding it.")})
        following = report.hops.filter(position=hop.position + 1).first()
        if following is None:
            raise ValidationError(
                {"__all__": _("Your organization is the last on the route: close the report.")}
            )
        note = (note or "").strip()
        if is_unstorable(note):
            raise ValidationError(
                {"note": _("The text holds a character that cannot be stored (NUL).")}
            )
        hop, _changes = audited_update(
            actor=actor, instance=hop, status=HopStatus.FORWARDED, forwarded_at=now
        )
        if note:
            record_audit_event(
                actor=actor, action="update", instance=hop, changes={"note": [None, note]}
            )
        _entry(
            report,
            EntryKind.FORWARDED,
            at=now,
            actor=actor,
            hop=hop,
            text=note,
            details={"to_id": following.organization_id},
        )
        _reach(report, following, at=now, actor=actor)
    return following


def report_close(*, actor, report: IncidentReport, summary: str, now=None) -> IncidentReport:
    """The national centre (the route's last hop) closes the report."""
    now = now or timezone.now()
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say how the incident was resolved.")})
    with transaction.atomic():
        report = _lock(report)
        _require_open(report)
        hop = _current_hop(report, actor)
        if hop.position != report.hops.count():
            raise PermissionDenied(_("Only the last organization on the route closes a report."))
        if hop.status != HopStatus.ACKNOWLEDGED:
            raise ValidationError({"__all__": _("Acknowledge the report before closing it.")})
        audited_update(actor=actor, instance=hop, status=HopStatus.CLOSED)
        report, _changes = audited_update(
            actor=actor,
            instance=report,
            status=ReportStatus.CLOSED,
            closed_at=now,
            closing_summary=summary,
        )
        _entry(report, EntryKind.CLOSED, at=now, actor=actor, hop=hop, text=summary)
        notices.notify(
            organization_id=report.reporter_id,
            report=report,
            kind="closed",
            key=f"closed:{report.pk}",
            params={},
        )
    return report


def _require_open(report: IncidentReport) -> None:
    if report.status != ReportStatus.OPEN:
        raise ValidationError({"__all__": _("The report is not open on its route.")})


def _notify_route(report: IncidentReport, kind: str, *, key: str) -> None:
    """Tell every hop that has the report, or had it, of the reporter's update."""
    for hop in report.hops.exclude(status=HopStatus.WAITING):
        notices.notify(
            organization_id=hop.organization_id,
            report=report,
            kind=kind,
            key=f"{key}:{hop.pk}",
            params={},
        )


# --- regime stages ---------------------------------------------------------------------------


def missing_for_stage(report: IncidentReport, stage: RegimeStage) -> list[str]:
    """The stage's required fields the report does not hold yet."""
    missing = []
    for name in stage.required_fields:
        if name == "systems":
            present = report.systems.exists()
        elif name == "indicators":
            present = report.indicators.exists()
        elif name in REQUIRABLE_FIELDS:
            value = getattr(report, name, None)
            present = value not in (None, "")
        else:
            present = True
        if not present:
            missing.append(name)
    return missing


def _file(report, stage, *, actor, at) -> StageFiling:
    filing = StageFiling.objects.create(
        report=report, stage=stage, filed_at=at, filed_by=actor if actor else None
    )
    record_audit_event(
        actor=actor,
        action="update",
        instance=report,
        changes={"filed": [None, f"{stage.regime.key}:{stage.key}"]},
    )
    _entry(
        report,
        EntryKind.STAGE_FILED,
        at=at,
        actor=actor,
        organization=report.reporter,
        details={
            "regime": stage.regime.key,
            "stage": stage.key,
            "label": stage.label,
            "label_en": stage.label_en,
        },
    )
    return filing


def stage_file(*, actor, report: IncidentReport, stage: RegimeStage, now=None) -> StageFiling:
    """The reporter files one stage of a regime on the report, once it holds what the stage
    requires (each missing field is named)."""
    now = now or timezone.now()
    _require(
        may_report_for(actor, report.reporter),
        _("Only the reporting organization files regime stages."),
    )
    with transaction.atomic():
        report = _lock(report)
        if report.status == ReportStatus.DRAFT:
            raise ValidationError({"__all__": _("Submit the report first.")})
        if not report.regimes.filter(pk=stage.regime_id).exists():
            raise ValidationError({"stage": _("This regime does not apply to the report.")})
        clock = next((c for c in report_clocks(report, now) if c.stage.pk == stage.pk), None)
        if clock is None or clock.state == ClockState.NOT_APPLICABLE:
            raise ValidationError({"stage": _("This stage does not apply to the report.")})
        if not clock.is_open:
            raise ValidationError({"stage": _("This stage has already been filed.")})
        missing = missing_for_stage(report, stage)
        if missing:
            raise ValidationError(
                {name: _("Required by %(stage)s.") % {"stage": stage.label} for name in missing}
            )
        return _file(report, stage, actor=actor, at=now)


def overdue_notify(*, now: dt.datetime | None = None) -> int:
    """Raise a notice (and e-mail) for every overdue stage of every open report, once per
    stage: to the reporter's handlers and to the route's hops that have the report."""
    from shireito.incidents.selectors import overdue_clocks

    now = now or timezone.now()
    raised = 0
    with transaction.atomic():
        for report, clock in overdue_clocks(IncidentReport.objects.all(), now=now):
            params = {
                "stage": f"{clock.regime.name}: {clock.stage.label}",
                "stage_en": f"{clock.regime.name_en}: {clock.stage.label_en}",
                "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
            }
            key = f"overdue:{report.pk}:{clock.stage.pk}"
            raised += notices.notify(
                organization_id=report.reporter_id,
                report=report,
                kind="overdue",
                key=key,
                params=params,
            )
            for hop in report.hops.exclude(status=HopStatus.WAITING):
                raised += notices.notify(
                    organization_id=hop.organization_id,
                    report=report,
                    kind="overdue",
                    key=f"{key}:{hop.pk}",
                    params=params,
                )
    return raised


def notice_mark_read(*, user, notice_ids: Iterable[int]) -> int:
    from shireito.incidents.models import Notice

    return Notice.objects.filter(user=user, pk__in=list(notice_ids), read_at=None).update(
        read_at=timezone.now()
    )
