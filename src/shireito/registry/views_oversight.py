"""Pages of the Digital Agency's oversight: budget requests and decisions, risk ratings and the
schedule, recommendations to ministries, the roll-ups, and the sign-in-free open data."""

from __future__ import annotations

import csv
import io
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shireito.core.forms import add_service_errors
from shireito.core.htmx import paginate
from shireito.core.scoping import visible_to
from shireito.organizations.selectors import organization_list
from shireito.registry import oversight, selectors
from shireito.registry.forms import (
    AnswerForm,
    BudgetDecisionForm,
    BudgetExecutionForm,
    BudgetRequestForm,
    BudgetReviewForm,
    RatingForm,
    RecommendationForm,
    ScheduleForm,
)
from shireito.registry.models import Recommendation


def _system(request, code):
    system = selectors.system_get(user=request.user, code=code)
    if system is None:
        raise Http404
    return system


def _line(request, system, year):
    line = selectors.budget_lines(user=request.user, system=system).filter(fiscal_year=year).first()
    if line is None:
        raise Http404
    return line


def _form_page(request, form, *, title, success, action, cancel_url, intro=""):
    """One form, one service call: on success a message and back to ``cancel_url``."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(request, success)
            return redirect(cancel_url)
    return render(
        request,
        "form_page.html",
        {"form": form, "page_title": title, "intro": intro, "cancel_url": cancel_url},
    )


def _bound(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


@login_required
def budget_request(request, code: str):
    system = _system(request, code)
    return _form_page(
        request,
        _bound(
            BudgetRequestForm, request, initial={"fiscal_year": selectors.current_fiscal_year() + 1}
        ),
        title=_("Request a budget for %(name)s") % {"name": system},
        success=_("The budget request is recorded."),
        action=lambda d: oversight.budget_request(
            actor=request.user,
            system=system,
            fiscal_year=d["fiscal_year"],
            development=d["development"],
            operation=d["operation"],
        ),
        cancel_url=reverse("registry:detail", args=[code]),
    )


@login_required
def budget_review(request, code: str, year: int):
    system = _system(request, code)
    line = _line(request, system, year)
    return _form_page(
        request,
        _bound(BudgetReviewForm, request),
        title=_("Review %(line)s") % {"line": line},
        success=_("The request is marked reviewed."),
        action=lambda d: oversight.budget_review(actor=request.user, line=line, note=d["note"]),
        cancel_url=reverse("registry:detail", args=[code]),
    )


@login_required
def budget_decide(request, code: str, year: int):
    system = _system(request, code)
    line = _line(request, system, year)
    form = _bound(
        BudgetDecisionForm,
        request,
        initial={
            "development_approved": line.development_requested,
            "operation_approved": line.operation_requested,
        },
    )
    return _form_page(
        request,
        form,
        title=_("Decide %(line)s") % {"line": line},
        intro=_("Approve the request as it is, or reduce it."),
        success=_("The budget is decided."),
        action=lambda d: oversight.budget_decide(
            actor=request.user,
            line=line,
            development=d["development_approved"],
            operation=d["operation_approved"],
            note=d["note"],
        ),
        cancel_url=reverse("registry:detail", args=[code]),
    )


@login_required
def budget_execution(request, code: str, year: int):
    system = _system(request, code)
    line = _line(request, system, year)
    return _form_page(
        request,
        _bound(BudgetExecutionForm, request),
        title=_("Record spending of %(line)s") % {"line": line},
        success=_("The spending is recorded."),
        action=lambda d: oversight.budget_record_execution(
            actor=request.user,
            line=line,
            development=d["development_executed"],
            operation=d["operation_executed"],
        ),
        cancel_url=reverse("registry:detail", args=[code]),
    )


@login_required
def rate(request, code: str):
    system = _system(request, code)
    return _form_page(
        request,
        _bound(RatingForm, request),
        title=_("Rate the risk of %(name)s") % {"name": system},
        success=_("The rating is recorded."),
        action=lambda d: oversight.rating_add(
            actor=request.user, system=system, risk=d["risk"], reason=d["reason"]
        ),
        cancel_url=reverse("registry:detail", args=[code]),
    )


@login_required
def oversight_due(request):
    """National systems whose rating is missing or older than the schedule."""
    due = oversight.ratings_due(selectors.system_list(user=request.user), user=request.user)
    return render(
        request,
        "registry/oversight_due.html",
        {
            "page": paginate(request, due),
            "schedule": oversight.schedule(),
            "may_set": oversight.acts_for_digital_agency(request.user),
        },
    )


@login_required
def schedule_edit(request):
    if not oversight.acts_for_digital_agency(request.user):
        raise PermissionDenied
    return _form_page(
        request,
        _bound(
            ScheduleForm,
            request,
            initial={"rating_interval_days": oversight.schedule().rating_interval_days},
        ),
        title=_("Rating schedule"),
        success=_("The schedule is saved."),
        action=lambda d: oversight.schedule_set(
            actor=request.user, rating_interval_days=d["rating_interval_days"]
        ),
        cancel_url=reverse("registry:oversight"),
    )


@login_required
def budget_rollup(request):
    group_by = (
        request.GET.get("group_by")
        if request.GET.get("group_by") in {"ministry", "category"}
        else "ministry"
    )
    current = selectors.current_fiscal_year()
    years = list(range(current - 4, current + 2))
    language = get_language() or "ja"
    return render(
        request,
        "registry/budget_rollup.html",
        {
            "rows": selectors.budget_rollup(user=request.user, group_by=group_by, years=years),
            "years": [(year, selectors.fiscal_year_label(year, language)) for year in years],
            "group_by": group_by,
        },
    )


@login_required
def recommendation_list(request):
    recommendations = visible_to(request.user, Recommendation.objects.select_related("ministry"))
    return render(
        request,
        "registry/recommendation_list.html",
        {
            "page": paginate(request, recommendations.order_by("-due_date")),
            "today": timezone.localdate(),
            "may_issue": oversight.acts_for_digital_agency(request.user),
        },
    )


def _recommendation(request, number):
    found = (
        visible_to(request.user, Recommendation.objects.select_related("ministry"))
        .filter(number=number)
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
def recommendation_detail(request, number: str):
    recommendation = _recommendation(request, number)
    return render(
        request,
        "registry/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "systems": selectors.system_list(user=request.user).filter(
                pk__in=recommendation.systems.all()
            ),
            "overdue": recommendation.is_overdue(timezone.localdate()),
            "may_answer": oversight.may_answer(request.user, recommendation),
            "may_conclude": oversight.acts_for_digital_agency(request.user),
        },
    )


@login_required
def recommendation_conclude(request, number: str, escalate: bool):
    """A page of its own, so closing or escalating is never one stray click."""
    recommendation = _recommendation(request, number)
    if not oversight.acts_for_digital_agency(request.user):
        raise PermissionDenied
    return _form_page(
        request,
        _bound(forms.Form, request),
        title=(_("Escalate %(number)s") if escalate else _("Close %(number)s"))
        % {"number": recommendation.number},
        intro=_("Escalate when the answer does not settle the matter; this cannot be undone.")
        if escalate
        else _("Close when the answer settles the matter; this cannot be undone."),
        success=_("The recommendation is updated."),
        action=lambda d: oversight.recommendation_conclude(
            actor=request.user, recommendation=recommendation, escalate=escalate
        ),
        cancel_url=reverse("registry:recommendation", args=[number]),
    )


@login_required
def recommendation_issue(request):
    if not oversight.acts_for_digital_agency(request.user):
        raise PermissionDenied
    form = _bound(RecommendationForm, request)

    def issue(data):
        codes = [c.strip() for c in data["systems"].split(",") if c.strip()]
        found = {s.code: s for s in selectors.system_list(user=request.user).filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError({"systems": _("Unknown system ids: %s") % ", ".join(missing)})
        oversight.recommendation_issue(
            actor=request.user,
            ministry=data["ministry"],
            systems=list(found.values()),
            reason=data["reason"],
            due_date=data["due_date"],
        )

    form.fields["ministry"].queryset = organization_list(user=request.user).filter(kind="ministry")
    return _form_page(
        request,
        form,
        title=_("Issue a recommendation"),
        success=_("The recommendation is issued."),
        action=issue,
        cancel_url=reverse("registry:recommendations"),
    )


@login_required
def recommendation_answer(request, number: str):
    recommendation = _recommendation(request, number)
    if not oversight.may_answer(request.user, recommendation):
        raise PermissionDenied
    return _form_page(
        request,
        _bound(AnswerForm, request),
        title=_("Answer %(number)s") % {"number": recommendation.number},
        success=_("The answer is recorded."),
        action=lambda d: oversight.recommendation_answer(
            actor=request.user, recommendation=recommendation, answer=d["answer"]
        ),
        cancel_url=reverse("registry:recommendation", args=[number]),
    )


# --- open data (no sign-in) --------------------------------------------------------------


def open_data(request):
    """The portfolio's public fields and budget figures, as a page and as CSV and JSON files."""
    current = selectors.current_fiscal_year()
    years = list(range(current - 4, current + 1))
    return render(
        request,
        "registry/open_data.html",
        {
            "systems": paginate(request, selectors.open_data_systems(), per_page=100),
            "labels": selectors.open_data_labels(),
            "budget": selectors.open_data_budget(years),
        },
    )


def _open_fields():
    from django.conf import settings

    return settings.SHIREITO_OPEN_DATA_FIELDS


def open_data_systems(request, fmt: str):
    rows = (
        selectors.open_data_row(s) for s in selectors.open_data_systems().iterator(chunk_size=2000)
    )
    if fmt == "json":

        def chunks():
            yield "["
            for index, row in enumerate(rows):
                yield ("," if index else "") + json.dumps(row, ensure_ascii=False, default=str)
            yield "]"

        return StreamingHttpResponse(chunks(), content_type="application/json")

    def csv_chunks():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=_open_fields(), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return StreamingHttpResponse(csv_chunks(), content_type="text/csv; charset=utf-8")


def open_data_budget(request, fmt: str):
    current = selectors.current_fiscal_year()
    group_by = "category" if request.GET.get("group_by") == "category" else "ministry"
    rows = selectors.open_data_budget(list(range(current - 4, current + 1)), group_by)
    if fmt == "json":
        return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=[
            "group",
            "label",
            "fiscal_year",
            "fiscal_year_label",
            "approved",
            "executed",
            "change",
        ],
        lineterminator="\n",
    )
    writer.writeheader()
    writer.writerows(rows)
    return HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
