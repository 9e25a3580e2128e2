from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shireito.core import selectors
from shireito.core.forms import AuditLogFilter
from shireito.core.history import readable_history
from shireito.core.jobs import job_file, job_for, job_kind
from shireito.core.pages import file_response, list_page


@login_required
def audit_log(request):
    """The scoped audit trail, newest first, searchable; verification is on the command line."""
    filters = AuditLogFilter(request.GET)
    events = selectors.search_audit_events(
        selectors.audit_events_visible_to(request.user), **filters.values()
    )
    return list_page(
        request,
        template="core/audit_log.html",
        items=events,
        filters=filters,
        rows=lambda events: readable_history(request.user, events),
        context={"may_read": selectors.may_read_history(request.user)},
    )


@login_required
@require_GET
def job_detail(request, job_id):
    """A job the user started: its progress while a worker runs it, then its result. The
    page refreshes itself until the job ends (htmx polls the section; without JavaScript a
    meta refresh reloads the page)."""
    job = job_for(request.user, job_id)
    kind = job_kind(job)
    context = {"job": job, "kind": kind, "result": job.result}
    if request.htmx:
        return render(request, "core/partials/_job.html", context)
    return render(request, "core/job_detail.html", context)


@login_required
@require_GET
def job_download(request, job_id):
    """The file a finished job made (a large export), to the user who started it only: the
    same headers as an immediate download."""
    found = job_file(job_for(request.user, job_id))
    storage = storages["default"]
    if found is None or not storage.exists(found["file"]):
        raise Http404
    return file_response(
        storage.open(found["file"], "rb"),
        filename=found["filename"],
        content_type=found["content_type"],
    )
