"""A report's attachments: add, download, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.core.pages import file_response, get_or_404, id_or_404, submit
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
    done, item = submit(
        form,
        lambda data: attachments.attachment_add(
            actor=request.user, report=report, upload=data["file"]
        ),
    )
    if not done:
        return _again(request, report, "attachment", form)
    messages.success(request, _("“%(name)s” is attached.") % {"name": item.filename})
    return _back(report)


def _attachment(request, report, attachment: int):
    return get_or_404(selectors.attachment_get(request.user, report, id_or_404(attachment)))


@login_required
def attachment_download(request, number: str, attachment: int):
    report = _report(request, number)
    found = _attachment(request, report, attachment)
    handle = get_or_404(attachments.open_blob(found))  # recorded, but its bytes may be gone
    return file_response(handle, filename=found.filename, content_type=found.content_type)


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
