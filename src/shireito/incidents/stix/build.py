"""The whole report as a bundle, for the parties on its route, and the one entry point that
builds either that or the sanitised one."""

from __future__ import annotations

from shireito.incidents.models import IncidentReport, TimelineEntry
from shireito.incidents.stix.indicators import _indicator_objects
from shireito.incidents.stix.objects import (
    _add_public_objects,
    _Builder,
    _ext,
    _finish,
    _organization_identity,
    marking_definitions,
    organization_identity_id,
    stamp,
    stix_id,
)
from shireito.incidents.stix.sanitise import _sanitised


def report_bundle(report: IncidentReport, *, sanitised: bool, publisher=None) -> dict:
    """``report`` as a STIX 2.1 bundle (a dict): the whole of it for the route's parties, or
    (``sanitised``) only ``SHARED_FIELDS``, as the national centre publishes it (by
    ``publisher``, the organisation named as the objects' creator; by default the one that
    published it last)."""
    if sanitised:
        return _sanitised(report, publisher=publisher)
    return _whole(report)


def _whole(report: IncidentReport) -> dict:
    report = (
        IncidentReport.objects.select_related("reporter", "reporter__sector")
        .prefetch_related("systems", "regimes")
        .get(pk=report.pk)
    )
    markings = [m["id"] for m in marking_definitions(report.tlp)]
    b = _Builder(report, sanitised=False, markings=markings)
    for marking in marking_definitions(report.tlp):
        b.add(marking, marked=False)
    _add_public_objects(b, report.tlp)

    created_at = report.created_at
    created = stamp(created_at, millis=True)

    def later(*moments) -> str:
        return stamp(max([created_at, *[m for m in moments if m]]), millis=True)

    _add_parties(b, report)
    reporter_ref = organization_identity_id(report.reporter)
    incident = b.add(_incident(report, created=created, modified=later(report.updated_at)))
    seen_at = report.detected_at or report.aware_at or report.submitted_at or created_at
    for indicator in report.indicators.order_by("id"):
        _indicator_objects(
            b,
            indicator,
            created=created,
            modified=later(indicator.updated_at),
            seen_at=seen_at,
            author=reporter_ref,
            where=reporter_ref,
        )
    _add_notes(b, report, incident_id=incident["id"])

    published = report.submitted_at or report.updated_at
    return _finish(
        b,
        report_name=report.title,
        description=None,
        published=published,
        created=created,
        author=reporter_ref,
        report_id=stix_id("report", report),
    )


def _add_parties(b: _Builder, report: IncidentReport) -> None:
    """The reporter and every organisation the report has reached, as identities."""
    parties = [report.reporter] + [
        party.organization
        for party in report.parties.select_related("organization", "organization__sector").order_by(
            "since", "id"
        )
        if party.organization_id != report.reporter_id
    ]
    for organization in parties:
        b.shared_across_reports.add(organization_identity_id(organization))
        b.add(
            _organization_identity(
                organization,
                created=stamp(organization.created_at, millis=True),
                modified=stamp(max(organization.created_at, organization.updated_at), millis=True),
            )
        )


def _incident(report: IncidentReport, *, created: str, modified: str) -> dict:
    """The ``incident``, with what STIX 2.1 has no property for in our extension."""
    return {
        "type": "incident",
        "spec_version": "2.1",
        "id": stix_id("incident", report),
        "created_by_ref": organization_identity_id(report.reporter),
        "created": created,
        "modified": modified,
        "name": report.title,
        **({"description": report.narrative} if report.narrative else {}),
        "external_references": [{"source_name": "shireito", "external_id": report.number}],
        "extensions": _ext(
            number=report.number,
            status=report.status,
            category=report.category,
            impact=report.impact,
            impact_description=report.impact_description,
            detected_at=stamp(report.detected_at) if report.detected_at else None,
            aware_at=stamp(report.aware_at) if report.aware_at else None,
            personal_data=report.personal_data,
            personal_data_count=report.personal_data_count,
            malicious=report.malicious,
            ransom_paid_at=stamp(report.ransom_paid_at) if report.ransom_paid_at else None,
            tlp=report.tlp,
            submitted_at=stamp(report.submitted_at) if report.submitted_at else None,
            closed_at=stamp(report.closed_at) if report.closed_at else None,
            closing_summary=report.closing_summary,
            route=report.route_key,
            regimes=sorted(regime.key for regime in report.regimes.all()),
            systems=sorted(system.code for system in report.systems.all()),
        ),
    }


_NOTE_ABSTRACT = {
    "update": "Update from the reporter",
    "question": "Question to the reporter",
    "assessment": "Assessment",
}


def _add_notes(b: _Builder, report: IncidentReport, *, incident_id: str) -> None:
    """Notes: the reporter's updates and the route's questions and assessments (an answer
    refers to its question too)."""
    by_entry: dict[int, str] = {}
    entries = TimelineEntry.objects.filter(
        report=report, kind__in=("update", "question", "assessment")
    ).select_related("organization")
    for entry in entries.order_by("at", "id"):
        if not entry.text:
            continue
        note_id = stix_id("note", report, str(entry.pk))
        by_entry[entry.pk] = note_id
        refs = [incident_id]
        if entry.reply_to_id in by_entry:
            refs.append(by_entry[entry.reply_to_id])
        note = {
            "type": "note",
            "spec_version": "2.1",
            "id": note_id,
            "created": stamp(entry.at, millis=True),
            "modified": stamp(entry.at, millis=True),
            "abstract": _NOTE_ABSTRACT[entry.kind],
            "content": entry.text,
            "object_refs": refs,
            "extensions": _ext(entry_kind=entry.kind),
        }
        if entry.organization_id:
            note["created_by_ref"] = organization_identity_id(entry.organization)
        b.add(note)
