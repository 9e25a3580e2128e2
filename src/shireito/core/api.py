from django.core.exceptions import PermissionDenied
from ninja import Query, Router
from ninja.pagination import paginate

from shireito.core import selectors
from shireito.core.pagination import Pagination
from shireito.core.schemas import AuditEventFilters, AuditEventOut, ChainVerificationOut
from shireito.core.scoping import is_platform_admin

router = Router(tags=["audit trail"])


@router.get(
    "",
    response=list[AuditEventOut],
    operation_id="audit_events_list",
    summary="List audit-trail events I may see",
)
@paginate(Pagination)
def audit_events_list(request, filters: Query[AuditEventFilters]):
    return selectors.search_audit_events(
        selectors.audit_events_visible_to(request.auth),
        search=filters.search,
        object_type=filters.object_type,
        action=filters.action or "",
    )


@router.get(
    "/verification",
    response=ChainVerificationOut,
    operation_id="audit_events_verify",
    summary="Verify the audit trail's hash chain (platform admins)",
)
def audit_events_verify(request):
    if not is_platform_admin(request.auth):
        raise PermissionDenied
    report = selectors.verify_audit_chain()
    return {
        "ok": report.ok,
        "checked": report.checked,
        "problem": str(report.problem) if report.problem else None,
        "first_bad_sequence": report.problem.sequence if report.problem else None,
    }
