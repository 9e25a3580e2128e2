"""The pages that write an edition's content: areas, measures (with their parties and
principles), KPIs and their interim targets, milestones, and a measure's links. Every page is
refused (403) unless the edition may be edited by the user: a draft, by its author's
editors."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.core.pages import bound_form, form_page, get_or_404, id_or_404, submit
from shireito.plans import selectors, services
from shireito.plans.forms import (
    AreaForm,
    BudgetLinkForm,
    ControlLinkForm,
    InterimTargetForm,
    KpiForm,
    MeasureForm,
    MilestoneForm,
    SystemLinkForm,
)
from shireito.plans.models import InterimTarget, Kpi, Measure, Milestone, PlanArea
from shireito.plans.selectors.authoring import (
    area_get,
    kpi_get,
    measure_links,
    milestone_get,
)
from shireito.plans.views.authoring import editable_or_403, edition_url


def _measure(request, edition, code: str) -> Measure:
    return get_or_404(selectors.measure_get(request.user, edition, code))


def measure_url(measure: Measure) -> str:
    return reverse("plans:measure", args=[measure.edition.year, measure.code])


def _copy(instance):
    return lambda: copy.copy(instance)


def _confirm_delete(request, *, instance, title: str, back: str, then: str):
    """A page that asks before a piece of content goes, and removes it on the POST."""
    return form_page(
        request,
        bound_form(forms.Form, request),
        action=lambda data: services.content_delete(actor=request.user, instance=instance),
        success=_("Deleted."),
        redirect_to=then,
        cancel_url=back,
        title=title,
        intro=_("This cannot be undone."),
        submit_label=_("Delete"),
    )


# Areas


@login_required
def area_create(request, edition: int):
    plan = editable_or_403(request, edition)
    form = bound_form(AreaForm, request, edition=plan)
    return form_page(
        request,
        form,
        action=lambda data: services.content_create(
            actor=request.user, instance=PlanArea(edition=plan, **data)
        ),
        check=form.check_with(lambda: PlanArea(edition=plan)),
        success=_("The area was added."),
        redirect_to=edition_url(plan),
        title=_("Add an area"),
    )


@login_required
def area_edit(request, edition: int, area: str):
    plan = editable_or_403(request, edition)
    found = get_or_404(area_get(plan, area))
    form = bound_form(AreaForm, request, edition=plan, instance=found)
    return form_page(
        request,
        form,
        action=lambda data: services.content_update(actor=request.user, instance=found, **data),
        check=form.check_with(_copy(found)),
        instance=found,
        success=_("The area was saved."),
        redirect_to=edition_url(plan),
        title=_("Change the area %(code)s") % {"code": found.code},
    )


@login_required
def area_delete(request, edition: int, area: str):
    plan = editable_or_403(request, edition)
    found = get_or_404(area_get(plan, area))
    return _confirm_delete(
        request,
        instance=found,
        title=_("Delete the area %(code)s") % {"code": found.code},
        back=edition_url(plan),
        then=edition_url(plan),
    )


# Measures


def _save_measure(request, measure: Measure):
    def save(data: dict) -> Measure:
        co_responsible = list(data.pop("co_responsible", []) or [])
        principles = list(data.pop("principles", []) or [])
        return services.measure_save(
            actor=request.user,
            measure=measure,
            fields=data,
            co_responsible=co_responsible,
            principles=principles,
        )

    return save


@login_required
def measure_create(request, edition: int):
    plan = editable_or_403(request, edition)
    form = bound_form(MeasureForm, request, edition=plan)
    return form_page(
        request,
        form,
        action=_save_measure(request, Measure(edition=plan)),
        check=form.check_with(lambda: Measure(edition=plan)),
        success=_("The measure was added."),
        redirect_to=measure_url,
        cancel_url=edition_url(plan),
        title=_("Add a measure"),
        intro=_(
            "A draft may lack the target state and the deadline; the edition is published "
            "only once every measure has both."
        ),
    )


@login_required
def measure_edit(request, edition: int, measure: str):
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    form = bound_form(MeasureForm, request, edition=plan, instance=found)
    return form_page(
        request,
        form,
        action=_save_measure(request, found),
        check=form.check_with(_copy(found)),
        instance=found,
        success=_("The measure was saved."),
        redirect_to=measure_url,
        cancel_url=measure_url(found),
        title=_("Change the measure %(code)s") % {"code": found.code},
    )


@login_required
def measure_delete(request, edition: int, measure: str):
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    return _confirm_delete(
        request,
        instance=found,
        title=_("Delete the measure %(code)s") % {"code": found.code},
        back=measure_url(found),
        then=edition_url(plan),
    )


# KPIs and their interim targets


@login_required
def kpi_create(request, edition: int, measure: str):
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    form = bound_form(KpiForm, request)
    return form_page(
        request,
        form,
        action=lambda data: services.content_create(
            actor=request.user, instance=Kpi(measure=found, **data)
        ),
        check=form.check_with(lambda: Kpi(measure=found)),
        success=_("The KPI was added."),
        redirect_to=measure_url(found),
        title=_("Add a KPI to %(code)s") % {"code": found.code},
    )


@login_required
def kpi_edit(request, edition: int, measure: str, kpi: str):
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    indicator = get_or_404(kpi_get(found, kpi))
    form = bound_form(KpiForm, request, instance=indicator)
    return form_page(
        request,
        form,
        action=lambda data: services.content_update(actor=request.user, instance=indicator, **data),
        check=form.check_with(_copy(indicator)),
        instance=indicator,
        success=_("The KPI was saved."),
        redirect_to=measure_url(found),
        title=_("Change the KPI %(code)s") % {"code": indicator.code},
    )


@login_required
def kpi_delete(request, edition: int, measure: str, kpi: str):
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    indicator = get_or_404(kpi_get(found, kpi))
    return _confirm_delete(
        request,
        instance=indicator,
        title=_("Delete the KPI %(code)s") % {"code": indicator.code},
        back=measure_url(found),
        then=measure_url(found),
    )


@login_required
def kpi_targets(request, edition: int, measure: str, kpi: str):
    """A KPI's interim targets: the list, each with a button to remove it, and a form to add
    one."""
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    indicator = get_or_404(kpi_get(found, kpi))
    here = reverse("plans:kpi_targets", args=[plan.year, found.code, indicator.code])
    if request.method == "POST" and "remove" in request.POST:
        target = get_or_404(
            indicator.interim_targets.filter(pk=id_or_404(request.POST["remove"])).first()
        )
        services.content_delete(actor=request.user, instance=target)
        messages.success(request, _("The interim target was removed."))
        return redirect(here)
    form = bound_form(InterimTargetForm, request)
    done, _result = submit(
        form,
        lambda data: services.content_create(
            actor=request.user, instance=InterimTarget(kpi=indicator, **data)
        ),
        check=form.check_with(lambda: InterimTarget(kpi=indicator)),
    )
    if done:
        messages.success(request, _("The interim target was added."))
        return redirect(here)
    return render(
        request,
        "plans/kpi_targets.html",
        {
            "edition": plan,
            "measure": found,
            "kpi": indicator,
            "targets": indicator.interim_targets.order_by("due_on"),
            "form": form,
        },
    )


# Milestones


@login_required
def milestone_create(request, edition: int, measure: str):
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    form = bound_form(MilestoneForm, request)
    return form_page(
        request,
        form,
        action=lambda data: services.content_create(
            actor=request.user, instance=Milestone(measure=found, **data)
        ),
        check=form.check_with(lambda: Milestone(measure=found)),
        success=_("The milestone was added."),
        redirect_to=measure_url(found),
        title=_("Add a milestone to %(code)s") % {"code": found.code},
    )


def _milestone(request, edition: int, measure: str, milestone: int):
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    return found, get_or_404(milestone_get(found, id_or_404(milestone)))


@login_required
def milestone_edit(request, edition: int, measure: str, milestone: int):
    found, step = _milestone(request, edition, measure, milestone)
    form = bound_form(MilestoneForm, request, instance=step)
    return form_page(
        request,
        form,
        action=lambda data: services.content_update(actor=request.user, instance=step, **data),
        check=form.check_with(_copy(step)),
        instance=step,
        success=_("The milestone was saved."),
        redirect_to=measure_url(found),
        title=_("Change the milestone"),
    )


@login_required
def milestone_delete(request, edition: int, measure: str, milestone: int):
    found, step = _milestone(request, edition, measure, milestone)
    return _confirm_delete(
        request,
        instance=step,
        title=_("Delete the milestone %(name)s") % {"name": step.display_name},
        back=measure_url(found),
        then=measure_url(found),
    )


# Links


LINK_FORMS = {"system": SystemLinkForm, "budget": BudgetLinkForm, "control": ControlLinkForm}


@login_required
def measure_links_page(request, edition: int, measure: str, kind: str = ""):
    """The systems, budget lines and controls a measure names; a form to add each kind (each
    posts to its own address, so an error shows on the form that made it) and a button to
    remove each link."""
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    here = reverse("plans:measure_links", args=[plan.year, found.code])
    bound = {
        name: (bound_form(form_class, request) if name == kind else form_class())
        for name, form_class in LINK_FORMS.items()
    }
    if kind:
        actions = {
            "system": lambda d: services.measure_link_system(
                actor=request.user, measure=found, code=d["system"]
            ),
            "budget": lambda d: services.measure_link_budget(
                actor=request.user,
                measure=found,
                code=d["system"],
                fiscal_year=d["fiscal_year"],
                share=d["share"],
            ),
            "control": lambda d: services.measure_link_control(
                actor=request.user,
                measure=found,
                catalog_key=d["catalog"],
                control_label=d["control"],
            ),
        }
        done, _result = submit(bound[kind], actions[kind])
        if done:
            messages.success(request, _("The link was added."))
            return redirect(here)
    return render(
        request,
        "plans/measure_links.html",
        {
            "edition": plan,
            "measure": found,
            "links": measure_links(request.user, found),
            "forms": bound,
            "kind": kind,
        },
    )


@login_required
@require_POST
def measure_link_remove(request, edition: int, measure: str):
    plan = editable_or_403(request, edition)
    found = _measure(request, plan, measure)
    related: Any = {
        "system": found.system_links,
        "budget": found.budget_links,
        "control": found.control_links,
    }.get(request.POST.get("kind", ""))
    link = get_or_404(
        related.filter(pk=id_or_404(request.POST.get("link"))).first() if related else None
    )
    services.content_delete(actor=request.user, instance=link)
    messages.success(request, _("The link was removed."))
    return redirect(reverse("plans:measure_links", args=[plan.year, found.code]))
