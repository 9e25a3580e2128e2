"""The sanitised bundle the national centre publishes: ``SHARED_FIELDS`` and nothing else,
the reporter anonymised to its kind and sector, times rounded down to the day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shireito.incidents.models import IncidentReport
from shireito.incidents.selectors import national_centres
from shireito.incidents.stix.indicators import _indicator_objects
from shireito.incidents.stix.objects import (
    _SECTORS_BY_CI_SECTOR,
    _SECTORS_BY_KIND,
    _add_public_objects,
    _Builder,
    _day,
    _ext,
    _finish,
    _organization_identity,
    marking_definitions,
    stamp,
    stix_id,
)

# What a sanitised (published) bundle may carry, and nothing else: the national centre's own
# text and TLP, four facts of the incident, what kind of body reported it, and the indicators
# the reporter marked shareable (kind and value only). Everything else stays on the route: the
# title and narrative, the impact description, personal data and its count, ransom, the
# reporter's name and code, the route and its organisations, people's names, attachments,
# systems, the timeline (updates, questions, assessments, notes), the closing summary, the
# report's number, and the description of every indicator.
SHARED_FIELDS = (
    "shared_title",
    "shared_summary",
    "shared_tlp",
    "category",
    "impact",
    "detected_at (rounded down to the UTC day)",
    "aware_at (rounded down to the UTC day)",
    "reporter.kind (generalised where one body holds it)",
    "reporter.sector",
    "reporter.local_government_level",
    "indicators (shareable only): kind, value",
)

# Kinds of organisation only one body holds: naming the kind would name the reporter.
_NATIONAL_BODIES = {
    "cabinet",
    "digital_agency",
    "national_cyber_centre",
    "cybersecurity_hq",
    "ipa",
}

_SHARED_KIND = {
    "ministry": "ministry",
    "independent_agency": "independent_agency",
    "local_government": "local_government",
    "ci_operator": "ci_operator",
}

_KIND_LABEL = {
    "ministry": "a ministry",
    "independent_agency": "an independent administrative agency",
    "local_government": "a local government",
    "ci_operator": "a critical-infrastructure operator",
    "national_body": "a national government body",
    "other": "an organization",
}


def shared_kind(organization) -> str:
    """The reporter's kind as a sanitised bundle says it (never one only one body holds)."""
    if organization.kind in _SHARED_KIND:
        return _SHARED_KIND[organization.kind]
    return "national_body" if organization.kind in _NATIONAL_BODIES else "other"


def _anonymous_reporter(report: IncidentReport, *, created: str, modified: str) -> dict:
    reporter = report.reporter
    kind = shared_kind(reporter)
    sector = reporter.sector.code if kind == "ci_operator" and reporter.sector is not None else None
    level = reporter.local_government_level if kind == "local_government" else None
    body = {
        "type": "identity",
        "spec_version": "2.1",
        "id": stix_id("identity", report, "shared-reporter"),
        "created": created,
        "modified": modified,
        "name": f"Reporting organization ({_KIND_LABEL[kind]})",
        "identity_class": "organization",
        "extensions": _ext(organization_kind=kind, sector=sector, local_government_level=level),
    }
    if sector:
        sectors = _SECTORS_BY_CI_SECTOR.get(sector, [])
    elif kind == "local_government":
        sectors = ["government-regional" if level == "prefecture" else "government-local"]
    else:
        sectors = _SECTORS_BY_KIND.get(kind, [])
    if sectors:
        body["sectors"] = sectors
    return body


def _shared_times(report: IncidentReport) -> tuple[dt.datetime, dt.datetime]:
    """When the sanitised objects were first published and when they were last."""
    first = (
        report.timeline.filter(kind="published").order_by("at").values_list("at", flat=True)
    ).first()
    last = report.shared_at or timezone.now()
    first = min(first or last, last)
    return first, last


def _publisher(report: IncidentReport):
    """The organisation that published the sanitised report (the national centre)."""
    entry = (
        report.timeline.filter(kind="published", organization__isnull=False)
        .select_related("organization")
        .order_by("-at", "-id")
        .first()
    )
    if entry is not None:
        return entry.organization
    parties = {party.organization_id for party in report.parties.all()}
    centres = national_centres(on=timezone.localdate(report.shared_at or timezone.now()))
    for centre in centres:
        if centre.pk in parties:
            return centre
    return centres[0] if centres else None


def last_published_versions(report: IncidentReport) -> dict[str, list[str]]:
    """``{stix id: [content hash, modified]}`` of the last publication of ``report``."""
    entry = report.timeline.filter(kind="published").order_by("-at", "-id").first()
    return dict((entry.details or {}).get("versions", {})) if entry else {}


def _sanitised(report: IncidentReport, *, publisher=None) -> dict:
    report = IncidentReport.objects.select_related("reporter", "reporter__sector").get(pk=report.pk)
    if not (report.shared_title and report.shared_summary and report.shared_tlp):
        raise ValueError("the report has no title, summary and TLP for sharing")
    level = report.shared_tlp
    markings = [m["id"] for m in marking_definitions(level)]
    b = _Builder(report, sanitised=True, markings=markings)
    for marking in marking_definitions(level):
        b.add(marking, marked=False)
    _add_public_objects(b, level)

    first, last = _shared_times(report)
    created = stamp(first, millis=True)
    modified = stamp(last, millis=True)
    publisher = publisher or _publisher(report)
    if publisher is None:
        raise ValueError("no organization holds the national centre's role")
    centre = _organization_identity(
        publisher,
        created=stamp(publisher.created_at, millis=True),
        modified=stamp(max(publisher.created_at, publisher.updated_at), millis=True),
        with_name=True,
    )
    b.shared_across_reports.add(centre["id"])
    b.add(centre)
    reporter = b.add(_anonymous_reporter(report, created=created, modified=modified))

    detected = _day(report.detected_at) if report.detected_at else None
    aware = _day(report.aware_at) if report.aware_at else None
    incident = b.add(
        _shared_incident(
            report, author=centre["id"], created=created, modified=modified, times=(detected, aware)
        )
    )
    seen_at = detected or aware or _day(first)
    for indicator in report.indicators.filter(shareable=True).order_by("id"):
        _indicator_objects(
            b,
            indicator,
            created=created,
            modified=modified,
            seen_at=seen_at,
            author=centre["id"],
            where=reporter["id"],
        )
    b.add(
        _summary_note(
            report, author=centre["id"], created=created, modified=modified, about=incident["id"]
        )
    )
    return _finish(
        b,
        report_name=report.shared_title,
        description=report.shared_summary,
        published=first,
        created=created,
        author=centre["id"],
        report_id=stix_id("report", report, "shared"),
        versions=last_published_versions(report),
        now_modified=modified,
    )


def _shared_incident(
    report: IncidentReport,
    *,
    author: str,
    created: str,
    modified: str,
    times: tuple[dt.datetime | None, dt.datetime | None],
) -> dict:
    """The ``incident`` as shared: the centre's title and summary, four facts, the days."""
    detected, aware = times
    return {
        "type": "incident",
        "spec_version": "2.1",
        "id": stix_id("incident", report, "shared"),
        "created_by_ref": author,
        "created": created,
        "modified": modified,
        "name": report.shared_title,
        "description": report.shared_summary,
        "extensions": _ext(
            category=report.category,
            impact=report.impact,
            tlp=report.shared_tlp,
            detected_at=stamp(detected) if detected else None,
            aware_at=stamp(aware) if aware else None,
            time_precision="day",
        ),
    }


def _summary_note(
    report: IncidentReport, *, author: str, created: str, modified: str, about: str
) -> dict:
    """The centre's shared summary as a note on the incident."""
    return {
        "type": "note",
        "spec_version": "2.1",
        "id": stix_id("note", report, "shared-summary"),
        "created_by_ref": author,
        "created": created,
        "modified": modified,
        "abstract": report.shared_title,
        "content": report.shared_summary,
        "object_refs": [about],
        "extensions": _ext(entry_kind="shared_summary"),
    }
