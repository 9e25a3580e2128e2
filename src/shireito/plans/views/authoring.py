"""The signed-in pages of the plan's editions: the list, an edition's outline, starting,
changing, publishing and deleting an edition, and the diff of two editions. Each page asks the
permission rules and shows only the actions they allow."""

from __future__ import annotations

import copy

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shireito.core.htmx import render_page
from shireito.core.pages import bound_form, file_response, form_page, get_or_404, submit
from shireito.core.textfiles import csv_text, wants_bom
from shireito.plans import permissions, selectors, services
from shireito.plans.forms import DiffForm, EditionForm, MeasureFilter, PublishForm
from shireito.plans.models import PlanEdition
from shireito.plans.selectors.authoring import leads_of, measures_filtered
from shireito.plans.selectors.diff import diff_header, diff_rows, edition_diff
from shireito.plans.selectors.editions import principles_of

CSV = "text/csv; charset=utf-8"


def edition_or_404(request, year: int) -> PlanEdition:
    """The edition the user may read, or 404 (not there and not theirs answer alike)."""
    if not permissions.may_read_plan(request.user):
        raise PermissionDenied
    return get_or_404(selectors.edition_get(request.user, year))


def editable_or_403(request, year: int) -> PlanEdition:
    edition = edition_or_404(request, year)
    if not permissions.may_edit_edition(request.user, edition):
        raise PermissionDenied
    return edition


def edition_url(edition: PlanEdition) -> str:
    return reverse("plans:edition", args=[edition.year])


def edition_actions(user, edition: PlanEdition) -> dict[str, bool]:
    """Which of an edition's actions the page offers: only what the rules allow."""
    editable = permissions.may_edit_edition(user, edition)
    return {
        "may_edit": editable,
        "may_publish": permissions.may_publish(user, edition) and not edition.is_published,
        "may_delete": permissions.may_delete_edition(user, edition) and not edition.is_published,
        "may_start": permissions.may_start_edition(user),
        "may_import": permissions.may_import_edition(user, edition),
    }


@login_required
def edition_list(request):
    if not permissions.may_read_plan(request.user):
        raise PermissionDenied
    return render(
        request,
        "plans/edition_list.html",
        {
            "editions": selectors.editions_for(request.user).select_related("based_on"),
            "may_start": permissions.may_start_edition(request.user),
            "may_import_new": permissions.may_import_new_edition(request.user),
            # The tracking pages the user has work on, each offered only where its rule lets.
            "may_review": permissions.may_review(request.user),
            "may_see_flags": permissions.may_see_flags(request.user),
            "may_see_own": permissions.may_see_own_measures(request.user),
            "unread": selectors.unread_notice_count(request.user),
        },
    )


@login_required
def edition_start(request):
    """A new draft edition: empty, or a copy of one the user may read."""
    if not permissions.may_start_edition(request.user):
        raise PermissionDenied
    sources = selectors.editions_for(request.user)
    form = bound_form(
        EditionForm, request, sources=sources, initial={"based_on": request.GET.get("based_on")}
    )

    def start(data: dict) -> PlanEdition:
        source = data.pop("based_on", None)
        if source is not None:
            return services.edition_copy(actor=request.user, source=source, **data)
        return services.edition_create(actor=request.user, **data)

    return form_page(
        request,
        form,
        action=start,
        check=form.check_with(lambda: PlanEdition(author_id=request.user.organization_id)),
        success=_("The edition was started as a draft."),
        redirect_to=edition_url,
        title=_("Start a new edition"),
        submit_label=_("Start the edition"),
        cancel_url=reverse("plans:editions"),
    )


@login_required
def edition_detail(request, edition: int):
    plan = edition_or_404(request, edition)
    areas = list(selectors.areas_visible(request.user, plan).order_by("position", "code"))
    filters = MeasureFilter(request.GET, areas=areas, leads=leads_of(request.user, plan))
    values = filters.values()
    measures = principles_of(list(measures_filtered(request.user, plan, **values)))
    tree = selectors.area_tree(plan, measures, areas)
    filtered = any(values.values())
    if filtered:
        tree = _pruned(tree)
    _levels(tree, 3)
    return render_page(
        request,
        "plans/edition_detail.html",
        {
            "edition": plan,
            "tree": tree,
            "measure_count": len(measures),
            "filter_form": filters,
            "filtered": filtered,
            **edition_actions(request.user, plan),
        },
        partial="results",
    )


def _levels(nodes, level: int) -> None:
    """Each area's heading level, from ``level`` down to h6 however deep the outline goes."""
    for node in nodes:
        node.level = min(level, 6)
        _levels(node.children, level + 1)


def _pruned(nodes):
    """The outline without the areas that hold no measure, at any depth."""
    kept = []
    for node in nodes:
        node.children = _pruned(node.children)
        if node.measures or node.children:
            kept.append(node)
    return kept


@login_required
def edition_edit(request, edition: int):
    plan = editable_or_403(request, edition)
    form = bound_form(EditionForm, request, instance=plan)
    return form_page(
        request,
        form,
        action=lambda data: services.content_update(actor=request.user, instance=plan, **data),
        check=form.check_with(lambda: _copy(plan)),
        instance=plan,
        success=_("The edition was saved."),
        redirect_to=edition_url,
        cancel_url=edition_url(plan),
        title=_("Change the edition"),
    )


def _copy(instance):
    return copy.copy(instance)


@login_required
def edition_publish(request, edition: int):
    """Asks the Cabinet's decision date; shows every problem that stops publication, each
    linking to the measure to put right, and refuses while there is one."""
    plan = editable_or_403(request, edition)
    form = bound_form(PublishForm, request, initial={"decided_on": plan.decided_on})
    done, _result = submit(
        form,
        lambda data: services.edition_publish(
            actor=request.user, edition=plan, decided_on=data["decided_on"]
        ),
    )
    if done:
        messages.success(request, _("The edition is published; its content is now fixed."))
        return redirect(edition_url(plan))
    return render(
        request,
        "plans/edition_publish.html",
        {
            "edition": plan,
            "form": form,
            "problems": _problems(plan),
        },
    )


def _problems(plan: PlanEdition) -> list[dict]:
    """Publication's problems, each with the measure it is about (to link to)."""
    shown = []
    for key, texts in services.publication_problems(plan).items():
        parts = key.split(".")
        code = parts[1] if len(parts) == 3 and parts[0] == "measures" else ""
        for message in texts:
            shown.append({"code": code, "field": parts[-1] if code else "", "message": message})
    return shown


@login_required
def edition_delete(request, edition: int):
    plan = editable_or_403(request, edition)
    if not permissions.may_delete_edition(request.user, plan):
        raise PermissionDenied
    form = bound_form(forms.Form, request)
    return form_page(
        request,
        form,
        action=lambda data: services.edition_delete(actor=request.user, edition=plan),
        success=_("The draft edition was deleted."),
        redirect_to=reverse("plans:editions"),
        cancel_url=edition_url(plan),
        title=_("Delete the draft edition %(year)s") % {"year": plan.year},
        intro=_("The draft and everything in it are deleted. This cannot be undone."),
        submit_label=_("Delete"),
    )


def _diff(request, edition: int):
    plan = edition_or_404(request, edition)
    others = [e for e in selectors.editions_for(request.user) if e.pk != plan.pk]
    default = plan.based_on if plan.based_on_id and plan.based_on in others else None
    if default is None and others:
        default = next((e for e in others if e.year < plan.year), others[0])
    data = request.GET.copy()
    if not data.get("against") and default is not None:
        data["against"] = str(default.year)
    form = DiffForm(data, editions=others)
    values = form.values()
    against = next((e for e in others if str(e.year) == values["against"]), None)
    return plan, form, against, edition_diff(against, plan, request.user) if against else None


@login_required
def edition_compare(request, edition: int):
    """What changed from another edition (by default the one it was copied from)."""
    plan, form, against, diff = _diff(request, edition)
    return render_page(
        request,
        "plans/edition_diff.html",
        {"edition": plan, "filter_form": form, "against": against, "diff": diff},
        partial="results",
    )


@login_required
def edition_compare_csv(request, edition: int):
    plan, _form, against, diff = _diff(request, edition)
    diff = get_or_404(diff)
    return file_response(
        csv_text(diff_header(), diff_rows(diff), bom=wants_bom(request)),
        filename=f"plan-{against.year if against else ''}-{plan.year}-diff.csv",
        content_type=CSV,
    )
