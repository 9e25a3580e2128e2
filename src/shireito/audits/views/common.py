"""What every audit page shares: the scoped lookups (404 for who is no party) and a
service's refusal shown on a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
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


def service_errors(
    form: forms.BaseForm, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """A service's refusal on the form: beside the field it names when the form has it
    (``milestones[2]`` goes to ``milestones``), otherwise above the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages_ in error.message_dict.items():
        target = (aliases or {}).get(name, name).split("[", 1)[0]
        for message in messages_:
            form.add_error(target if target in form.fields else None, message)


def run(
    form: forms.BaseForm, action: Callable[[dict], Any], aliases: dict[str, str] | None = None
) -> tuple[bool, Any]:
    """``core.pages.submit`` for services whose errors name list items (``milestones[2]``)
    or fields by another name (``aliases``): one service call with a valid form's data."""
    if not form.is_bound or not form.is_valid():
        return False, None
    try:
        return True, action(form.cleaned_data)
    except ValidationError as exc:
        service_errors(form, exc, aliases)
        return False, None
