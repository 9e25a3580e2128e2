"""A report's attachments: add, download, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.core.pagination import parse_id
from shireito.incidents import (
    attachments,
    permissions,
    selectors,
)
from shireito.incidents.forms import (
    AttachmentForm,
)
from shireito.incidents.views.common import (
    _back,
    _error_text,
    _report,
)
from shireito.incidents.views.reports import _again


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
