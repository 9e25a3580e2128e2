"""Evidence over the API: list, attach, download a revision, delete."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from shireito.audits import downloads, selectors
from shireito.audits import evidence as evidence_service
from shireito.audits.api.common import (
    audit_or_404,
    evidence_or_404,
    router,
)
from shireito.audits.schemas import (
    EvidenceIn,
    EvidenceOut,
)
from shireito.core.pagination import Pagination, parse_id

# --- evidence ------------------------------------------------------------------------------


@router.get(
    "/{number}/evidence",
    response=list[EvidenceOut],
    operation_id="audit_evidence_list",
    summary="An audit's evidence, each with its latest revision and whether it has expired",
)
@paginate(Pagination)
def audit_evidence_list(request, number: str):
    return selectors.evidence_of(user=request.auth, audit=audit_or_404(request, number))


@router.post(
    "/{number}/evidence",
    response={201: EvidenceOut},
    operation_id="audit_evidence_add",
    summary="Attach evidence (a file) to a control result or a finding",
)
def audit_evidence_add(request, number: str, file: File[UploadedFile], data: Form[EvidenceIn]):
    user = request.auth
    audit = audit_or_404(request, number)
    result = finding = None
    if data.result is not None:
        result = None
        if parse_id(data.result) is not None:
            result = selectors.results_of(user=user, audit=audit).filter(pk=data.result).first()
        if result is None:
            raise ValidationError({"result": _("No such result in this audit.")})
    if data.finding is not None:
        finding = None
        if parse_id(data.finding) is not None:
            finding = selectors.finding_get(user=user, audit=audit, number=data.finding)
        if finding is None:
            raise ValidationError({"finding": _("No such finding in this audit.")})
    item = evidence_service.evidence_add(
        actor=user,
        audit=audit,
        upload=file,
        title=data.title,
        result=result,
        finding=finding,
        effective_date=data.effective_date,
        expiry_date=data.expiry_date,
    )
    return Status(201, evidence_or_404(request, audit, item.pk))


@router.get(
    "/{number}/evidence/{evidence}/revisions/{revision}/download",
    operation_id="audit_evidence_download",
    summary="Download one revision of a piece of evidence",
    response={200: None},
)
def audit_evidence_download(request, number: str, evidence: int, revision: int):
    return downloads.evidence_download(
        request.auth, audit_or_404(request, number), evidence_id=evidence, number=revision
    )


@router.delete(
    "/{number}/evidence/{evidence}",
    response={204: None},
    operation_id="audit_evidence_delete",
    summary="Delete a piece of evidence and all its revisions",
)
def audit_evidence_delete(request, number: str, evidence: int):
    audit = audit_or_404(request, number)
    evidence_service.evidence_delete(
        actor=request.auth, evidence=evidence_or_404(request, audit, evidence)
    )
    return Status(204, None)
