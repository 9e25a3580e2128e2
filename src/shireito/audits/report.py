"""The audit report for print: one standalone HTML page (scope, method, period, a summary of
results per system, findings, corrective action plans, conclusion) and the same page as PDF.

The report summarises; it never lists every control result, so it stays short to read and
quick to render however large the audit is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation

from shireito.audits.choices import ResultStatus
from shireito.audits.models import Audit, Finding
from shireito.audits.selectors import result_summary

# The report's own type, so Japanese text renders in a CJK face rather than as missing glyphs.
FONT_FAMILY = '"Noto Sans CJK JP", "Noto Sans JP", sans-serif'


@dataclass
class SystemSummary:
    """One row of the results table: a system, its baseline and its results counted by status."""

    system: object
    baseline: object | None
    counts: list[int] = field(default_factory=list)
    total: int = 0


def _summary(audit: Audit) -> tuple[list[SystemSummary], list[int], int]:
    """The systems in scope with their results counted by status (one grouped query, the
    same counts the audit's page shows)."""
    summary = result_summary(audit)
    rows = []
    for item in audit.scope_items.select_related("system", "baseline").order_by("system__code"):
        counter = summary.by_system.get(item.system.code, Counter())
        counts = [counter[status] for status in ResultStatus.values]
        rows.append(SystemSummary(item.system, item.baseline, counts, sum(counts)))
    return rows, summary.totals(), summary.count


def report_context(audit: Audit) -> dict:
    """What the report shows, read in a fixed handful of queries."""
    audit = Audit.objects.select_related("auditor", "auditee", "entrusting", "baseline").get(
        pk=audit.pk
    )
    rows, totals, total = _summary(audit)
    findings = list(
        Finding.objects.filter(audit=audit)
        .prefetch_related("controls", "systems", "actions__owner", "actions__milestones")
        .order_by("number")
    )
    return {
        "audit": audit,
        "statuses": ResultStatus.choices,
        "summary": rows,
        "totals": totals,
        "total": total,
        "findings": findings,
        "has_actions": any(f.actions.all() for f in findings),
        "font_family": FONT_FAMILY,
    }


def render_report_html(audit: Audit, *, language: str) -> str:
    """The report as standalone HTML in ``language`` (labels and headings; the audit's own
    text stays as written)."""
    with translation.override(language):
        context = report_context(audit)
        context["language"] = language
        return render_to_string("audits/report_print.html", context)


def render_report_pdf(audit: Audit, *, language: str) -> bytes:
    """The report as PDF, laid out by WeasyPrint from the same HTML."""
    import weasyprint  # heavy (Pango, fonts): loaded only when a PDF is asked for

    html = render_report_html(audit, language=language)
    return weasyprint.HTML(string=html).write_pdf()
