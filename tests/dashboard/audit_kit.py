"""An audit worked through to its close, for the tower's audit sections: NISC's audit of
MHLW's system, with the auditee's claims all satisfied and the auditors' results half so."""

from __future__ import annotations

from shireito.audits import services

# control → (claimed, result): two satisfied of four assessed (2.3 not applicable).
SHEET = {
    "1.1": ("satisfied", "satisfied"),
    "1.2": ("satisfied", "satisfied"),
    "2.1": ("satisfied", "partially"),
    "2.2": ("satisfied", "not_satisfied"),
    "2.3": ("not_applicable", "not_applicable"),
}


def close_with_sheet(audit, people):
    auditor, auditee = people["nisc-auditor"], people["mhlw-editor"]
    services.results_record(
        actor=auditee,
        audit=audit,
        entries=[{"system": "mhlw-app", "control": c, "claimed": v[0]} for c, v in SHEET.items()],
    )
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[{"system": "mhlw-app", "control": c, "status": v[1]} for c, v in SHEET.items()],
    )
    audit = services.audit_update(actor=auditor, audit=audit, conclusion="概ね適合")
    audit = services.audit_advance(actor=auditor, audit=audit, status="reporting")
    return services.audit_advance(actor=auditor, audit=audit, status="closed")


def list_count(client, user, href: str) -> int:
    """How many rows the list a figure links to holds, for that user."""
    client.force_login(user)
    response = client.get(href)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def cell(table, row_key: str, column: str):
    index = table.column(column)
    row = next(r for r in table.rows if r[0].value == row_key)
    return row[index]
