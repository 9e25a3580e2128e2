"""Progress tracking over the API: a KPI's values (listed, entered, reviewed), a measure's
quarterly reports (drafted, changed, submitted, reviewed, returned) and rating history, its
flags, the Digital Agency's list of every open flag, and the user's plan notices. Same ways as
the other apps: scoped lookups (404 for what the reader may not see), the services' rules
(403, 422 naming every field), versions by ``If-Match`` or ``version``."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pages import get_or_404, id_or_404
from shireito.core.pagination import Pagination, parse_id
from shireito.plans import notices, permissions, selectors, services
from shireito.plans.api.common import router
from shireito.plans.choices import Confidence, FlagKind

# --- schemas --------------------------------------------------------------------------------


class TrackingMeasurementOut(Schema):
    id: int
    measured_on: dt.date
    value: Decimal
    source: str
    status: str = Field(description="entered (awaiting review), accepted or returned")
    organization: str = Field(description="The code of the organization that entered it")
    review_note: str
    report: int | None

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_report(obj) -> int | None:
        return obj.report_id


class TrackingMeasurementIn(Schema):
    measured_on: dt.date
    value: Decimal = Field(max_digits=20, decimal_places=4)
    source: str = Field("", max_length=300)
    report: int | None = Field(None, description="A draft report of the measure to attach to")


class TrackingMeasurementReviewIn(Schema):
    accept: bool
    note: str = Field("", max_length=2000, description="Required to return a value")


class TrackingMilestoneDateIn(Schema):
    milestone: int = Field(description="The milestone's id")
    done_on: dt.date | None


class TrackingReportValueIn(Schema):
    kpi: str = Field(description="The KPI's code")
    measured_on: dt.date
    value: Decimal = Field(max_digits=20, decimal_places=4)
    source: str = Field("", max_length=300)


class TrackingReportIn(Schema):
    fiscal_year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    narrative: str = Field("", max_length=20_000)
    proposed_confidence: Confidence | None = None
    proposed_reason: str = Field("", max_length=5_000)
    milestones: list[TrackingMilestoneDateIn] = Field(default_factory=list, max_length=200)
    values: list[TrackingReportValueIn] = Field(default_factory=list, max_length=200)


class TrackingReportPatch(Schema):
    narrative: str | None = Field(None, max_length=20_000)
    proposed_confidence: Confidence | None = None
    proposed_reason: str | None = Field(None, max_length=5_000)
    milestones: list[TrackingMilestoneDateIn] = Field(default_factory=list, max_length=200)
    values: list[TrackingReportValueIn] = Field(default_factory=list, max_length=200)
    version: int | None = Field(None, description="The version the change starts from")


class TrackingReportReviewIn(Schema):
    confidence: Confidence
    reason: str = Field(max_length=5_000)
    comment: str = Field("", max_length=5_000, description="Internal: never published")
    version: int | None = None


class TrackingReportReturnIn(Schema):
    reason: str = Field(max_length=5_000)
    version: int | None = None


class TrackingVersionIn(Schema):
    version: int | None = None


class TrackingReportOut(Schema):
    """A report as its reader may see it: the proposal and the comment only for the Digital
    Agency and the responsible organisations (``null`` for others)."""

    id: int
    fiscal_year: int
    quarter: int
    status: str
    narrative: str | None
    proposed_confidence: str | None
    proposed_reason: str | None
    submitted_at: dt.datetime | None
    confidence: str | None
    review_reason: str | None
    review_comment: str | None
    reviewed_at: dt.datetime | None
    version: int


class TrackingRatingOut(Schema):
    kind: str = Field(description="proposed (by the lead) or reviewed (by the Digital Agency)")
    confidence: str
    meaning: str = Field(description="The level's meaning in words")
    reason: str
    fiscal_year: int
    quarter: int
    organization: str
    given_at: dt.datetime

    @staticmethod
    def resolve_meaning(obj) -> str:
        return str(Confidence(obj.confidence).label)

    @staticmethod
    def resolve_fiscal_year(obj) -> int:
        return obj.report.fiscal_year

    @staticmethod
    def resolve_quarter(obj) -> int:
        return obj.report.quarter

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.code


class TrackingFlagOut(Schema):
    id: int
    edition: int
    measure: str
    lead: str
    kind: str
    key: str
    text: str
    params: dict
    raised_on: dt.date
    cleared_on: dt.date | None

    @staticmethod
    def resolve_edition(obj) -> int:
        return obj.measure.edition.year

    @staticmethod
    def resolve_measure(obj) -> str:
        return obj.measure.code

    @staticmethod
    def resolve_lead(obj) -> str:
        return obj.measure.lead.code

    @staticmethod
    def resolve_text(obj) -> str:
        return notices.flag_text(obj)


class TrackingFlagFilters(Schema):
    kind: FlagKind | None = None
    lead: str | None = Field(None, description="The lead organization's code")
    area: str | None = Field(None, description="An area's code: its flags and those below it")


class TrackingMeasureFlagFilters(Schema):
    cleared: bool = Field(False, description="Also the flags that have cleared")


class TrackingNoticeOut(Schema):
    id: int
    kind: str
    text: str
    edition: int
    measure: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.removeprefix("plans.")

    @staticmethod
    def resolve_text(obj) -> str:
        return notices.render(obj)

    @staticmethod
    def resolve_edition(obj) -> int:
        return obj.params.get("edition", 0)

    @staticmethod
    def resolve_measure(obj) -> str:
        return obj.params.get("measure_code", "")


class TrackingNoticeFilters(Schema):
    unread: bool = Field(False, description="Only notices not read yet")


class TrackingNoticesReadIn(Schema):
    ids: list[int] = Field(min_length=1, max_length=1000)


class TrackingNoticesReadOut(Schema):
    changed: int


# --- lookups --------------------------------------------------------------------------------

BASE = "/editions/{edition}/measures/{measure}"


def measure_or_404(request, edition: int, measure: str):
    found = get_or_404(selectors.edition_get(request.auth, edition))
    return get_or_404(selectors.measure_get(request.auth, found, measure))


def kpi_or_404(measure, code: str):
    kpi = get_or_404(measure.kpis.filter(code=code).first())
    kpi.measure = measure
    return kpi


def report_or_404(request, measure, report: int):
    found = get_or_404(selectors.report_get(request.auth, measure, id_or_404(report)))
    found.measure = measure
    return found


def report_out(request, report) -> dict:
    internal = permissions.may_read_tracking(request.auth, report.measure)
    data = {
        name: getattr(report, name)
        for name in (
            "id",
            "fiscal_year",
            "quarter",
            "status",
            "narrative",
            "proposed_confidence",
            "proposed_reason",
            "submitted_at",
            "confidence",
            "review_reason",
            "review_comment",
            "reviewed_at",
            "version",
        )
    }
    if not internal:
        for name in ("narrative", "proposed_confidence", "proposed_reason", "review_comment"):
            data[name] = None
    for name in ("proposed_confidence", "confidence"):
        data[name] = data[name] or None
    return data


def _milestones(measure, items: list[TrackingMilestoneDateIn]) -> list:
    known = {m.pk: m for m in measure.milestones.all()}
    errors = {
        f"milestones[{i}].milestone": [_("Not a milestone of this measure.")]
        for i, item in enumerate(items)
        if item.milestone not in known
    }
    if errors:
        raise ValidationError(errors)
    return [(known[item.milestone], item.done_on) for item in items]


def _values(measure, items: list[TrackingReportValueIn]) -> list[dict]:
    known = {k.code: k for k in measure.kpis.all()}
    for kpi in known.values():
        kpi.measure = measure
    errors = {
        f"values[{i}].kpi": [_("Not a KPI of this measure.")]
        for i, item in enumerate(items)
        if item.kpi not in known
    }
    if errors:
        raise ValidationError(errors)
    return [
        {
            "kpi": known[item.kpi],
            "measured_on": item.measured_on,
            "value": item.value,
            "source": item.source,
        }
        for item in items
    ]


def _answer(request, response: HttpResponse, report) -> dict:
    report = report_or_404(request, report.measure, report.pk)
    tag_response(response, report)
    return report_out(request, report)


# --- measurements ---------------------------------------------------------------------------


@router.get(
    BASE + "/kpis/{kpi}/measurements",
    response=list[TrackingMeasurementOut],
    operation_id="plan_measurements_list",
    summary="A KPI's values, oldest first (accepted ones only for readers outside the measure)",
)
@paginate(Pagination)
def plan_measurements_list(request, edition: int, measure: str, kpi: str):
    found = measure_or_404(request, edition, measure)
    return selectors.measurements_of(request.auth, kpi_or_404(found, kpi))


@router.post(
    BASE + "/kpis/{kpi}/measurements",
    response={201: TrackingMeasurementOut},
    operation_id="plan_measurements_enter",
    summary="Enter a KPI value (the measure's responsible organizations); reviewed later",
)
def plan_measurements_enter(
    request, edition: int, measure: str, kpi: str, payload: TrackingMeasurementIn
):
    found = measure_or_404(request, edition, measure)
    indicator = kpi_or_404(found, kpi)
    report = None
    if payload.report is not None:
        report = selectors.report_get(request.auth, found, payload.report)
        if report is None:
            raise ValidationError({"report": [_("No such report of this measure.")]})
        report.measure = found
    value = services.measurement_enter(
        actor=request.auth,
        kpi=indicator,
        measured_on=payload.measured_on,
        value=payload.value,
        source=payload.source,
        report=report,
    )
    return Status(201, selectors.measurement_get(request.auth, found, value.pk))


@router.post(
    BASE + "/measurements/{measurement}/review",
    response=TrackingMeasurementOut,
    operation_id="plan_measurements_review",
    summary="Accept a value or return it with a note (the Digital Agency)",
)
def plan_measurements_review(
    request, edition: int, measure: str, measurement: int, payload: TrackingMeasurementReviewIn
):
    found = measure_or_404(request, edition, measure)
    value = get_or_404(selectors.measurement_get(request.auth, found, id_or_404(measurement)))
    services.measurement_review(
        actor=request.auth, measurement=value, accept=payload.accept, note=payload.note
    )
    return selectors.measurement_get(request.auth, found, value.pk)


# --- reports --------------------------------------------------------------------------------


@router.get(
    BASE + "/reports",
    response=list[TrackingReportOut],
    operation_id="plan_reports_list",
    summary="A measure's quarterly reports, newest first (reviewed ones only for other readers)",
)
@paginate(Pagination)
def plan_reports_list(request, edition: int, measure: str):
    found = measure_or_404(request, edition, measure)
    reports = list(selectors.reports_of(request.auth, found))
    for report in reports:
        report.measure = found
    return [report_out(request, report) for report in reports]


@router.post(
    BASE + "/reports",
    response={201: TrackingReportOut},
    operation_id="plan_reports_create",
    summary="Draft a quarter's report, with milestones' actual dates and KPI values (the lead)",
)
def plan_reports_create(
    request, edition: int, measure: str, payload: TrackingReportIn, response: HttpResponse
):
    found = measure_or_404(request, edition, measure)
    if not permissions.may_report(request.auth, found):
        raise PermissionDenied
    report = services.report_save(
        actor=request.auth,
        measure=found,
        fiscal_year=payload.fiscal_year,
        quarter=payload.quarter,
        narrative=payload.narrative,
        proposed_confidence=payload.proposed_confidence or "",
        proposed_reason=payload.proposed_reason,
        milestones=_milestones(found, payload.milestones),
        values=_values(found, payload.values),
    )
    return Status(201, _answer(request, response, report))


@router.get(
    BASE + "/reports/{report}",
    response=TrackingReportOut,
    operation_id="plan_reports_get",
    summary="One report (its ETag is its version)",
)
def plan_reports_get(request, edition: int, measure: str, report: int, response: HttpResponse):
    found = report_or_404(request, measure_or_404(request, edition, measure), report)
    tag_response(response, found)
    return report_out(request, found)


@router.patch(
    BASE + "/reports/{report}",
    response=TrackingReportOut,
    operation_id="plan_reports_update",
    summary="Change a draft report (the lead)",
)
def plan_reports_update(
    request,
    edition: int,
    measure: str,
    report: int,
    payload: TrackingReportPatch,
    response: HttpResponse,
):
    found_measure = measure_or_404(request, edition, measure)
    found = report_or_404(request, found_measure, report)
    fields = payload.dict(exclude_unset=True)
    expect_from_request(request, found, fields.pop("version", None))
    milestones = _milestones(found_measure, payload.milestones)
    values = _values(found_measure, payload.values)
    fields.pop("milestones", None)
    fields.pop("values", None)
    for name, value in list(fields.items()):
        if value is None:
            if name != "proposed_confidence":
                raise ValidationError({name: [_("This field cannot be empty.")]})
            fields[name] = ""
    services.report_save(
        actor=request.auth,
        measure=found_measure,
        report=found,
        milestones=milestones,
        values=values,
        **fields,
    )
    return _answer(request, response, found)


@router.post(
    BASE + "/reports/{report}/submit",
    response=TrackingReportOut,
    operation_id="plan_reports_submit",
    summary="Submit a draft report to the Digital Agency (the lead)",
)
def plan_reports_submit(
    request,
    edition: int,
    measure: str,
    report: int,
    payload: TrackingVersionIn,
    response: HttpResponse,
):
    found = report_or_404(request, measure_or_404(request, edition, measure), report)
    expect_from_request(request, found, payload.version)
    services.report_submit(actor=request.auth, report=found)
    return _answer(request, response, found)


@router.post(
    BASE + "/reports/{report}/review",
    response=TrackingReportOut,
    operation_id="plan_reports_review",
    summary="Set (or revise) a report's delivery confidence with a reason (the Digital Agency)",
)
def plan_reports_review(
    request,
    edition: int,
    measure: str,
    report: int,
    payload: TrackingReportReviewIn,
    response: HttpResponse,
):
    found = report_or_404(request, measure_or_404(request, edition, measure), report)
    expect_from_request(request, found, payload.version)
    services.report_review(
        actor=request.auth,
        report=found,
        confidence=payload.confidence,
        reason=payload.reason,
        comment=payload.comment,
    )
    return _answer(request, response, found)


@router.post(
    BASE + "/reports/{report}/return",
    response=TrackingReportOut,
    operation_id="plan_reports_return",
    summary="Send a submitted report back to the lead's draft with a reason (the Digital Agency)",
)
def plan_reports_return(
    request,
    edition: int,
    measure: str,
    report: int,
    payload: TrackingReportReturnIn,
    response: HttpResponse,
):
    found = report_or_404(request, measure_or_404(request, edition, measure), report)
    expect_from_request(request, found, payload.version)
    services.report_return(actor=request.auth, report=found, reason=payload.reason)
    return _answer(request, response, found)


@router.get(
    BASE + "/ratings",
    response=list[TrackingRatingOut],
    operation_id="plan_ratings_list",
    summary="A measure's delivery confidence history, oldest first (reviewed ratings only for"
    " readers outside the measure)",
)
@paginate(Pagination)
def plan_ratings_list(request, edition: int, measure: str):
    return selectors.ratings_of(request.auth, measure_or_404(request, edition, measure))


# --- flags ----------------------------------------------------------------------------------


@router.get(
    BASE + "/flags",
    response=list[TrackingFlagOut],
    operation_id="plan_measure_flags_list",
    summary="A measure's flags (its responsible organizations and the Digital Agency)",
)
@paginate(Pagination)
def plan_measure_flags_list(
    request, edition: int, measure: str, filters: Query[TrackingMeasureFlagFilters]
):
    found = measure_or_404(request, edition, measure)
    return selectors.flags_of(request.auth, found, open_only=not filters.cleared).select_related(
        "measure", "measure__edition", "measure__lead"
    )


@router.get(
    "/flags",
    response=list[TrackingFlagOut],
    operation_id="plan_flags_list",
    summary="Every open flag of the current plan (the Digital Agency)",
)
@paginate(Pagination)
def plan_flags_list(request, filters: Query[TrackingFlagFilters]):
    if not permissions.may_see_flags(request.auth):
        raise PermissionDenied
    leads, areas = selectors.flag_filter_choices()
    lead = next((o.pk for o in leads if o.code == filters.lead), -1) if filters.lead else None
    area = None
    if filters.area:
        area = next((a for a in areas if a.code == filters.area), None)
        if area is None:
            return []
    return selectors.open_flags(request.auth, kind=filters.kind or "", lead=lead, area=area)


# --- notices --------------------------------------------------------------------------------


@router.get(
    "/notices",
    response=list[TrackingNoticeOut],
    operation_id="plan_notices_list",
    summary="My notices about measures, newest first",
)
@paginate(Pagination)
def plan_notices_list(request, filters: Query[TrackingNoticeFilters]):
    return selectors.notices_for(request.auth, unread_only=filters.unread)


@router.post(
    "/notices/read",
    response=TrackingNoticesReadOut,
    operation_id="plan_notices_mark_read",
    summary="Mark notices of mine as read",
)
def plan_notices_mark_read(request, payload: TrackingNoticesReadIn):
    ids = [number for number in payload.ids if parse_id(number) is not None]
    return {"changed": notices.notice_mark_read(user=request.auth, notice_ids=ids)}
