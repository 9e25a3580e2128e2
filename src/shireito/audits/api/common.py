"""What the audit endpoints share: the router, the scoped lookups (404 for who is no
party) and the names in a request resolved to objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.utils.translation import gettext as _
from ninja import Router

from shireito.accounts.selectors import user_get
from shireito.audits import selectors
from shireito.audits.models import Audit, CorrectiveAction, Evidence, Finding
from shireito.core.pages import get_or_404, id_or_404
from shireito.organizations.selectors import organization_get
from shireito.registry.selectors import system_list
from shireito.standards.selectors import catalog_get, catalog_headings

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization
    from shireito.standards.models import Catalog

router = Router(tags=["audits"])


# The columns a result row answers with, read straight from the database: a whole catalog's
# results list in one query, with no model instances built.
RESULT_COLUMNS = {
    "system_code": F("system__code"),
    "control_label": F("control__label"),
    "control_oscal_id": F("control__oscal_id"),
    "control_title": F("control__title"),
}
RESULT_FIELDS = (
    "id",
    "status",
    "note",
    "claimed",
    "claim_note",
    "previous_status",
    "updated_at",
    "version",
)


# --- lookups -------------------------------------------------------------------------------


def audit_or_404(request, number: str) -> Audit:
    return get_or_404(selectors.audit_get(user=request.auth, number=number))


def with_scope(audits):
    baselines = catalog_headings()
    return audits.select_related("previous").prefetch_related(
        "scope_items__system", Prefetch("scope_items__baseline", queryset=baselines)
    )


def audit_out(request, number: str) -> Audit:
    """The audit as the API answers with it: its scope and previous cycle loaded."""
    return get_or_404(
        with_scope(
            selectors.audit_list(user=request.auth, self_assessment=None).filter(number=number)
        ).first()
    )


def organization_named(user: User, code: str | None, field: str) -> Organization | None:
    if not code:
        return None
    organization = organization_get(user=user, code=code)
    if organization is None:
        raise ValidationError({field: _("No organization has the code %s.") % code})
    return organization


def systems_named(user: User, codes: list[str], field: str = "systems") -> list:
    found = {s.code: s for s in system_list(user=user).filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError({field: _("Unknown system ids: %s") % ", ".join(missing)})
    return [found[code] for code in dict.fromkeys(codes)]


def catalog_named(user: User, key: str, field: str = "baseline") -> Catalog:
    catalog = catalog_get(user=user, key=key)
    if catalog is None:
        raise ValidationError({field: _("No catalog has the key %s.") % key})
    return catalog


def lead_named(user: User, username: str | None) -> User | None:
    if not username:
        return None
    lead = user_get(user=user, username=username)
    if lead is None:
        raise ValidationError({"lead": _("No user has the name %s.") % username})
    return lead


def scope_systems(audit: Audit, codes: list[str]) -> list:
    in_scope = {item.system.code: item.system for item in selectors.scope_of(audit)}
    missing = [code for code in codes if code not in in_scope]
    if missing:
        raise ValidationError({"systems": _("Not in this audit's scope: %s") % ", ".join(missing)})
    return [in_scope[code] for code in dict.fromkeys(codes)]


def scope_controls(user: User, audit: Audit, ids: list[str]) -> list:
    """Controls of the audit's baselines named by published id or OSCAL id."""
    controls, missing = selectors.baseline_controls(user=user, audit=audit, ids=ids)
    if missing:
        raise ValidationError(
            {"controls": _("Not controls of this audit's baselines: %s") % ", ".join(missing)}
        )
    return controls


def finding_or_404(request, audit: Audit, number: int) -> Finding:
    return get_or_404(
        selectors.finding_get(user=request.auth, audit=audit, number=id_or_404(number))
    )


def action_or_404(request, audit: Audit, action_id: int) -> CorrectiveAction:
    return get_or_404(
        selectors.action_get(user=request.auth, audit=audit, action_id=id_or_404(action_id))
    )


def evidence_or_404(request, audit: Audit, evidence_id: int) -> Evidence:
    return get_or_404(
        selectors.evidence_of(user=request.auth, audit=audit)
        .filter(pk=id_or_404(evidence_id))
        .first()
    )
