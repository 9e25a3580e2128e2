"""The pages of progress tracking: a measure's progress, a quarter's report (drafted,
submitted, reviewed, returned), a value entered and reviewed, the Digital Agency's review
queue and flags, a ministry's own measures, and the user's plan notices. Thin: each asks the
permission rules, calls a selector or one service, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.core.languages import in_reader_language
from shireito.core.pages import (
    bound_form,
    conflict_context,
    form_page,
    get_or_404,
    id_or_404,
    list_page,
    submit,
    with_version,
)
from shireito.plans import calendar, notices, permissions, selectors, services
from shireito.plans.forms_tracking import (
    FlagFilters,
    MeasurementForm,
    MeasurementReviewForm,
    ReportForm,
    ReturnForm,
    ReviewForm,
)
from shireito.plans.views.sections import confidence_shown, tracking_context


def measure_or_404(request, edition: int, measure: str):
    found = get_or_404(selectors.edition_get(request.user, edition))
    return get_or_404(selectors.measure_get(request.user, found, measure))


def progress_url(measure) -> str:
    return reverse("plans:progress", args=[measure.edition.year, measure.code])


@login_required
def progress(request, edition: int, measure: str):
    """A measure's progress: the tracking section on a page of its own (the measure page
    shows the same section)."""
    item = measure_or_404(request, edition, measure)
    return render(
        request,
        "plans/tracking/progress.html",
        {"measure": item, **tracking_context(request, item)},
    )


def _report_form(request, item, report=None):
    milestones = list(item.milestones.all())
    kpis = list(item.kpis.all())
    initial: dict = {}
    if report is None:
        year, quarter = calendar.previous_quarter(*calendar.quarter_of(timezone.localdate()))
        asked_year, asked_quarter = request.GET.get("fiscal_year"), request.GET.get("quarter")
        if asked_year and asked_year.isdigit() and asked_quarter in ("1", "2", "3", "4"):
            year, quarter = int(asked_year), int(asked_quarter)
        initial = {"fiscal_year": year, "quarter": quarter}
    else:
        initial = {name: getattr(report, name) for name in services.REPORT_FIELDS}
    form = bound_form(
        ReportForm,
        request,
        new=report is None,
        milestones=milestones,
        kpis=kpis,
        initial=initial,
        prefix="report",
    )
    return form


@login_required
def report_new(request, edition: int, measure: str):
    """The lead drafts a quarter's report."""
    item = measure_or_404(request, edition, measure)
    if not permissions.may_report(request.user, item):
        raise PermissionDenied
    form = _report_form(request, item)
    return form_page(
        request,
        form,
        action=lambda data: services.report_save(
            actor=request.user, measure=item, **form.service_arguments()
        ),
        success=_("The report is saved as a draft."),
        redirect_to=lambda report: reverse(
            "plans:report", args=[item.edition.year, item.code, report.pk]
        ),
        title=_("Progress report: %(measure)s") % {"measure": item},
        intro=_(
            "Draft the quarter's report; you may change it until you submit it to the Digital"
            " Agency. To submit, give the narrative, a proposed delivery confidence and its"
            " reason."
        ),
        cancel_url=progress_url(item),
        submit_label=_("Save the draft"),
        template="plans/tracking/report_form.html",
    )


@login_required
def report_detail(request, edition: int, measure: str, report: int):
    """One report; its forms are told apart by ``do``: save and submit (the lead, on a
    draft), review and return (the Digital Agency)."""
    user = request.user
    item = measure_or_404(request, edition, measure)
    found = get_or_404(selectors.report_get(user, item, id_or_404(report)))
    found.measure = item
    do = request.POST.get("do", "") if request.method == "POST" else ""
    may_change = permissions.may_change_report(user, found)
    may_review = permissions.may_review_report(user, found)
    may_return = permissions.may_return_report(user, found)
    edit = _report_form(request, item, found) if may_change else None
    if edit is not None and do not in ("save", "submit"):
        edit = _report_form_unbound(item, found)
    if edit is not None:
        with_version(edit, found)
    review = ReviewForm(
        request.POST if do == "review" else None,
        prefix="review",
        initial={"confidence": found.confidence, "review_reason": found.review_reason},
    )
    if may_review:
        with_version(review, found)
    back = ReturnForm(request.POST if do == "return" else None, prefix="return")
    if may_return:
        with_version(back, found)
    conflict = None
    if do:
        allowed = {
            "save": may_change,
            "submit": may_change,
            "review": may_review,
            "return": may_return,
        }
        if not allowed.get(do):
            raise PermissionDenied
        done, result = _post(request, item, found, do, edit, review, back)
        if done:
            messages.success(request, result)
            return redirect("plans:report", item.edition.year, item.code, found.pk)
        conflict = result
        found = get_or_404(selectors.report_get(user, item, found.pk))
        found.measure = item
    internal = permissions.may_read_tracking(user, item)
    context = {
        "measure": item,
        "report": found,
        "internal": internal,
        "proposed": confidence_shown(found.proposed_confidence) if internal else None,
        "rating": confidence_shown(found.confidence),
        "ratings": [
            (r, confidence_shown(r.confidence))
            for r in selectors.ratings_of(user, item).filter(report=found)
        ],
        "values": list(found.measurements.all()) if internal else [],
        "edit_form": edit,
        "review_form": review if may_review else None,
        "return_form": back if may_return else None,
        "progress_url": progress_url(item),
        **conflict_context(request, conflict),
    }
    return render(request, "plans/tracking/report_detail.html", context)


def _report_form_unbound(item, report):
    form = ReportForm(
        new=False,
        milestones=list(item.milestones.all()),
        kpis=list(item.kpis.all()),
        initial={name: getattr(report, name) for name in services.REPORT_FIELDS},
        prefix="report",
    )
    return form


def _post(request, item, found, do, edit, review, back):
    """Carry out the posted request: (True, message) or (False, conflict or errors)."""
    user = request.user
    if do == "save":
        done, result = submit(
            edit,
            lambda d: services.report_save(
                actor=user, measure=item, report=found, **edit.service_arguments()
            ),
            instance=found,
        )
        return (True, _("The draft is saved.")) if done else (False, result)
    if do == "submit":
        done, result = submit(
            edit,
            lambda d: _save_and_submit(user, item, found, edit),
            instance=found,
        )
        return (
            (True, _("The report is submitted to the Digital Agency.")) if done else (False, result)
        )
    if do == "review":
        done, result = submit(
            review,
            lambda d: services.report_review(
                actor=user,
                report=found,
                confidence=d["confidence"],
                reason=d["review_reason"],
                comment=d["review_comment"],
            ),
            instance=found,
        )
        return (True, _("The review is recorded.")) if done else (False, result)
    done, result = submit(
        back,
        lambda d: services.report_return(actor=user, report=found, reason=d["reason"]),
        instance=found,
    )
    return (
        (True, _("The report is returned to the lead organization.")) if done else (False, result)
    )


def _save_and_submit(user, item, found, edit):
    return services.report_save_and_submit(
        actor=user, measure=item, report=found, **edit.service_arguments()
    )


@login_required
def measurement_new(request, edition: int, measure: str, kpi: str):
    """A responsible organisation enters a KPI value."""
    item = measure_or_404(request, edition, measure)
    indicator = get_or_404(item.kpis.filter(code=kpi).first())
    indicator.measure = item
    if not permissions.may_enter_measurement(request.user, item):
        raise PermissionDenied
    form = bound_form(MeasurementForm, request)
    return form_page(
        request,
        form,
        action=lambda d: services.measurement_enter(
            actor=request.user,
            kpi=indicator,
            measured_on=d["measured_on"],
            value=d["value"],
            source=d["source"],
        ),
        success=_("The value is entered; the Digital Agency reviews it."),
        redirect_to=progress_url(item),
        title=_("Enter a value: %(kpi)s (%(unit)s)")
        % {"kpi": indicator.display_name, "unit": indicator.display_unit},
        intro=_("The value is published once the Digital Agency accepts it."),
        submit_label=_("Enter the value"),
    )


@login_required
def measurement_review(request, edition: int, measure: str, measurement: int):
    """The Digital Agency accepts a value or returns it with a note."""
    item = measure_or_404(request, edition, measure)
    value = get_or_404(selectors.measurement_get(request.user, item, id_or_404(measurement)))
    if not permissions.may_review_measurement(request.user, value):
        raise PermissionDenied
    indicator = get_or_404(item.kpis.filter(series_id=value.series_id).first())
    form = bound_form(MeasurementReviewForm, request)
    back = reverse("plans:reviews") if request.POST.get("next") == "reviews" else progress_url(item)
    return form_page(
        request,
        form,
        action=lambda d: services.measurement_review(
            actor=request.user, measurement=value, accept=d["decision"] == "accept", note=d["note"]
        ),
        success=_("The review of the value is recorded."),
        redirect_to=back,
        title=_("Review a value: %(kpi)s") % {"kpi": indicator.display_name},
        # The unit and the source are people's text, marked with their own language.
        intro=mark_safe(  # noqa: S308 - every part escaped
            conditional_escape(
                _("%(date)s: %(value)s %(unit)s, entered by %(organization)s. Source: %(source)s")
            )
            % {
                "date": value.measured_on.isoformat(),
                "value": format(value.value.normalize(), "f"),
                "unit": in_reader_language(indicator.display_unit),
                "organization": conditional_escape(str(value.organization)),
                "source": in_reader_language(value.source or "—"),
            }
        ),
        submit_label=_("Record the review"),
        aliases={"note": "note"},
    )


@login_required
def reviews(request):
    """What waits for the Digital Agency: submitted reports and entered values."""
    if not permissions.may_review(request.user):
        raise PermissionDenied
    queue = selectors.review_queue(request.user)
    return render(
        request,
        "plans/tracking/reviews.html",
        {
            "reports": [(r, confidence_shown(r.proposed_confidence)) for r in queue.reports],
            "measurements": queue.measurements,
        },
    )


@login_required
def flag_list(request):
    """Every open flag of the current plan, for the Digital Agency."""
    if not permissions.may_see_flags(request.user):
        raise PermissionDenied
    leads, areas = selectors.flag_filter_choices()
    filters = FlagFilters(request.GET, leads=leads, areas=areas)
    values = filters.values()
    area = next((a for a in areas if a.code == values["area"]), None)
    lead = int(values["lead"]) if str(values["lead"]).isdigit() else None
    return list_page(
        request,
        template="plans/tracking/flag_list.html",
        items=selectors.open_flags(request.user, kind=values["kind"], lead=lead, area=area),
        filters=filters,
        rows=notices.with_text,
    )


@login_required
def mine(request):
    """The measures the user's organisation leads or shares, their flags and reports due."""
    if not permissions.may_see_own_measures(request.user):
        raise PermissionDenied
    measures = list(selectors.my_measures(request.user).prefetch_related("co_responsible"))
    today = timezone.localdate()
    due = selectors.reports_due(measures, today)
    open_flags = {
        pk: notices.with_text(found)
        for pk, found in selectors.open_flags_by_measure(measures).items()
    }
    rows = [
        {
            "measure": m,
            "leads": m.lead_id == request.user.organization_id,
            "flags": open_flags.get(m.pk, []),
            "due": due.get(m.pk, []),
            "may_report": permissions.may_report(request.user, m),
        }
        for m in measures
    ]
    return render(request, "plans/tracking/mine.html", {"rows": rows, "today": today})


@login_required
def notice_list(request):
    """Plan notices are on the one notifications page now."""
    return redirect(f"{reverse('notifications:list')}?app={notices.NAMESPACE}")


@login_required
@require_POST
def notice_mark_read(request):
    notices.notice_mark_read(user=request.user, notice_ids=None)
    return redirect(f"{reverse('notifications:list')}?app={notices.NAMESPACE}")
