"""A report's indicators of compromise: each checked to be expressible as a STIX pattern
before it is stored, so the export never has to drop one."""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shireito.core.services import is_unstorable, record_audit_event
from shireito.incidents.choices import IndicatorKind
from shireito.incidents.models import Indicator
from shireito.incidents.stix import pattern_problem

if TYPE_CHECKING:
    from shireito.accounts.models import User

HASH_LENGTHS: dict[str, int] = {IndicatorKind.SHA256: 64, IndicatorKind.MD5: 32}


def indicator_problem(kind: str, value: str) -> str | None:
    """Why ``value`` is not an indicator of ``kind`` (None when it is): the export turns each
    into a STIX pattern, so a value that cannot become one is refused here, not dropped later."""

    if kind in HASH_LENGTHS and not re.fullmatch(rf"[0-9a-fA-F]{{{HASH_LENGTHS[kind]}}}", value):
        return _("Give %(count)d hexadecimal characters.") % {"count": HASH_LENGTHS[kind]}
    if kind in (IndicatorKind.IPV4, IndicatorKind.IPV6):
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            network = None
        if network is None or network.version != (4 if kind == IndicatorKind.IPV4 else 6):
            return _("This is not an IP address of that version.")
    if kind == IndicatorKind.DOMAIN and not re.fullmatch(
        r"(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]{1,63}\.?",
        value,
    ):
        return _("This is not a domain name.")
    if kind == IndicatorKind.EMAIL and not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
        return _("This is not an e-mail address.")
    if pattern_problem(kind, value):
        return _("This value cannot be expressed as a STIX pattern.")
    return None


def indicators_clean(indicators: list[dict]) -> list[tuple]:
    """Each indicator checked and tidied, as (kind, value, description, shareable); one
    ``ValidationError`` names every bad one (``indicators[2].value``)."""
    errors = {}
    cleaned = []
    for index, item in enumerate(indicators):
        kind = item.get("kind")
        value = str(item.get("value") or "").strip()
        if kind not in IndicatorKind.values:
            errors[f"indicators[{index}].kind"] = _("Choose one of: %s.") % ", ".join(
                IndicatorKind.values
            )
        if not value:
            errors[f"indicators[{index}].value"] = _("Give a value.")
        elif len(value) > 2000:
            errors[f"indicators[{index}].value"] = _("At most 2000 characters.")
        elif is_unstorable(value):
            errors[f"indicators[{index}].value"] = _(
                "The text holds a character that cannot be stored (NUL)."
            )
        elif kind in IndicatorKind.values:
            problem = indicator_problem(kind, value)
            if problem:
                errors[f"indicators[{index}].value"] = problem
        description = str(item.get("description") or "").strip()[:500]
        if is_unstorable(description):
            errors[f"indicators[{index}].description"] = _(
                "The text holds a character that cannot be stored (NUL)."
            )
        cleaned.append(
            (
                kind,
                value,
                description,
                bool(item.get("shareable", True)),
            )
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _replace_indicators(report, indicators: list[dict], actor: User | None = None) -> bool:
    """Set the report's indicators to ``indicators``; True if anything changed."""
    cleaned = indicators_clean(indicators)
    before = [(i.kind, i.value, i.description, i.shareable) for i in report.indicators.all()]
    if before == cleaned:
        return False
    report.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(report=report, kind=str(k), value=v, description=d, shareable=s)
        for k, v, d, s in cleaned
    )
    record_audit_event(
        actor=actor,
        action="update",
        instance=report,
        changes={"indicators": [[list(b) for b in before], [list(c) for c in cleaned]]},
    )
    return True


# --- submitting and the route -------------------------------------------------------------------
