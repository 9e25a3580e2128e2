"""The report pages: the list, a draft's form and the reporter's updates, submitting along a
route the governance model allows, and a report's page with its route as a timeline, its
regime clocks and the actions of whoever has it now."""

from __future__ import annotations

import copy
from functools import partial
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.forms import add_service_errors
from shireito.core.history import readable_history
from shireito.core.pages import bound_form, form_page, list_page
from shireito.core.selectors import may_read_history, object_history
from shireito.incidents import (
    permissions,
    selectors,
    services,
)
from shireito.incidents.choices import (
    ClockAnchor,
    ClockState,
    EntryKind,
    ReportStatus,
)
from shireito.incidents.forms import (
    TLP_MEANINGS,
    AttachmentForm,
    ReportFilter,
    ReportForm,
    TextForm,
)
from shireito.incidents.regimes import applicable_regimes, stage_clocks
from shireito.incidents.views.common import (
    ACTIVE_HOP,
    _english,
    _field_label,
    _named_errors,
    _offset_text,
    _own_systems,
    _report,
)
from shireito.organizations.mandates import active_engine
from shireito.organizations.relations import token_label
from shireito.organizations.selectors import routes_shown_to

if TYPE_CHECKING:
    from shireito.accounts.models import User


@login_required
def report_list(request):
    user = request.user
    filters = ReportFilter(request.GET, user=user)
    values = filters.values()
    waiting = bool(values.pop("waiting"))
    return list_page(
        request,
        template="incidents/report_list.html",
        items=selectors.report_list(
            user, waiting_for_me=waiting, **{k: v for k, v in values.items() if v != ""}
        ),
        filters=filters,
        context={
            "may_start_report": permissions.may_start_report(user, user.organization),
            "may_report": permissions.may_report_for(user, user.organization),
        },
    )


def _report_action(form: ReportForm, call):
    """The service ``call`` with the form's arguments (its errors are renamed by the form's
    ``service_error`` when they land on it)."""

    def action(_data):
        return call(**form.service_arguments())

    return action


def _report_check(form: ReportForm, **known):
    """The report services' rules (``services.report_check``) on the fields the form could
    read, so a submission hears of every problem at once."""

    def check(_data):
        arguments = form.service_arguments()
        arguments.pop("note", None)
        failed = set(form.errors)
        services.report_check(
            **known, **{name: value for name, value in arguments.items() if name not in failed}
        )

    return check


@login_required
def report_create(request):
    user = request.user
    if not permissions.may_start_report(user, user.organization):
        raise PermissionDenied
    form = bound_form(ReportForm, request, systems=_own_systems(user, user.organization))
    return form_page(
        request,
        form,
        action=_report_action(form, partial(services.report_create, actor=user)),
        success=lambda report: _("Draft %(number)s is saved.") % {"number": report.number},
        redirect_to=lambda report: reverse("incidents:detail", args=[report.number]),
        title=_("New incident report"),
        submit_label=_("Save the draft"),
        cancel_url=reverse("incidents:list"),
        template="incidents/report_form.html",
        context={"report": None},
        check=_report_check(form, reporter=user.organization),
    )


@login_required
def report_edit(request, number: str):
    """A draft's form; once submitted, "Add an update" (the same fields and a note)."""
    report = _report(request, number)
    user = request.user
    if not permissions.may_report_for(user, report.reporter):
        raise PermissionDenied
    if report.status == ReportStatus.CLOSED:
        messages.error(request, _("The report is closed."))
        return redirect("incidents:detail", number=report.number)
    updating = report.status == ReportStatus.OPEN
    form = bound_form(
        ReportForm,
        request,
        systems=_own_systems(user, report.reporter),
        report=report,
        updating=updating,
    )
    title = _("Add an update to %(number)s") if updating else _("Edit draft %(number)s")
    detail = reverse("incidents:detail", args=[report.number])
    return form_page(
        request,
        form,
        action=_report_action(form, partial(services.report_update, actor=user, report=report)),
        success=_("Your update is added to the report.") if updating else _("The draft is saved."),
        redirect_to=detail,
        title=title % {"number": report.number},
        submit_label=_("Add the update") if updating else _("Save the draft"),
        cancel_url=detail,
        template="incidents/report_form.html",
        context={"report": report},
        check=_report_check(form, report=report),
        instance=report,
    )


def _routes(user: User, report):
    """The routes the model allows this reporter, each hop with a name for its place."""
    answer = routes_shown_to(user, active_engine().report_routes(report.reporter))
    routes = []
    for route in answer.routes:
        routes.append(
            {
                "key": route.key,
                "default": route.default,
                "complete": route.complete,
                "hops": [
                    {"place": token_label(place), "organization": org, "hidden": hidden}
                    for place, org, hidden in route.hops
                ],
            }
        )
    return answer, routes


def _regime_preview(report) -> list[dict]:
    """The regimes that will apply, each stage's deadline as if submitted now."""
    now = timezone.now()
    preview = copy.copy(report)
    preview.submitted_at = now
    rows = []
    for regime in applicable_regimes(report):
        stages = sorted(regime.stages.all(), key=lambda s: s.position)
        rows.append(
            {
                "regime": regime,
                "name": regime.name_en if _english() else regime.name,
                "authority": regime.in_language("authority", _english()),
                "clocks": [
                    {
                        "clock": clock,
                        "label": clock.stage.label_en if _english() else clock.stage.label,
                        "anchor": ClockAnchor(clock.stage.anchor).label,
                        "offset": _offset_text(clock.stage.offset),
                        "applies": clock.state != ClockState.NOT_APPLICABLE,
                    }
                    for clock in stage_clocks(preview, stages, {}, now)
                ],
            }
        )
    return rows


@login_required
def report_submit(request, number: str):
    report = _report(request, number)
    user = request.user
    if not permissions.may_report_for(user, report.reporter):
        raise PermissionDenied
    if report.status != ReportStatus.DRAFT:
        messages.error(request, _("The report has already been submitted."))
        return redirect("incidents:detail", number=report.number)
    answer, routes = _routes(user, report)
    chosen = next((r["key"] for r in routes if r["default"]), "")
    errors: list[str] = []
    route_error = ""
    if request.method == "POST":
        chosen = request.POST.get("route_key", "")[:64]
        try:
            services.report_submit(actor=user, report=report, route_key=chosen or None)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "route" in error.error_dict:
                route_error = " ".join(error.message_dict["route"])
            errors = _named_errors(error)
        else:
            messages.success(
                request,
                _("%(number)s is submitted and has reached the first organization on its route.")
                % {"number": report.number},
            )
            return redirect("incidents:detail", number=report.number)
    return render(
        request,
        "incidents/report_submit.html",
        {
            "report": report,
            "routes": routes,
            "rule": answer.rule,
            "chosen": chosen,
            "errors": errors,
            "route_error": route_error,
            "regimes": _regime_preview(report),
        },
    )


def _my_hop(user: User, hops):
    """The hop the user's organisation holds that has the report now, if they handle it."""
    return next(
        (hop for hop in hops if hop.status in ACTIVE_HOP and permissions.may_handle(user, hop)),
        None,
    )


def _entry_details(entry, hops) -> str:
    details = entry.details or {}
    if entry.kind == EntryKind.FORWARDED and details.get("to_id"):
        to = next(
            (h.organization for h in hops if h.organization_id == details["to_id"]),
            None,
        )
        return _("to %(organization)s") % {"organization": to} if to else ""
    if entry.kind == EntryKind.STAGE_FILED:
        return details.get("label_en" if _english() else "label", "")
    if entry.kind == EntryKind.UPDATE and details.get("fields"):
        return _("changed: %(fields)s") % {
            "fields": ", ".join(_field_label(name) for name in details["fields"])
        }
    return ""


def _detail_context(request, report, bound: dict | None = None) -> dict:
    user = request.user
    bound = bound or {}
    hops = list(report.hops.all())
    my_hop = _my_hop(user, hops) if report.status == ReportStatus.OPEN else None
    next_hop = (
        next((hop for hop in hops if hop.position == my_hop.position + 1), None) if my_hop else None
    )
    is_reporter = permissions.may_report_for(user, report.reporter)
    timeline = _timeline_rows(report, hops, bound, answering=permissions.may_answer(user, report))
    clocks = _clock_rows(user, report)
    files = list(report.attachments.all().select_related("uploaded_by_organization"))
    may_attach = permissions.may_attach(user, report)
    return {
        "report": report,
        "tlp_meaning": TLP_MEANINGS.get(report.tlp, ""),
        "hops": hops,
        "my_hop": my_hop,
        "next_hop": next_hop,
        "is_last_hop": bool(my_hop and next_hop is None),
        "timeline": timeline,
        "clocks": clocks,
        "attachments": files,
        "may_delete_attachments": permissions.may_delete_attachments(user, report),
        "is_reporter": is_reporter,
        "may_edit": permissions.may_edit(user, report),
        "may_submit": permissions.may_submit(user, report),
        "may_publish": permissions.may_publish(user, report),
        "question_form": bound.get("question") or TextForm(prefix="question", label=_("Question")),
        "assessment_form": bound.get("assessment")
        or TextForm(prefix="assessment", label=_("Assessment")),
        "forward_form": bound.get("forward")
        or TextForm(prefix="forward", label=_("Note"), required=False),
        "close_form": bound.get("close")
        or TextForm(
            prefix="close",
            label=_("Closing summary"),
            help_text=_("How the incident was resolved."),
        ),
        "attachment_form": (bound.get("attachment") or AttachmentForm(prefix="attachment"))
        if may_attach
        else None,
        "bound_form": next(iter(bound.values()), None),
        "history": readable_history(user, object_history(report, user=user)[:100]),
        "may_read_history": may_read_history(user),
    }


def _timeline_rows(report, hops, bound: dict, *, answering: bool) -> list[dict]:
    """The timeline, each entry with its answers and (for the reporter, on a question) the
    form to answer it."""
    entries = list(selectors.timeline_of(report))
    replies: dict[int, list] = {}
    for entry in entries:
        if entry.reply_to_id:
            replies.setdefault(entry.reply_to_id, []).append(entry)
    timeline = []
    for entry in entries:
        row = {
            "entry": entry,
            "details": _entry_details(entry, hops),
            "replies": replies.get(entry.pk, []),
            "reply_form": None,
        }
        if entry.kind == EntryKind.QUESTION and answering:
            prefix = f"reply-{entry.pk}"
            row["reply_form"] = bound.get(prefix) or TextForm(prefix=prefix, label=_("Your answer"))
        timeline.append(row)
    return timeline


def _clock_rows(user: User, report) -> list[dict]:
    """The regimes' clocks, with what a stage the user may file still needs."""
    clocks = []
    for clock in selectors.clocks_of(report):
        may_file = permissions.may_file(user, report, clock)
        clocks.append(
            {
                "clock": clock,
                "regime": clock.regime.name_en if _english() else clock.regime.name,
                "stage": clock.stage.label_en if _english() else clock.stage.label,
                "anchor": ClockAnchor(clock.stage.anchor).label,
                "state": ClockState(clock.state).label,
                "may_file": may_file,
                "missing": [
                    _field_label(name) for name in services.missing_for_stage(report, clock.stage)
                ]
                if may_file
                else [],
            }
        )
    return clocks


@login_required
def report_detail(request, number: str):
    report = _report(request, number)
    return render(request, "incidents/report_detail.html", _detail_context(request, report))


def _again(request, report, name: str, form, error: ValidationError | None = None):
    """Show the report's page again with the form that failed (its errors summarised at the
    top): a service's error on the text is the form's field's, any other the form's own."""
    if error is not None:
        add_service_errors(form, error, aliases={"summary": "text"})
    return render(
        request, "incidents/report_detail.html", _detail_context(request, report, {name: form})
    )
