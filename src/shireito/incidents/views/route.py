"""The route's actions on a report's page: acknowledge, ask or assess, forward, close; and the
reporter's answer. Each is a plain POST form that redirects back with a message, or shows the
report's page again with its errors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.core.pages import get_or_404, id_or_404
from shireito.incidents import (
    selectors,
    services,
)
from shireito.incidents.choices import (
    EntryKind,
)
from shireito.incidents.forms import (
    TextForm,
)
from shireito.incidents.views.common import (
    _back,
    _named_errors,
    _report,
)
from shireito.incidents.views.reports import _again


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
    # A kind this page has no form for answers as any unknown address.
    label = get_or_404(
        {EntryKind.QUESTION: _("Question"), EntryKind.ASSESSMENT: _("Assessment")}.get(kind)
    )
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
    question = get_or_404(selectors.question_get(report, id_or_404(entry)))
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
