"""Audits, made through ``audits.services``: planned, then advanced to ``status``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from shireito.accounts.models import User
from shireito.audits import services
from shireito.audits.models import Audit
from shireito.organizations.models import Organization
from shireito.registry.models import InformationSystem
from shireito.standards.models import Catalog


def make_audit(
    *,
    actor: User,
    auditee: Organization,
    systems: Sequence[InformationSystem],
    baseline: Catalog,
    kind: str = "security_audit",
    status: str = "fieldwork",
    fiscal_year: int = 2026,
    **fields,
) -> Audit:
    """An audit led by ``actor`` over ``systems`` against ``baseline``, in ``status``
    (``planned`` leaves it as planned)."""
    audit = services.audit_create(
        actor=actor,
        kind=kind,
        auditee=auditee,
        systems=list(systems),
        baseline=baseline,
        fiscal_year=fiscal_year,
        period_start=fields.pop("period_start", dt.date(fiscal_year, 6, 1)),
        period_end=fields.pop("period_end", dt.date(fiscal_year, 12, 20)),
        lead=fields.pop("lead", actor),
        **fields,
    )
    if status != audit.status:
        audit = services.audit_advance(actor=actor, audit=audit, status=status)
    return audit
