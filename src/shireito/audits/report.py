"""The audit report for print: one standalone HTML page (scope, method, period, a summary of
results per system, findings, corrective action plans, conclusion) and the same page as PDF.

The report summarises; it never lists every control result, so it stays short to read and
quick to render however large the audit is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import translation

from shireito.audits.choices import ResultStatus
from shireito.audits.models import Audit, ControlResult, Finding
from shireito.registry.models import InformationSystem

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
    """Results counted per system and status in one query; systems in scope come first, in
    order, then any system that has results without being in scope."""
    counts: dict[int, Counter] = {}
    for row in (
        ControlResult.objects.filter(audit=audit)
        .values("system_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts.setdefault(row["system_id"], Counter())[row["status"]] = row["n"]
    rows: list[SystemSummary] = []
    seen = set()
    for item in audit.scope_items.select_related("system", "baseline").order_by("system__code"):
        rows.append(SystemSummary(item.system, item.baseline))
        seen.add(item.system_id)
    missing = set(counts) - seen
    if missing:
        for system in InformationSystem.objects.filter(pk__in=missing).order_by("code"):
            rows.append(SystemSummary(system, None))
    statuses = ResultStatus.values
    totals = [0] * len(statuses)
    for row in rows:
        counter = counts.get(row.system.pk, Counter())
        row.counts = [counter[status] for status in statuses]
        row.total = sum(row.counts)
        totals = [a + b for a, b in zip(totals, row.counts, strict=True)]
    return rows, totals, sum(totals)


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
