"""An audit's exports over the API: OSCAL assessment results, OSCAL POA&M, the report, the
spreadsheets and the evidence bundle."""

import json
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query

from shireito.audits import downloads, exporters, permissions
from shireito.audits.api.common import (
    audit_or_404,
    router,
)
from shireito.audits.schemas import (
    ExportFormat,
)

# --- exports -------------------------------------------------------------------------------


@router.get(
    "/{number}/export",
    operation_id="audits_export",
    summary=(
        "Export an audit: OSCAL assessment results, OSCAL POA&M (JSON), the report (PDF), "
        "or its results, findings and corrective actions (XLSX workbook or CSV)"
    ),
    response={200: None},
)
def audits_export(request, number: str, query: Query[ExportFormat]):
    audit = audit_or_404(request, number)
    language = query.language or translation.get_language() or "ja"
    if query.format == "pdf":
        return downloads.report_pdf(audit, language=language)
    if query.format in downloads.SPREADSHEETS:
        return downloads.spreadsheet(request.auth, audit, query.format, language=language)
    if query.format == "oscal-ar":
        document = exporters.export_assessment_results(audit)
    else:
        try:
            document = exporters.export_poam(audit)
        except exporters.EmptyPlanError as exc:
            raise ValidationError(
                {"format": _("This audit has no corrective actions to put in a POA&M.")}
            ) from exc
    return HttpResponse(json.dumps(document, ensure_ascii=False), content_type="application/json")


ZIP_BODY = {
    "responses": {
        200: {
            "description": "The bundle, streamed",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/{number}/bundle",
    operation_id="audits_bundle",
    summary="The audit's evidence bundle: one ZIP of the report (PDF), the OSCAL assessment "
    "results and every revision of its evidence, with manifest.json and SHA256SUMS, streamed",
    response={200: None},
    openapi_extra=ZIP_BODY,
)
def audits_bundle(request, number: str, language: Literal["ja", "en"] | None = None):
    audit = audit_or_404(request, number)
    if not permissions.may_download_bundle(request.auth, audit):
        raise Http404
    return downloads.evidence_bundle(
        request.auth, audit, language=language or translation.get_language() or "ja"
    )
