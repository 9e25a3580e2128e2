"""Which mandate lets an auditor audit a set of systems, and who entrusts it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shireito.audits.choices import AuditKind
from shireito.organizations.mandates import MandateEngine, SystemRef, active_engine
from shireito.organizations.models import Organization
from shireito.organizations.rules import rule_label
from shireito.registry.models import InformationSystem
from shireito.standards.models import Catalog


@dataclass(frozen=True)
class ScopeEntry:
    system: InformationSystem
    baseline: Catalog
    selection: tuple[str, ...] = ()


# --- mandates --------------------------------------------------------------------------


@dataclass(frozen=True)
class MandateFinding:
    """What the engine allowed for an audit: under which mandate, and who entrusted it."""

    mandate_key: str
    rule: str
    auditor: Organization
    entrusting: Organization | None


def check_mandate(
    *,
    kind: str,
    auditor: Organization,
    systems: Sequence[InformationSystem],
    engine: MandateEngine | None = None,
) -> MandateFinding:
    """Refuse, naming the rule, unless one audit mandate lets ``auditor`` audit every system
    with an audit of ``kind``. When the holder of an entrusted mandate (the national centre)
    plans the audit, the body it is entrusted to carries it out."""
    engine = engine or active_engine()
    decisions = []
    for system in systems:
        ref = SystemRef(owner=system.owner, category=system.category, builder=system.builder)
        decision = engine.may_audit(auditor, ref, kind)
        if not decision.allowed:
            available = sorted({str(d.kind) for d in engine.audit_decisions(auditor, ref)})
            message = _(
                "%(system)s: no mandate lets %(auditor)s carry out a %(kind)s (%(rule)s)"
            ) % {
                "system": system.code,
                "auditor": auditor.code,
                "kind": AuditKind(kind).label,
                "rule": decision.rule,
            }
            if available:
                message += " " + _("Mandates it holds for this system: %s.") % ", ".join(
                    str(AuditKind(k).label) for k in available
                )
            raise ValidationError({"systems": message})
        decisions.append(decision)
    keys = sorted({d.mandate or "" for d in decisions})
    first = decisions[0]
    mandate = next((m for m in engine.audit_mandates if m.key == first.mandate), None)
    entrusting = None
    if first.capacity == "entrusting" and mandate and mandate.entrusted_to:
        holders = engine.holders(str(mandate.entrusted_to).split(":", 1)[1])
        if not holders:
            raise ValidationError(
                {
                    "auditor": _("Nobody holds the role this audit is entrusted to (%s).")
                    % rule_label(first.rule)
                }
            )
        entrusting, auditor = auditor, holders[0]
    elif first.capacity == "entrusted" and mandate:
        holders = engine.holders(str(mandate.auditor).split(":", 1)[1])
        entrusting = holders[0] if holders else None
    return MandateFinding(", ".join(keys), first.rule, auditor, entrusting)
