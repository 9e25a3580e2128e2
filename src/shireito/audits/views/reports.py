"""The report of an audit: its page, the PDF, the OSCAL downloads, the spreadsheets and the
evidence bundle."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shireito.audits import downloads, exporters, permissions, selectors
from shireito.audits.choices import ResultStatus
from shireito.audits.views.audits import summary_rows
from shireito.audits.views.common import audit_or_404


@login_required
def audit_report(request, number: str):
    user = request.user
    audit = audit_or_404(user, number)
    findings = list(selectors.findings_of(user=user, audit=audit))
    return render(
        request,
        "audits/audit_report.html",
        {
            "audit": audit,
            "scope": selectors.scope_of(audit),
            "statuses": ResultStatus.choices,
            "results": summary_rows(selectors.result_summary(audit)),
            "findings": findings,
            "has_actions": any(f.actions.all() for f in findings),
            "may_download_bundle": permissions.may_download_bundle(user, audit),
            "today": timezone.localdate(),
        },
    )


@login_required
def audit_report_pdf(request, number: str):
    audit = audit_or_404(request.user, number)
    return downloads.report_pdf(audit, language=get_language() or "ja")


@login_required
def audit_oscal_ar(request, number: str):
    audit = audit_or_404(request.user, number)
    return downloads.json_download(
        exporters.export_assessment_results(audit),
        filename=f"{audit.number}-assessment-results.json",
    )


@login_required
def audit_oscal_poam(request, number: str):
    audit = audit_or_404(request.user, number)
    try:
        data = exporters.export_poam(audit)
    except exporters.EmptyPlanError:
        messages.warning(
            request,
            _("There is no POA&M to download yet: no finding has a corrective action."),
        )
        return redirect("audits:detail", number=audit.number)
    return downloads.json_download(data, filename=f"{audit.number}-poam.json")


@login_required
def audit_bundle(request, number: str):
    audit = audit_or_404(request.user, number)
    if not permissions.may_download_bundle(request.user, audit):
        raise Http404
    return downloads.evidence_bundle(request.user, audit, language=get_language() or "ja")


def _spreadsheet(request, number: str, part: str):
    audit = audit_or_404(request.user, number)
    return downloads.spreadsheet(request.user, audit, part, language=get_language() or "ja")


@login_required
def audit_results_csv(request, number: str):
    return _spreadsheet(request, number, "results-csv")


@login_required
def audit_findings_csv(request, number: str):
    return _spreadsheet(request, number, "findings-csv")


@login_required
def audit_actions_csv(request, number: str):
    return _spreadsheet(request, number, "actions-csv")


@login_required
def audit_workbook(request, number: str):
    return _spreadsheet(request, number, "xlsx")
