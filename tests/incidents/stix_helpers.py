"""A report taken all the way along its route, with a marker in every field that must never
leave the route, for the STIX, API and publication tests."""

import datetime as dt

from shireito.incidents import services
from shireito.incidents.models import Attachment, IncidentReport
from shireito.organizations.models import Organization
from tests.incidents.conftest import T0

H = dt.timedelta(hours=1)

# One indicator of every kind; values with quotes and backslashes where a kind allows them.
INDICATORS = [
    {"kind": "ipv4", "value": "203.0.113.7", "description": "C2 server", "shareable": True},
    {"kind": "ipv6", "value": "2001:db8::7", "description": "", "shareable": True},
    {"kind": "domain", "value": "c2.example.net", "description": "", "shareable": True},
    {"kind": "url", "value": "http://c2.example.net/it's\\x", "description": "", "shareable": True},
    {"kind": "email", "value": "attacker@example.net", "description": "", "shareable": True},
    {"kind": "sha256", "value": "a" * 64, "description": "dropper", "shareable": True},
    {"kind": "md5", "value": "b" * 32, "description": "", "shareable": True},
    {
        "kind": "stix_pattern",
        "value": "[network-traffic:dst_port = 4444] AND [file:name = 'it\\'s.exe']",
        "description": "",
        "shareable": True,
    },
]

# What must never appear in a sanitised bundle: field -> its marker value.
MARKERS = {
    "title": "TITLE-MARKER-7c1",
    "narrative": "NARRATIVE-MARKER-7c2",
    "impact_description": "IMPACT-DESCRIPTION-MARKER-7c3",
    "personal_data_count": 2087654321,
    "reporter.name": "REPORTER-NAME-MARKER-7c4",
    "reporter.name_en": "REPORTER-EN-MARKER-7c5",
    "hop.name": "HOP-NAME-MARKER-7c6",
    "update": "UPDATE-MARKER-7c7",
    "question": "QUESTION-MARKER-7c8",
    "answer": "ANSWER-MARKER-7c9",
    "assessment": "ASSESSMENT-MARKER-7ca",
    "forward_note": "FORWARD-NOTE-MARKER-7cb",
    "closing_summary": "CLOSING-SUMMARY-MARKER-7cc",
    "attachment.filename": "ATTACHMENT-MARKER-7cd.pdf",
    "attachment.sha256": "cafe" * 16,
    "indicator.description": "INDICATOR-DESCRIPTION-MARKER-7ce",
    "unshareable.value": "unshareable-marker-7cf.example",
    "ransom_paid_at": "2026-10-30T01:23:45",
    "detected_at (exact time)": "T09:07:08",
    "aware_at (exact time)": "T10:11:12",
}
PEOPLE = ("pmda-editor", "mhlw-handler", "nisc-handler")


def draft_with_everything(handlers, systems, **fields) -> IncidentReport:
    values = {
        "title": "マルウェア感染",
        "category": "malware",
        "impact": "medium",
        "impact_description": "業務の一部が停止",
        "detected_at": T0,
        "aware_at": T0 + H,
        "narrative": "端末1台でマルウェアを検知した。",
        "personal_data": True,
        "personal_data_count": 12,
        "malicious": True,
        "ransom_paid_at": T0 - 24 * H,
        "tlp": "amber",
    }
    values.update(fields)
    return services.report_create(
        actor=handlers["pmda-editor"],
        systems=[systems["pmda-app"]],
        indicators=[dict(i) for i in INDICATORS],
        now=T0 + 2 * H,
        **values,
    )


def routed_report(handlers, systems, *, close: bool = True, tlp: str = "amber") -> IncidentReport:
    """PMDA's report, with markers, taken via MHLW to NISC (and closed there)."""
    reporter, ministry, nisc = (
        handlers["pmda-editor"],
        handlers["mhlw-handler"],
        handlers["nisc-handler"],
    )
    report = draft_with_everything(
        handlers,
        systems,
        tlp=tlp,
        title=MARKERS["title"],
        narrative=MARKERS["narrative"],
        impact_description=MARKERS["impact_description"],
        personal_data_count=MARKERS["personal_data_count"],
        detected_at=dt.datetime(2026, 11, 2, 9, 7, 8, tzinfo=dt.UTC),
        aware_at=dt.datetime(2026, 11, 2, 10, 11, 12, tzinfo=dt.UTC),
        ransom_paid_at=dt.datetime(2026, 10, 30, 1, 23, 45, tzinfo=dt.UTC),
    )
    services.report_update(
        actor=reporter,
        report=report,
        indicators=[
            *[dict(i) for i in INDICATORS if i["kind"] != "sha256"],
            {
                "kind": "sha256",
                "value": "a" * 64,
                "description": MARKERS["indicator.description"],
                "shareable": True,
            },
            {"kind": "domain", "value": MARKERS["unshareable.value"], "shareable": False},
        ],
        now=T0 + 2 * H,
    )
    Organization.objects.filter(pk=report.reporter_id).update(
        name=MARKERS["reporter.name"], name_en=MARKERS["reporter.name_en"]
    )
    Organization.objects.filter(code="mhlw").update(name=MARKERS["hop.name"])
    report = services.report_submit(actor=reporter, report=report, now=T0 + 3 * H)
    services.hop_acknowledge(actor=ministry, report=report, now=T0 + 4 * H)
    question = services.hop_comment(
        actor=ministry, report=report, kind="question", text=MARKERS["question"], now=T0 + 5 * H
    )
    services.report_reply(
        actor=reporter, report=report, question=question, text=MARKERS["answer"], now=T0 + 6 * H
    )
    services.hop_comment(
        actor=ministry,
        report=report,
        kind="assessment",
        text=MARKERS["assessment"],
        now=T0 + 7 * H,
    )
    services.hop_forward(
        actor=ministry, report=report, note=MARKERS["forward_note"], now=T0 + 8 * H
    )
    services.report_update(
        actor=reporter, report=report, impact="high", note=MARKERS["update"], now=T0 + 9 * H
    )
    services.hop_acknowledge(actor=nisc, report=report, now=T0 + 10 * H)
    if close:
        services.report_close(
            actor=nisc, report=report, summary=MARKERS["closing_summary"], now=T0 + 11 * H
        )
    Attachment.objects.create(
        report=report,
        filename=MARKERS["attachment.filename"],
        content_type="application/pdf",
        size=10,
        sha256=MARKERS["attachment.sha256"],
    )
    return IncidentReport.objects.get(pk=report.pk)


def share(report: IncidentReport, **fields) -> IncidentReport:
    """Give the report the centre's shared fields as publication would (without a collection)."""
    values = {
        "shared_title": "Malware at a government body",
        "shared_summary": "Malware reached one terminal; contained.",
        "shared_tlp": "green",
        "shared_at": T0 + 12 * H,
    }
    values.update(fields)
    IncidentReport.objects.filter(pk=report.pk).update(**values)
    return IncidentReport.objects.get(pk=report.pk)
