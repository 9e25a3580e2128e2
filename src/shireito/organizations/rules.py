"""The mandate engine's rules and reasons in the reader's language.

An answer names the rule that decided it as a stable citation (``digital-agency v1 › audits ›
service-assurance``): stored with an audit or a report and given by the API as it is. People
read it through ``rule_label``: the model's title, the section and what the entry says, in
their language. A refusal's reason is a message of our catalog with parameters, rendered
when it is shown (``reason``), so the same answer reads in Japanese or in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from django.utils.functional import lazy
from django.utils.translation import get_language, gettext, gettext_lazy

from shireito.organizations.choices import MandateKind, SystemCategory
from shireito.organizations.governance import GovernanceModel, GovernanceModelError, load_model
from shireito.organizations.relations import token_label

CITATION = re.compile(
    r"^(?P<model>[a-z0-9-]+) v(?P<version>\d+) › (?P<section>[a-z_]+) › (?P<item>.+)$"
)
SECTION_LABELS = {
    "audits": gettext_lazy("audit mandates"),
    "builds": gettext_lazy("who builds"),
    "coordination": gettext_lazy("coordination of the move to standard-conformant systems"),
    "report_routes": gettext_lazy("report routes"),
}


def english() -> bool:
    return (get_language() or "").startswith("en")


def model_title(model: GovernanceModel) -> str:
    """The model's title in the reader's language (never its key)."""
    return model.title_en if english() else model.title


def model_name(model: GovernanceModel, version: int | str | None = None) -> str:
    """The model's title and version, as a rule names it."""
    return gettext("%(title)s (version %(version)s)") % {
        "title": model_title(model),
        "version": model.version if version is None else version,
    }


def _render(text: str, params: Mapping[str, object]) -> str:
    values = {k: v() if callable(v) else str(v) for k, v in params.items()}
    return gettext(text) % values


_lazy_render = lazy(_render, str)


def reason(text: str, **params: str | Callable[[], str]) -> str:
    """A message of our catalog (marked with ``gettext_noop`` where it is written) with its
    parameters, translated only when it is shown; a callable parameter is called then too,
    so that it also reads in the reader's language."""
    return _lazy_render(text, params)


def _audit_label(model: GovernanceModel, key: str) -> str:
    mandates = [*model.audits]
    if model.open_question:
        for option in model.open_question.options.values():
            mandates += option
    mandate = next((m for m in mandates if m.key == key), None)
    if mandate is None:
        return key
    return gettext("%(kind)s by %(auditor)s") % {
        "kind": MandateKind(mandate.kind).label,
        "auditor": token_label(mandate.auditor, model),
    }


def _coordination_label(model: GovernanceModel, key: str) -> str:
    entry = next((c for c in model.coordination if c.key == key), None)
    if entry is None:
        return key
    return gettext("%(coordinator)s, for %(subjects)s") % {
        "coordinator": token_label(entry.coordinator, model),
        "subjects": ", ".join(token_label(s, model) for s in entry.subjects),
    }


def _item_label(model: GovernanceModel, section: str, item: str) -> str:
    if section == "audits":
        return _audit_label(model, item)
    if section == "coordination":
        return _coordination_label(model, item)
    if section == "builds" and item in SystemCategory.values:
        return str(SystemCategory(item).label)
    if section == "report_routes":
        try:
            return gettext("reports of %(reporter)s") % {"reporter": token_label(item, model)}
        except ValueError:
            return item
    return item


def rule_label(rule: object) -> str:
    """A rule as people read it: ``デジタル庁設置後（第1版） › 監査の権限 › …``. A reason, or a
    citation of a model this deployment no longer ships, is shown as it is."""
    text = str(rule)
    found = CITATION.match(text)
    if found is None or found["section"] not in SECTION_LABELS:
        return text
    try:
        model = load_model(found["model"])
    except GovernanceModelError:
        return text
    return " › ".join(
        [
            model_name(model, found["version"]),
            str(SECTION_LABELS[found["section"]]),
            _item_label(model, found["section"], found["item"]),
        ]
    )
