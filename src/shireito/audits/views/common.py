"""What every audit page shares: the scoped lookups (404 for who is no party) and a
service's refusal shown on a form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from shireito.audits import selectors
from shireito.audits.models import Audit, Finding
from shireito.core.pages import get_or_404, id_or_404

if TYPE_CHECKING:
    from shireito.accounts.models import User


def audit_or_404(user: User, number: str) -> Audit:
    return get_or_404(selectors.audit_get(user=user, number=number))


def finding_or_404(user: User, audit: Audit, number: Any) -> Finding:
    return get_or_404(selectors.finding_get(user=user, audit=audit, number=id_or_404(number)))


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
