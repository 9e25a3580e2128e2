"""Incident reports over the API: drafts, the route's steps, regime stages, notices, STIX export
and intake, and the national centre's publication. Every read goes through the incident
selectors (a user who is no party to a report gets 404 for all of it); every write is one
service call, whose ValidationError answers 422 naming the field and PermissionDenied 403."""

import json
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pages import get_or_404
from shireito.core.pagination import Pagination, parse_id
from shireito.incidents import selectors, services, stix, stix_intake
from shireito.incidents.choices import EntryKind
from shireito.incidents.models import IncidentReport
from shireito.incidents.route_choices import report_route_choices
from shireito.incidents.schemas import (
    CloseIn,
    CommentIn,
    FilingOut,
    ForwardIn,
    HopOut,
    NoticeFilters,
    NoticeOut,
    NoticesReadIn,
    NoticesReadOut,
    PublicationOut,
    PublishIn,
    RegimeOut,
    ReplyIn,
    ReportDetailOut,
    ReportFilters,
    ReportIn,
    ReportOut,
    ReportPatch,
    RoutesOut,
    StageIn,
    SubmitIn,
)
from shireito.registry.selectors import system_list
from shireito.sharing.selectors import collections_writable_by

if TYPE_CHECKING:
    from shireito.accounts.models import User

router = Router(tags=["incidents"])

# Fields that cannot be cleared: null in a PATCH is an error naming them.
NOT_NULL = ("title", "category", "impact", "tlp", "personal_data", "malicious")
# Text fields where null means empty.
NULL_IS_EMPTY = ("impact_description", "narrative")

STIX_BODY = {
    "requestBody": {
        "required": True,
        "description": "A STIX 2.1 bundle with one incident",
        "content": {
            media: {"schema": {"type": "object", "description": "A STIX 2.1 bundle"}}
            for media in ("application/json", stix.STIX_MEDIA_TYPE)
        },
    }
}


# --- lookups -------------------------------------------------------------------------------


def _report(request, number: str) -> IncidentReport:
    return get_or_404(selectors.report_get(request.auth, number))


def _systems(user: "User", codes: list[str]) -> list:
    found = {s.code: s for s in system_list(user=user).filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError({"systems": _("Unknown system ids: %s") % ", ".join(missing)})
    return [found[code] for code in dict.fromkeys(codes)]


def _stix_response(bundle: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(bundle, ensure_ascii=False), content_type=stix.STIX_MEDIA_TYPE, status=status
    )


# --- reference data ----------------------------------------------------------------------


@router.get(
    "/regimes",
    response=list[RegimeOut],
    operation_id="incident_regimes_list",
    summary="The reporting regimes (laws' and sectors' deadlines) with their stages",
)
@paginate(Pagination)
def incident_regimes_list(request):
    return selectors.regimes()


@router.get(
    "/notices",
    response=list[NoticeOut],
    operation_id="incident_notices_list",
    summary="My notices about incident reports, newest first",
)
@paginate(Pagination)
def incident_notices_list(request, filters: Query[NoticeFilters]):
    return selectors.notices_for(request.auth, unread_only=filters.unread)


@router.post(
    "/notices/read",
    response=NoticesReadOut,
    operation_id="incident_notices_mark_read",
    summary="Mark notices of mine as read",
)
def incident_notices_mark_read(request, payload: NoticesReadIn):
    ids = [number for number in payload.ids if parse_id(number) is not None]
    return {"changed": services.notice_mark_read(user=request.auth, notice_ids=ids)}


# --- STIX intake -----------------------------------------------------------------------------


@router.post(
    "/stix",
    response={201: ReportDetailOut},
    operation_id="incidents_import_stix",
    summary=(
        "Create a draft from a STIX 2.1 bundle (the JSON body): one incident and its "
        "indicators; problems named by JSON path, nothing written on error"
    ),
    openapi_extra=STIX_BODY,
)
def incidents_import_stix(request):
    report = stix_intake.import_bundle(actor=request.auth, data=request.body, location="body")
    return Status(201, _report(request, report.number))


@router.post(
    "/stix/upload",
    response={201: ReportDetailOut},
    operation_id="incidents_upload_stix",
    summary="Create a draft from an uploaded STIX 2.1 bundle file (multipart, field file)",
)
def incidents_upload_stix(request, file: File[UploadedFile]):
    data = stix_intake.read_bundle_upload(file)
    report = stix_intake.import_bundle(actor=request.auth, data=data, location="file")
    return Status(201, _report(request, report.number))


# --- reports -------------------------------------------------------------------------------


@router.get(
    "",
    response=list[ReportOut],
    operation_id="incidents_list",
    summary="List the incident reports my organization is a party to",
)
@paginate(Pagination)
def incidents_list(request, filters: Query[ReportFilters]):
    return selectors.report_list(
        request.auth,
        status=filters.status or "",
        category=filters.category or "",
        search=filters.search.strip()[:200],
        waiting_for_me=filters.waiting_for_me,
    )


@router.post(
    "",
    response={201: ReportDetailOut},
    operation_id="incidents_create",
    summary="Save a new draft report for my organization",
)
def incidents_create(request, payload: ReportIn):
    fields = payload.dict(exclude_unset=True)
    for name in ("impact", "tlp"):
        if fields.get(name) is None:
            fields.pop(name, None)
    systems = _systems(request.auth, fields.pop("systems", []))
    indicators = fields.pop("indicators", [])
    report = services.report_create(
        actor=request.auth, systems=systems, indicators=indicators, **fields
    )
    return Status(201, _report(request, report.number))


@router.get(
    "/{number}",
    response=ReportDetailOut,
    operation_id="incidents_get",
    summary="One report with its route, timeline, regime clocks and indicators",
)
def incidents_get(request, number: str, response: HttpResponse):
    report = _report(request, number)
    tag_response(response, report)
    return report


@router.patch(
    "/{number}",
    response=ReportDetailOut,
    operation_id="incidents_update",
    summary=(
        "Change a draft, or add the reporter's update to an open report (with a note); "
        "expected_updated_at refuses a stale write"
    ),
)
def incidents_update(request, number: str, payload: ReportPatch, response: HttpResponse):
    report = _report(request, number)
    fields = payload.dict(exclude_unset=True)
    expect_from_request(request, report, fields.pop("version", None))
    for name in NOT_NULL:
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    for name in NULL_IS_EMPTY:
        if name in fields and fields[name] is None:
            fields[name] = ""
    systems = fields.pop("systems", None)
    expected = fields.pop("expected_updated_at", None)
    services.report_update(
        actor=request.auth,
        report=report,
        systems=None if systems is None else _systems(request.auth, systems),
        indicators=fields.pop("indicators", None),
        note=fields.pop("note", "") or "",
        expected_updated_at=expected,
        **fields,
    )
    report = _report(request, number)
    tag_response(response, report)
    return report


@router.get(
    "/{number}/routes",
    response=RoutesOut,
    operation_id="incidents_routes",
    summary="The report routes the reporter may choose for its draft (the default first)",
)
def incidents_routes(request, number: str):
    answer = report_route_choices(request.auth, _report(request, number))
    return {
        "rule": str(answer.rule),
        "items": [
            {
                "key": route.key,
                "default": route.default,
                "complete": route.complete,
                "hops": [
                    {
                        "place": place,
                        "organization": organization.code if organization else None,
                        "name": organization.name if organization else None,
                        "hidden": hidden,
                    }
                    for place, organization, hidden in route.hops
                ],
            }
            for route in answer.routes
        ],
    }


@router.post(
    "/{number}/submit",
    response=ReportDetailOut,
    operation_id="incidents_submit",
    summary="Send a draft along its route (the model's default, or a route_key it allows)",
)
def incidents_submit(request, number: str, payload: SubmitIn):
    services.report_submit(
        actor=request.auth, report=_report(request, number), route_key=payload.route_key or None
    )
    return _report(request, number)


@router.post(
    "/{number}/acknowledge",
    response=HopOut,
    operation_id="incidents_acknowledge",
    summary="Acknowledge the report where it has reached my organization",
)
def incidents_acknowledge(request, number: str):
    return services.hop_acknowledge(actor=request.auth, report=_report(request, number))


@router.post(
    "/{number}/comments",
    response={201: ReportDetailOut},
    operation_id="incidents_comment",
    summary="Ask the reporter a question or add an assessment (the hop that has the report)",
)
def incidents_comment(request, number: str, payload: CommentIn):
    services.hop_comment(
        actor=request.auth, report=_report(request, number), kind=payload.kind, text=payload.text
    )
    return Status(201, _report(request, number))


@router.post(
    "/{number}/replies",
    response={201: ReportDetailOut},
    operation_id="incidents_reply",
    summary="Answer a question on the report (the reporter)",
)
def incidents_reply(request, number: str, payload: ReplyIn):
    report = _report(request, number)
    question = None
    if parse_id(payload.question) is not None:
        question = (
            selectors.timeline_of(report)
            .filter(pk=payload.question, kind=EntryKind.QUESTION)
            .first()
        )
    if question is None:
        raise ValidationError({"question": _("That is not a question on this report.")})
    services.report_reply(actor=request.auth, report=report, question=question, text=payload.text)
    return Status(201, _report(request, number))


@router.post(
    "/{number}/forward",
    response=HopOut,
    operation_id="incidents_forward",
    summary="Send the report on to the next hop of its route (after acknowledging it)",
)
def incidents_forward(request, number: str, payload: ForwardIn):
    return services.hop_forward(
        actor=request.auth, report=_report(request, number), note=payload.note
    )


@router.post(
    "/{number}/close",
    response=ReportDetailOut,
    operation_id="incidents_close",
    summary="Close the report (the last hop of the route: the national centre)",
)
def incidents_close(request, number: str, payload: CloseIn):
    services.report_close(
        actor=request.auth, report=_report(request, number), summary=payload.summary
    )
    return _report(request, number)


@router.post(
    "/{number}/filings",
    response={201: FilingOut},
    operation_id="incidents_file_stage",
    summary="File one stage of a reporting regime on the report (the reporter)",
)
def incidents_file_stage(request, number: str, payload: StageIn):
    report = _report(request, number)
    regime = next((r for r in report.regimes.all() if r.key == payload.regime), None)
    if regime is None:
        raise ValidationError({"regime": _("This regime does not apply to the report.")})
    stage = next((s for s in regime.stages.all() if s.key == payload.stage), None)
    if stage is None:
        raise ValidationError({"stage": _("The regime has no stage %s.") % payload.stage})
    filing = services.stage_file(actor=request.auth, report=report, stage=stage)
    return Status(201, filing)


# --- STIX export and publication -------------------------------------------------------------


@router.get(
    "/{number}/stix",
    response={200: None},
    operation_id="incidents_export_stix",
    summary="The whole report as a STIX 2.1 bundle (application/stix+json;version=2.1)",
)
def incidents_export_stix(request, number: str):
    return _stix_response(stix.report_bundle(_report(request, number), sanitised=False))


@router.post(
    "/{number}/publish",
    response=PublicationOut,
    operation_id="incidents_publish",
    summary=(
        "Publish the sanitised report as STIX objects into a TAXII collection (the national "
        "centre's incident handlers)"
    ),
)
def incidents_publish(request, number: str, payload: PublishIn):
    report = _report(request, number)
    collection = None
    try:
        collection_id = uuid.UUID(payload.collection)
    except ValueError:
        collection_id = None
    if collection_id is not None:
        collection = collections_writable_by(request.auth).filter(pk=collection_id).first()
    if collection is None:
        raise ValidationError({"collection": _("No collection you may write to has this id.")})
    status = services.report_publish(
        actor=request.auth,
        report=report,
        collection=collection,
        shared_title=payload.shared_title,
        shared_summary=payload.shared_summary,
        shared_tlp=payload.shared_tlp,
    )
    report = _report(request, number)
    return {
        "number": report.number,
        "collection": str(collection.pk),
        "status": str(status.pk),
        "objects": status.total_count,
        "shared_title": report.shared_title,
        "shared_summary": report.shared_summary,
        "shared_tlp": report.shared_tlp,
        "shared_at": report.shared_at,
    }
