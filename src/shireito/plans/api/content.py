"""An edition's content over the API: its areas, and its measures with their parties,
principles, KPIs (with interim targets), milestones and links. Reads as the selectors allow
(all of a published edition; of a draft what the caller takes part in); writes only on a
draft by its author, through the services."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Status
from ninja.pagination import paginate

from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pagination import Pagination
from shireito.plans import selectors, services
from shireito.plans.api.common import router
from shireito.plans.api.lookups import (
    area_named,
    area_or_404,
    edition_or_404,
    kpi_or_404,
    links_named,
    measure_or_404,
    milestone_or_404,
    organizations_named,
    principles_named,
)
from shireito.plans.models import Kpi, Measure, Milestone, PlanArea
from shireito.plans.schemas import (
    AreaIn,
    AreaOut,
    AreaPatch,
    KpiIn,
    KpiOut,
    KpiPatch,
    MeasureIn,
    MeasureListOut,
    MeasureOut,
    MeasurePatch,
    PlanMilestoneIn,
    PlanMilestoneOut,
    PlanMilestonePatch,
)

LINKS = ("co_responsible", "principles", "systems", "budget_lines", "controls")
NOT_EMPTY = {"name", "area", "lead", "status", "position", "unit", "direction"}


def _required(fields: dict) -> None:
    """A patch may leave a field out, not empty a field that must have a value."""
    empty = [name for name in NOT_EMPTY & set(fields) if fields[name] is None]
    if empty:
        raise ValidationError({name: _("This field cannot be empty.") for name in empty})
    for name, value in fields.items():
        if value is None and name not in {"deadline", "parent"}:
            fields[name] = ""


# --- areas ---------------------------------------------------------------------------------


@router.get(
    "/editions/{edition}/areas",
    response=list[AreaOut],
    operation_id="plan_areas_list",
    summary="An edition's areas (chapters), parents before children",
)
@paginate(Pagination)
def plan_areas_list(request, edition: int):
    found = edition_or_404(request, edition)
    return (
        selectors.areas_visible(request.auth, found)
        .select_related("parent")
        .order_by("parent_id", "position", "code")
    )


@router.post(
    "/editions/{edition}/areas",
    response={201: AreaOut},
    operation_id="plan_areas_create",
    summary="Add an area to a draft edition",
)
def plan_areas_create(request, edition: int, payload: AreaIn):
    found = edition_or_404(request, edition)
    data = payload.dict()
    data["parent"] = area_named(found, data["parent"], "parent")
    area = services.content_create(actor=request.auth, instance=PlanArea(edition=found, **data))
    return Status(201, area)


@router.patch(
    "/editions/{edition}/areas/{area}",
    response=AreaOut,
    operation_id="plan_areas_update",
    summary="Change an area of a draft edition",
)
def plan_areas_update(request, edition: int, area: str, payload: AreaPatch):
    found = edition_or_404(request, edition)
    item = area_or_404(found, area)
    fields = payload.dict(exclude_unset=True)
    _required(fields)
    if "parent" in fields:
        fields["parent"] = area_named(found, fields["parent"], "parent")
    return services.content_update(actor=request.auth, instance=item, **fields)


@router.delete(
    "/editions/{edition}/areas/{area}",
    response={204: None},
    operation_id="plan_areas_delete",
    summary="Remove an area (without measures) and its sub-areas from a draft edition",
)
def plan_areas_delete(request, edition: int, area: str):
    found = edition_or_404(request, edition)
    services.content_delete(actor=request.auth, instance=area_or_404(found, area))
    return Status(204, None)


# --- measures ------------------------------------------------------------------------------


@router.get(
    "/editions/{edition}/measures",
    response=list[MeasureListOut],
    operation_id="plan_measures_list",
    summary="An edition's measures I may read, in the plan's order",
)
@paginate(Pagination)
def plan_measures_list(request, edition: int, area: str = "", lead: str = ""):
    measures = selectors.measures_of(request.auth, edition_or_404(request, edition))
    if area:
        measures = measures.filter(area__code=area)
    if lead:
        measures = measures.filter(lead__code=lead)
    return measures


@router.get(
    "/editions/{edition}/measures/{measure}",
    response=MeasureOut,
    operation_id="plan_measures_get",
    summary="One measure with its parties, principles, KPIs, milestones and links",
)
def plan_measures_get(request, edition: int, measure: str, response: HttpResponse):
    found = measure_or_404(request, edition_or_404(request, edition), measure)
    tag_response(response, found)
    return found


def _set_links(request, measure: Measure, data: dict) -> None:
    if data.get("co_responsible") is not None or data.get("principles") is not None:
        services.measure_set_parties(
            actor=request.auth,
            measure=measure,
            co_responsible=None
            if data.get("co_responsible") is None
            else organizations_named(data["co_responsible"], "co_responsible"),
            principles=None
            if data.get("principles") is None
            else principles_named(data["principles"]),
        )
    links = links_named(request.auth, data)
    if links:
        services.measure_set_links(actor=request.auth, measure=measure, **links)


@router.post(
    "/editions/{edition}/measures",
    response={201: MeasureOut},
    operation_id="plan_measures_create",
    summary="Add a measure to a draft edition, with its parties, principles and links",
)
def plan_measures_create(request, edition: int, payload: MeasureIn):
    found = edition_or_404(request, edition)
    data = payload.dict()
    links = {name: data.pop(name) for name in LINKS}
    data["area"] = area_named(found, data["area"], "area")
    data["lead"] = organizations_named([data["lead"]], "lead")[0]
    with transaction.atomic():
        measure = services.content_create(
            actor=request.auth, instance=Measure(edition=found, **data)
        )
        _set_links(request, measure, links)
    return Status(201, measure_or_404(request, found, measure.code))


@router.patch(
    "/editions/{edition}/measures/{measure}",
    response=MeasureOut,
    operation_id="plan_measures_update",
    summary="Change a measure of a draft edition (only the fields sent; lists are replaced)",
)
def plan_measures_update(
    request, edition: int, measure: str, payload: MeasurePatch, response: HttpResponse
):
    found = edition_or_404(request, edition)
    item = measure_or_404(request, found, measure)
    fields = payload.dict(exclude_unset=True)
    expect_from_request(request, item, fields.pop("version", None))
    links = {name: fields.pop(name) for name in LINKS if name in fields}
    _required(fields)
    if "area" in fields:
        fields["area"] = area_named(found, fields["area"], "area")
    if "lead" in fields:
        fields["lead"] = organizations_named([fields["lead"]], "lead")[0]
    with transaction.atomic():
        services.content_update(actor=request.auth, instance=item, **fields)
        _set_links(request, item, links)
    item = measure_or_404(request, found, measure)
    tag_response(response, item)
    return item


@router.delete(
    "/editions/{edition}/measures/{measure}",
    response={204: None},
    operation_id="plan_measures_delete",
    summary="Remove a measure (and its KPIs, milestones and links) from a draft edition",
)
def plan_measures_delete(request, edition: int, measure: str):
    found = measure_or_404(request, edition_or_404(request, edition), measure)
    services.content_delete(actor=request.auth, instance=found)
    return Status(204, None)


# --- KPIs and milestones -------------------------------------------------------------------


def _targets(entries) -> list[tuple]:
    return [(entry["due_on"], entry["value"]) for entry in entries]


@router.post(
    "/editions/{edition}/measures/{measure}/kpis",
    response={201: KpiOut},
    operation_id="plan_kpis_create",
    summary="Add a KPI (with its interim targets) to a measure of a draft edition",
)
def plan_kpis_create(request, edition: int, measure: str, payload: KpiIn):
    found = measure_or_404(request, edition_or_404(request, edition), measure)
    data = payload.dict()
    targets = _targets(data.pop("interim_targets"))
    with transaction.atomic():
        kpi = services.content_create(actor=request.auth, instance=Kpi(measure=found, **data))
        if targets:
            services.kpi_set_interim_targets(actor=request.auth, kpi=kpi, targets=targets)
    return Status(201, kpi_or_404(found, kpi.code))


@router.patch(
    "/editions/{edition}/measures/{measure}/kpis/{kpi}",
    response=KpiOut,
    operation_id="plan_kpis_update",
    summary="Change a KPI of a draft edition (interim targets, when sent, are replaced)",
)
def plan_kpis_update(
    request, edition: int, measure: str, kpi: str, payload: KpiPatch, response: HttpResponse
):
    found = measure_or_404(request, edition_or_404(request, edition), measure)
    item = kpi_or_404(found, kpi)
    fields = payload.dict(exclude_unset=True)
    expect_from_request(request, item, fields.pop("version", None))
    targets = fields.pop("interim_targets", None)
    _required(fields)
    for name in ("baseline_value", "baseline_date", "target_value", "target_date"):
        if name in fields and fields[name] in ("", None):
            raise ValidationError({name: _("This field cannot be empty.")})
    with transaction.atomic():
        services.content_update(actor=request.auth, instance=item, **fields)
        if targets is not None:
            services.kpi_set_interim_targets(
                actor=request.auth, kpi=item, targets=_targets(targets)
            )
    item = kpi_or_404(found, kpi)
    tag_response(response, item)
    return item


@router.delete(
    "/editions/{edition}/measures/{measure}/kpis/{kpi}",
    response={204: None},
    operation_id="plan_kpis_delete",
    summary="Remove a KPI from a measure of a draft edition",
)
def plan_kpis_delete(request, edition: int, measure: str, kpi: str):
    found = measure_or_404(request, edition_or_404(request, edition), measure)
    services.content_delete(actor=request.auth, instance=kpi_or_404(found, kpi))
    return Status(204, None)


@router.post(
    "/editions/{edition}/measures/{measure}/milestones",
    response={201: PlanMilestoneOut},
    operation_id="plan_milestones_create",
    summary="Add a milestone (工程表) to a measure of a draft edition",
)
def plan_milestones_create(request, edition: int, measure: str, payload: PlanMilestoneIn):
    found = measure_or_404(request, edition_or_404(request, edition), measure)
    milestone = services.content_create(
        actor=request.auth, instance=Milestone(measure=found, **payload.dict())
    )
    return Status(201, milestone)


@router.patch(
    "/editions/{edition}/measures/{measure}/milestones/{milestone}",
    response=PlanMilestoneOut,
    operation_id="plan_milestones_update",
    summary="Change a milestone of a draft edition",
)
def plan_milestones_update(
    request,
    edition: int,
    measure: str,
    milestone: int,
    payload: PlanMilestonePatch,
    response: HttpResponse,
):
    found = measure_or_404(request, edition_or_404(request, edition), measure)
    item = milestone_or_404(found, milestone)
    fields = payload.dict(exclude_unset=True)
    expect_from_request(request, item, fields.pop("version", None))
    for name in ("name", "fiscal_year", "quarter", "planned_on", "position"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if fields.get("name_en", "") is None:
        fields["name_en"] = ""
    services.content_update(actor=request.auth, instance=item, **fields)
    tag_response(response, item)
    return item


@router.delete(
    "/editions/{edition}/measures/{measure}/milestones/{milestone}",
    response={204: None},
    operation_id="plan_milestones_delete",
    summary="Remove a milestone from a measure of a draft edition",
)
def plan_milestones_delete(request, edition: int, measure: str, milestone: int):
    found = measure_or_404(request, edition_or_404(request, edition), measure)
    services.content_delete(actor=request.auth, instance=milestone_or_404(found, milestone))
    return Status(204, None)
