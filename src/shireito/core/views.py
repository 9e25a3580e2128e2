from django.contrib.auth.decorators import login_required

from shireito.core import selectors
from shireito.core.forms import AuditLogFilter
from shireito.core.history import readable_history
from shireito.core.pages import list_page


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
