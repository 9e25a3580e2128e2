"""The incident pages: the list, a draft's form and the reporter's updates, submitting along a
route the governance model allows, a report's page with its route as a timeline, its regime
clocks and the actions of whoever has it now, attachments, the reporting regimes and the
notices.

Every report is read through the scoped selectors (who is no party gets 404) and every write
is one service call; the services decide who may do what, the pages only offer what the user
may do and show the services' refusals as errors. Each action is a plain POST form that
redirects back with a message, or shows the page again with its errors.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from shireito.core.forms import add_service_errors
from shireito.core.htmx import paginate, render_page
from shireito.core.pagination import parse_id
from shireito.core.selectors import may_read_history, object_history, redacted
from shireito.incidents import (
    attachments,
    notices,
    permissions,
    selectors,
    services,
)
from shireito.incidents.choices import (
    REQUIRABLE_FIELDS,
    ClockAnchor,
    ClockState,
    EntryKind,
    HopStatus,
    IncidentCategory,
    ReportStatus,
    StageCondition,
)
from shireito.incidents.forms import (
    TLP_MEANINGS,
    AttachmentForm,
    RegimeForm,
    ReportForm,
    TextForm,
)
from shireito.incidents.regimes import applicable_regimes, stage_clocks
from shireito.organizations.choices import OrganizationKind
from shireito.organizations.mandates import active_engine
from shireito.organizations.relations import token_label
from shireito.organizations.selectors import organization_list, routes_shown_to, sector_list
from shireito.registry.selectors import system_list

ACTIVE_HOP = (HopStatus.RECEIVED, HopStatus.ACKNOWLEDGED)


def _report(request, number: str):
    return selectors.report_get(request.user, number)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _own_systems(user, organization):
    """The reporter's systems the user may see (the services refuse anyone else's)."""
    return system_list(user=user, owner=organization.code)


def _english() -> bool:
    return get_language() == "en"


# Names for the fields a service's error may be about, beyond those a stage may require.
FIELD_LABELS = {
    **REQUIRABLE_FIELDS,
    "route": pgettext_lazy("incident report", "route"),
    "personal_data": _lazy("personal data involved"),
    "tlp": "TLP",
    "stage": pgettext_lazy("incident report", "regime stage"),
    "file": _lazy("file"),
}


def _field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def _named_errors(error: ValidationError) -> list[str]:
    """A service's errors, each with the field it is about named in words."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    texts = []
    for name, problems in error.message_dict.items():
        for problem in problems:
            if name in ("__all__", "", None):
                texts.append(problem)
            else:
                texts.append(f"{_field_label(name)}: {problem}")
    return texts


# --- the list --------------------------------------------------------------------------------


def _list_filters(request) -> dict:
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    return {
        "status": status if status in ReportStatus.values else "",
        "category": category if category in IncidentCategory.values else "",
        "search": request.GET.get("search", "").strip()[:200],
        "waiting_for_me": request.GET.get("waiting") == "1",
    }


@login_required
def report_list(request):
    user = request.user
    filters = _list_filters(request)
    return render_page(
        request,
        "incidents/report_list.html",
        {
            "page": paginate(request, selectors.report_list(user, **filters)),
            "filters": filters,
            "statuses": ReportStatus.choices,
            "categories": IncidentCategory.choices,
            "may_report": permissions.may_report_for(user, user.organization),
        },
        partial="results",
    )


# --- a draft and the reporter's updates ------------------------------------------------------


@login_required
def report_create(request):
    user = request.user
    if not permissions.may_report_for(user, user.organization):
        raise PermissionDenied
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        systems=_own_systems(user, user.organization),
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            report = services.report_create(actor=user, **arguments)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Draft %(number)s is saved.") % {"number": report.number})
            return redirect("incidents:detail", number=report.number)
    return render(
        request,
        "incidents/report_form.html",
        {
            "form": form,
            "report": None,
            "page_title": _("New incident report"),
            "submit_label": _("Save the draft"),
            "cancel_url": reverse("incidents:list"),
        },
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
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        systems=_own_systems(user, report.reporter),
        report=report,
        updating=updating,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(actor=user, report=report, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Your update is added to the report.") if updating else _("The draft is saved."),
            )
            return redirect("incidents:detail", number=report.number)
    title = _("Add an update to %(number)s") if updating else _("Edit draft %(number)s")
    return render(
        request,
        "incidents/report_form.html",
        {
            "form": form,
            "report": report,
            "page_title": title % {"number": report.number},
            "submit_label": _("Add the update") if updating else _("Save the draft"),
            "cancel_url": reverse("incidents:detail", args=[report.number]),
        },
    )


# --- submitting --------------------------------------------------------------------------------


def _routes(user, report):
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


def _offset_text(offset) -> str:
    """A deadline offset in hours, and in days where it is whole days."""
    hours = offset.total_seconds() / 3600
    text = ngettext("%(hours)s hour", "%(hours)s hours", int(hours) if hours >= 1 else 2) % {
        "hours": f"{hours:g}"
    }
    if hours >= 48 and hours % 24 == 0:
        days = int(hours // 24)
        text += " " + ngettext("(%(days)d day)", "(%(days)d days)", days) % {"days": days}
    return text


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


# --- one report ------------------------------------------------------------------------------


def _my_hop(user, hops):
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
    is_open = report.status == ReportStatus.OPEN
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
        if entry.kind == EntryKind.QUESTION and is_reporter and is_open:
            prefix = f"reply-{entry.pk}"
            row["reply_form"] = bound.get(prefix) or TextForm(prefix=prefix, label=_("Your answer"))
        timeline.append(row)
    clocks = []
    for clock in selectors.clocks_of(report):
        may_file = is_reporter and report.status != ReportStatus.DRAFT and clock.is_open
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
        "may_delete_attachments": is_reporter and report.status == ReportStatus.DRAFT,
        "is_reporter": is_reporter,
        "may_edit": is_reporter and report.status != ReportStatus.CLOSED,
        "may_submit": is_reporter and report.status == ReportStatus.DRAFT,
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
        "history": redacted(user, object_history(report, user=user)[:100]),
        "may_read_history": may_read_history(user),
    }


@login_required
def report_detail(request, number: str):
    report = _report(request, number)
    return render(request, "incidents/report_detail.html", _detail_context(request, report))


def _again(request, report, name: str, form, error: ValidationError | None = None):
    """Show the report's page again with the form that failed (its errors summarised at the
    top): a service's error on the text is the form's field's, any other the form's own."""
    if error is not None:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error("text" if field in ("text", "summary") else None, problem)
        else:
            for problem in error.messages:
                form.add_error(None, problem)
    return render(
        request, "incidents/report_detail.html", _detail_context(request, report, {name: form})
    )


def _back(report):
    return redirect("incidents:detail", number=report.number)


@login_required
@require_POST
def hop_acknowledge(request, number: str):
    report = _report(request, number)
    try:
        services.hop_acknowledge(actor=request.user, report=report)
    except ValidationError as error:
        for text in _named_errors(error):
            messages.error(request, text)
    else:
        messages.success(request, _("You have acknowledged the report."))
    return _back(report)


@login_required
@require_POST
def hop_comment(request, number: str):
    """Ask the reporter a question, or add an assessment (``kind``)."""
    report = _report(request, number)
    kind = request.POST.get("kind", "")
    if kind not in (EntryKind.QUESTION, EntryKind.ASSESSMENT):
        raise Http404
    label = _("Question") if kind == EntryKind.QUESTION else _("Assessment")
    form = TextForm(request.POST, prefix=kind, label=label)
    if not form.is_valid():
        return _again(request, report, kind, form)
    try:
        services.hop_comment(
            actor=request.user, report=report, kind=kind, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        return _again(request, report, kind, form, error)
    messages.success(
        request,
        _("Your question is sent to the reporter.")
        if kind == EntryKind.QUESTION
        else _("Your assessment is added."),
    )
    return _back(report)


@login_required
@require_POST
def report_reply(request, number: str, entry: int):
    report = _report(request, number)
    entry_id = parse_id(entry)
    question = selectors.timeline_of(report).filter(pk=entry_id).first() if entry_id else None
    if question is None:
        raise Http404
    prefix = f"reply-{question.pk}"
    form = TextForm(request.POST, prefix=prefix, label=_("Your answer"))
    if not form.is_valid():
        return _again(request, report, prefix, form)
    try:
        services.report_reply(
            actor=request.user, report=report, question=question, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        return _again(request, report, prefix, form, error)
    messages.success(request, _("Your answer is added."))
    return _back(report)


@login_required
@require_POST
def hop_forward(request, number: str):
    report = _report(request, number)
    form = TextForm(request.POST, prefix="forward", label=_("Note"), required=False)
    if not form.is_valid():
        return _again(request, report, "forward", form)
    try:
        following = services.hop_forward(
            actor=request.user, report=report, note=form.cleaned_data["text"]
        )
    except ValidationError as error:
        return _again(request, report, "forward", form, error)
    messages.success(
        request,
        _("The report is forwarded to %(organization)s.")
        % {"organization": following.organization},
    )
    return _back(report)


@login_required
@require_POST
def report_close(request, number: str):
    report = _report(request, number)
    form = TextForm(
        request.POST,
        prefix="close",
        label=_("Closing summary"),
        help_text=_("How the incident was resolved."),
    )
    if not form.is_valid():
        return _again(request, report, "close", form)
    try:
        services.report_close(actor=request.user, report=report, summary=form.cleaned_data["text"])
    except ValidationError as error:
        return _again(request, report, "close", form, error)
    messages.success(request, _("The report is closed."))
    return _back(report)


@login_required
@require_POST
def stage_file(request, number: str, stage: int):
    report = _report(request, number)
    stage_id = parse_id(stage)
    found = next(
        (s for regime in report.regimes.all() for s in regime.stages.all() if s.pk == stage_id),
        None,
    )
    if found is None:
        raise Http404
    try:
        services.stage_file(actor=request.user, report=report, stage=found)
    except ValidationError as error:
        for text in _named_errors(error):
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("“%(stage)s” is filed.") % {"stage": found.label_en if _english() else found.label},
        )
    return _back(report)


# --- attachments -------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request, number: str):
    report = _report(request, number)
    if not permissions.may_attach(request.user, report):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if not form.is_valid():
        return _again(request, report, "attachment", form)
    try:
        item = attachments.attachment_add(
            actor=request.user, report=report, upload=form.cleaned_data["file"]
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error("file" if field == "file" else None, problem)
        else:
            for problem in error.messages:
                form.add_error(None, problem)
        return _again(request, report, "attachment", form)
    messages.success(request, _("“%(name)s” is attached.") % {"name": item.filename})
    return _back(report)


def _attachment(request, report, attachment: int):
    attachment_id = parse_id(attachment)
    found = selectors.attachment_get(request.user, report, attachment_id) if attachment_id else None
    if found is None:
        raise Http404
    return found


@login_required
def attachment_download(request, number: str, attachment: int):
    report = _report(request, number)
    found = _attachment(request, report, attachment)
    try:
        handle = attachments.open_blob(found)
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=found.filename, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, number: str, attachment: int):
    report = _report(request, number)
    found = _attachment(request, report, attachment)
    try:
        attachments.attachment_delete(actor=request.user, attachment=found)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("“%(name)s” is deleted.") % {"name": found.filename})
    return _back(report)


# --- the reporting regimes ---------------------------------------------------------------------


def _regime_rows(regimes) -> list[dict]:
    rows = []
    for regime in regimes:
        rows.append(
            {
                "regime": regime,
                "name": regime.name_en if _english() else regime.name,
                "stages": [
                    {
                        "stage": stage,
                        "label": stage.label_en if _english() else stage.label,
                        "anchor": ClockAnchor(stage.anchor).label,
                        "offset": _offset_text(stage.offset),
                        "condition": StageCondition(stage.condition).label,
                        "required": [_field_label(name) for name in stage.required_fields],
                    }
                    for stage in regime.stages.all()
                ],
                "organizations": list(regime.organizations.all()),
            }
        )
    return rows


@login_required
def regime_list(request):
    sectors = {sector.code: str(sector) for sector in sector_list(user=request.user)}
    rows = _regime_rows(selectors.regimes())
    for row in rows:
        regime = row["regime"]
        row["kinds"] = [
            OrganizationKind(kind).label if kind in OrganizationKind.values else kind
            for kind in regime.reporter_kinds or []
        ]
        row["sectors"] = [sectors.get(code, code) for code in regime.sectors or []]
    return render(
        request,
        "incidents/regime_list.html",
        {"rows": rows, "may_change": request.user.is_platform_admin},
    )


@login_required
def regime_edit(request, key: str):
    if not request.user.is_platform_admin:
        raise PermissionDenied
    regime = selectors.regimes().filter(key=key).first()
    if regime is None:
        raise Http404
    form = RegimeForm(request.POST if request.method == "POST" else None, regime=regime)
    if request.method == "POST" and form.is_valid():
        codes = form.codes()
        found = {
            org.code: org for org in organization_list(user=request.user).filter(code__in=codes)
        }
        unknown = [code for code in codes if code not in found]
        if unknown:
            form.add_error(
                "organizations",
                _("No such organization: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        else:
            try:
                _regime_save(request.user, regime, form, [found[c] for c in codes])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The reporting regime is saved."))
                return redirect(f"{reverse('incidents:regimes')}#regime-{regime.key}")
    return render(
        request,
        "incidents/regime_form.html",
        {
            "form": form,
            "regime": regime,
            "name": regime.name_en if _english() else regime.name,
            "stage_fields": [(stage, form[form.stage_field(stage)]) for stage in form.stages],
        },
    )


def _regime_save(actor, regime, form: RegimeForm, organizations) -> None:
    """One transaction: the regime's flag and organisations, and every changed deadline."""
    from django.db import transaction

    with transaction.atomic():
        services.regime_update(
            actor=actor,
            regime=regime,
            active=form.cleaned_data["active"],
            organizations=organizations,
        )
        for stage, offset in form.offsets().items():
            if stage.offset != offset:
                try:
                    services.regime_stage_update(actor=actor, stage=stage, offset=offset)
                except ValidationError as error:
                    # On the stage's own field; raising rolls every change back.
                    raise ValidationError({form.stage_field(stage): error.messages}) from error


# --- notices -----------------------------------------------------------------------------------


@login_required
def notice_list(request):
    page = paginate(request, selectors.notices_for(request.user))
    named = notices.organizations_of(page)
    rows = [{"notice": notice, "text": notices.render(notice, named)} for notice in page]
    return render(
        request,
        "incidents/notice_list.html",
        {"page": page, "rows": rows, "unread": selectors.unread_notice_count(request.user)},
    )


@login_required
@require_POST
def notice_mark_read(request):
    ids = selectors.notices_for(request.user, unread_only=True).values_list("pk", flat=True)
    count = services.notice_mark_read(user=request.user, notice_ids=list(ids))
    messages.success(
        request,
        ngettext(
            "%(count)d notice is marked as read.", "%(count)d notices are marked as read.", count
        )
        % {"count": count},
    )
    return redirect("incidents:notices")
