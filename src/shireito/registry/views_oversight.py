"""Pages of the Digital Agency's oversight: budget requests and decisions, risk ratings and the
schedule, recommendations to ministries, the roll-ups, and the sign-in-free open data."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shireito.core.htmx import paginate, render_page
from shireito.core.pages import bound_form, file_response, form_page, get_or_404, list_page
from shireito.core.textfiles import csv_chunks, csv_text, wants_bom
from shireito.organizations.selectors import organization_list
from shireito.registry import oversight, permissions, selectors
from shireito.registry.forms import (
    AnswerForm,
    BudgetDecisionForm,
    BudgetExecutionForm,
    BudgetRequestForm,
    BudgetReviewForm,
    BudgetRollupFilter,
    RatingForm,
    RecommendationFilter,
    RecommendationForm,
    ScheduleForm,
)
from shireito.registry.models import BudgetLine, InformationSystem, Recommendation
from shireito.registry.transfer import json_chunks

BUDGET_COLUMNS = [
    "group",
    "label",
    "fiscal_year",
    "fiscal_year_label",
    "approved",
    "executed",
    "change",
]


def _system(request, code: str) -> InformationSystem:
    return get_or_404(selectors.system_get(user=request.user, code=code))


def _line(request, code: str, year: int) -> BudgetLine:
    system = _system(request, code)
    return get_or_404(selectors.budget_line_get(user=request.user, system=system, year=year))


def _recommendation(request, number: str) -> Recommendation:
    return get_or_404(selectors.recommendation_get(user=request.user, number=number))


def _require_digital_agency(request) -> None:
    if not permissions.acts_for_digital_agency(request.user):
        raise PermissionDenied


# --- budget --------------------------------------------------------------------------------


@login_required
def budget_request(request, code: str):
    system = _system(request, code)
    return form_page(
        request,
        bound_form(
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
        redirect_to=reverse("registry:detail", args=[code]),
    )


@login_required
def budget_review(request, code: str, year: int):
    line = _line(request, code, year)
    return form_page(
        request,
        bound_form(BudgetReviewForm, request),
        title=_("Review %(line)s") % {"line": line},
        success=_("The request is marked reviewed."),
        action=lambda d: oversight.budget_review(actor=request.user, line=line, note=d["note"]),
        redirect_to=reverse("registry:detail", args=[code]),
        instance=line,
    )


@login_required
def budget_decide(request, code: str, year: int):
    line = _line(request, code, year)
    form = bound_form(
        BudgetDecisionForm,
        request,
        initial={
            "development_approved": line.development_requested,
            "operation_approved": line.operation_requested,
        },
    )
    return form_page(
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
        redirect_to=reverse("registry:detail", args=[code]),
        instance=line,
    )


@login_required
def budget_execution(request, code: str, year: int):
    line = _line(request, code, year)
    return form_page(
        request,
        bound_form(BudgetExecutionForm, request),
        title=_("Record spending of %(line)s") % {"line": line},
        success=_("The spending is recorded."),
        action=lambda d: oversight.budget_record_execution(
            actor=request.user,
            line=line,
            development=d["development_executed"],
            operation=d["operation_executed"],
        ),
        redirect_to=reverse("registry:detail", args=[code]),
        instance=line,
    )


@login_required
def budget_rollup(request):
    filters = BudgetRollupFilter(request.GET)
    group_by = filters.values()["group_by"]
    current = selectors.current_fiscal_year()
    years = list(range(current - 4, current + 2))
    language = get_language() or "ja"
    return render_page(
        request,
        "registry/budget_rollup.html",
        {
            "filter_form": filters,
            "rows": selectors.budget_rollup(user=request.user, group_by=group_by, years=years),
            "years": [(year, selectors.fiscal_year_label(year, language)) for year in years],
            "group_by": group_by,
        },
        partial="results",
    )


# --- ratings -------------------------------------------------------------------------------


@login_required
def rate(request, code: str):
    system = _system(request, code)
    return form_page(
        request,
        bound_form(RatingForm, request),
        title=_("Rate the risk of %(name)s") % {"name": system},
        success=_("The rating is recorded."),
        action=lambda d: oversight.rating_add(
            actor=request.user, system=system, risk=d["risk"], reason=d["reason"]
        ),
        redirect_to=reverse("registry:detail", args=[code]),
    )


@login_required
def oversight_due(request):
    """National systems whose rating is missing or older than the schedule."""
    return list_page(
        request,
        template="registry/oversight_due.html",
        items=selectors.ratings_due(selectors.system_list(user=request.user), user=request.user),
        context={
            "schedule": selectors.schedule(),
            "may_set": permissions.acts_for_digital_agency(request.user),
        },
        partial=None,
    )


@login_required
def schedule_edit(request):
    _require_digital_agency(request)
    return form_page(
        request,
        bound_form(
            ScheduleForm,
            request,
            initial={"rating_interval_days": selectors.schedule().rating_interval_days},
        ),
        title=_("Rating schedule"),
        success=_("The schedule is saved."),
        action=lambda d: oversight.schedule_set(
            actor=request.user, rating_interval_days=d["rating_interval_days"]
        ),
        redirect_to=reverse("registry:oversight"),
    )


# --- recommendations -----------------------------------------------------------------------


@login_required
def recommendation_list(request):
    filters = RecommendationFilter(request.GET)
    return list_page(
        request,
        template="registry/recommendation_list.html",
        items=selectors.recommendation_list(user=request.user, **filters.values()),
        filters=filters,
        context={
            "today": timezone.localdate(),
            "may_issue": permissions.acts_for_digital_agency(request.user),
        },
        partial=None,
    )


@login_required
def recommendation_detail(request, number: str):
    recommendation = _recommendation(request, number)
    return render(
        request,
        "registry/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "systems": selectors.recommendation_systems(
                user=request.user, recommendation=recommendation
            ),
            "overdue": recommendation.is_overdue(timezone.localdate()),
            "may_answer": permissions.may_answer(request.user, recommendation),
            "may_conclude": permissions.acts_for_digital_agency(request.user),
        },
    )


@login_required
def recommendation_conclude(request, number: str, escalate: bool):
    """A page of its own, so closing or escalating is never one stray click."""
    recommendation = _recommendation(request, number)
    _require_digital_agency(request)
    return form_page(
        request,
        bound_form(forms.Form, request),
        title=(_("Escalate %(number)s") if escalate else _("Close %(number)s"))
        % {"number": recommendation.number},
        intro=_("Escalate when the answer does not settle the matter; this cannot be undone.")
        if escalate
        else _("Close when the answer settles the matter; this cannot be undone."),
        success=_("The recommendation is updated."),
        action=lambda d: oversight.recommendation_conclude(
            actor=request.user, recommendation=recommendation, escalate=escalate
        ),
        redirect_to=reverse("registry:recommendation", args=[number]),
        instance=recommendation,
    )


@login_required
def recommendation_issue(request):
    _require_digital_agency(request)
    form = bound_form(
        RecommendationForm,
        request,
        ministries=organization_list(user=request.user).filter(kind="ministry"),
    )
    return form_page(
        request,
        form,
        title=_("Issue a recommendation"),
        success=_("The recommendation is issued."),
        action=lambda d: oversight.recommendation_issue(
            actor=request.user,
            ministry=d["ministry"],
            systems=selectors.systems_named(user=request.user, codes=d["systems"], field="systems"),
            reason=d["reason"],
            due_date=d["due_date"],
        ),
        redirect_to=reverse("registry:recommendations"),
    )


@login_required
def recommendation_answer(request, number: str):
    recommendation = _recommendation(request, number)
    if not permissions.may_answer(request.user, recommendation):
        raise PermissionDenied
    return form_page(
        request,
        bound_form(AnswerForm, request),
        title=_("Answer %(number)s") % {"number": recommendation.number},
        success=_("The answer is recorded."),
        action=lambda d: oversight.recommendation_answer(
            actor=request.user, recommendation=recommendation, answer=d["answer"]
        ),
        redirect_to=reverse("registry:recommendation", args=[number]),
        instance=recommendation,
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


def open_data_systems(request, fmt: str):
    """The published systems as a file, streamed. Inline: open data is read in the browser
    as often as it is saved."""
    fields = settings.SHIREITO_OPEN_DATA_FIELDS
    rows = (
        selectors.open_data_row(s) for s in selectors.open_data_systems().iterator(chunk_size=2000)
    )
    if fmt == "json":
        return file_response(
            json_chunks(rows),
            filename="systems.json",
            content_type="application/json",
            inline=True,
        )
    return file_response(
        csv_chunks(
            fields, ([row[field] for field in fields] for row in rows), bom=wants_bom(request)
        ),
        filename="systems.csv",
        content_type="text/csv; charset=utf-8",
        inline=True,
    )


def open_data_budget(request, fmt: str):
    """The published budget figures as a file: a few hundred rows, sent whole."""
    current = selectors.current_fiscal_year()
    group_by = "category" if request.GET.get("group_by") == "category" else "ministry"
    rows = selectors.open_data_budget(list(range(current - 4, current + 1)), group_by)
    if fmt == "json":
        return file_response(
            json.dumps(rows, ensure_ascii=False, default=str),
            filename="budget.json",
            content_type="application/json",
            inline=True,
        )
    return file_response(
        csv_text(
            BUDGET_COLUMNS,
            ([row[c] for c in BUDGET_COLUMNS] for row in rows),
            bom=wants_bom(request),
        ),
        filename="budget.csv",
        content_type="text/csv; charset=utf-8",
        inline=True,
    )
