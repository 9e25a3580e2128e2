"""The kit the demo audits are written with (shireito.audits.demo): the context they read
from, and the small steps every demo audit repeats (record claims or results, complete a
stage, build a tiny PDF). Kept apart so audits/demo.py stays under the module size limit.
"""

from __future__ import annotations

import datetime as dt

from shireito.accounts.models import User
from shireito.audits import services
from shireito.audits.models import Audit
from shireito.registry.models import InformationSystem
from shireito.standards.models import Catalog

S, P, N, NA = "satisfied", "partially", "not_satisfied", "not_applicable"


class Context:
    """What every demo audit is written from: today, the fiscal year, the cast, systems and
    catalogs (read once)."""

    def __init__(self, by_code: dict, today: dt.date, year: int):
        self.org = by_code
        self.today = today
        self.year = year
        self.users = {u.username: u for u in User.objects.filter(username__in=_USERNAMES)}
        self.systems = {s.code: s for s in InformationSystem.objects.filter(code__in=_SYSTEM_CODES)}
        self.catalogs = {c.key: c for c in Catalog.objects.filter(key__in=_CATALOG_KEYS)}

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)


_USERNAMES = [
    "nisc-auditor",
    "ipa-auditor",
    "mhlw-officer",
    "meti-officer",
    "pmda-officer",
    "da-officer",
    "tokyo-officer",
]
_SYSTEM_CODES = [
    "mhlw-case-records",
    "da-portal",
    "pmda-review",
    "mhlw-joint-benefits",
    "meti-statistics",
    "tokyo-resident-registry",
]
_CATALOG_KEYS = [
    "demo-common-standards",
    "demo-da-development-policy",
    "demo-mic-local-government-guideline",
]


def existing(kind: str, auditee, title_end: str) -> Audit | None:
    """A demo audit loaded before (in any year): the first of a line of cycles."""
    return Audit.objects.filter(
        kind=kind, auditee=auditee, title__endswith=title_end, previous__isnull=True
    ).first()


def record(
    actor: User | None, audit: Audit, system: str, rows: dict[str, tuple], *, claims: bool
) -> None:
    """``rows``: control label → (status, note) for the auditee's claim or the auditor's
    result; the labels left out are not touched."""
    names = ("claimed", "claim_note") if claims else ("status", "note")
    entries = [
        {"system": system, "control": label, names[0]: status, names[1]: note}
        for label, (status, note) in rows.items()
    ]
    services.results_record(actor=actor, audit=audit, entries=entries)


def labels(audit: Audit) -> list[str]:
    return list(audit.results.order_by("position").values_list("control__label", flat=True))


def controls(audit: Audit, *labels: str):
    return [
        r.control for r in audit.results.select_related("control").filter(control__label__in=labels)
    ]


def complete(actor: User | None, audit: Audit, stage: str) -> None:
    services.stage_update(actor=actor, stage=audit.stages.get(stage=stage), completed=True)


def pdf(lines: list[str]) -> bytes:
    """A tiny one-page PDF (ASCII text, built by hand with a correct cross-reference table)."""
    text = "BT /F1 12 Tf 72 760 Td 16 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines
    )
    stream = text.encode("ascii") + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
