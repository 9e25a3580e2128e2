"""A STIX 2.1 object as a person reads it: its kind and title in words, and its common
properties as labelled rows (times, references, markings); the JSON stays one link away.
Property names and type names are the protocol's, so each shown one has a translated label;
what has none is left to the JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shireito.sharing.choices import Tlp
from shireito.sharing.stix import parse_timestamp
from shireito.sharing.tlp import LEVEL_OF_MARKING

TYPE_LABELS = {
    "attack-pattern": _("attack pattern"),
    "campaign": _("campaign"),
    "course-of-action": _("course of action"),
    "extension-definition": _("extension definition"),
    "grouping": _("grouping"),
    "identity": _("identity"),
    "incident": _("incident"),
    "indicator": _("indicator"),
    "infrastructure": _("infrastructure"),
    "intrusion-set": _("intrusion set"),
    "location": _("location"),
    "malware": _("malware"),
    "malware-analysis": _("malware analysis"),
    "marking-definition": _("marking definition"),
    "note": _("note"),
    "observed-data": _("observed data"),
    "opinion": _("opinion"),
    "relationship": _("relationship"),
    "report": _("report"),
    "sighting": _("sighting"),
    "threat-actor": _("threat actor"),
    "tool": _("tool"),
    "vulnerability": _("vulnerability"),
}

# Shown in this order when the object has them.
TEXT_PROPERTIES = [
    ("name", _("Name")),
    ("description", _("Description")),
    ("abstract", _("Abstract")),
    ("content", _("Content")),
    ("pattern", _("Pattern")),
    ("pattern_type", _("Pattern language")),
    ("identity_class", _("Identity class")),
    ("sectors", _("Sectors")),
    ("indicator_types", _("Indicator types")),
    ("report_types", _("Report types")),
    ("labels", _("Labels")),
    ("confidence", _("Confidence")),
    ("relationship_type", _("Relationship")),
    ("count", _("Count")),
    ("number_observed", _("Times observed")),
]
TIME_PROPERTIES = [
    ("published", _("Published")),
    ("valid_from", _("Valid from")),
    ("valid_until", _("Valid until")),
    ("first_seen", _("First seen")),
    ("last_seen", _("Last seen")),
    ("first_observed", _("First observed")),
    ("last_observed", _("Last observed")),
    ("created", _("Created")),
    ("modified", _("Modified")),
]
REFERENCE_PROPERTIES = [
    ("created_by_ref", _("Created by")),
    ("source_ref", _("Source")),
    ("target_ref", _("Target")),
    ("sighting_of_ref", _("Sighting of")),
    ("object_refs", _("Objects referred to")),
    ("observed_data_refs", _("Observed data")),
    ("where_sighted_refs", _("Where sighted")),
]


def type_label(stix_type: str) -> str:
    return str(TYPE_LABELS.get(stix_type, stix_type))


def title_of(body: dict) -> str:
    """What a list shows for an object: its name, else its pattern, else its kind."""
    for key in ("name", "abstract", "pattern"):
        if isinstance(body.get(key), str) and body[key].strip():
            return body[key].strip()
    return type_label(str(body.get("type", "")))


@dataclass(frozen=True)
class Row:
    label: str
    kind: str  # "text", "code", "vocabulary", "list", "time", "refs", "links"
    value: Any


def _time(value: Any) -> dt.datetime | None:
    try:
        return timezone.localtime(parse_timestamp(str(value)))
    except (ValueError, TypeError):
        return None


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# STIX vocabulary terms (English, as the specification writes them) and patterns (code).
VOCABULARY = frozenset(
    {
        "pattern_type",
        "identity_class",
        "sectors",
        "indicator_types",
        "report_types",
        "relationship_type",
    }
)


def rows_of(body: dict) -> list[Row]:
    """The object's properties that have a label, in reading order."""
    rows: list[Row] = []
    for key, label in TEXT_PROPERTIES:
        if body.get(key) not in (None, "", []):
            kind = "code" if key == "pattern" else "vocabulary" if key in VOCABULARY else "text"
            rows.append(Row(str(label), kind, _text(body[key])))
    for key, label in TIME_PROPERTIES:
        moment = _time(body[key]) if key in body else None
        if moment is not None:
            rows.append(Row(str(label), "time", moment))
    for key, label in REFERENCE_PROPERTIES:
        refs = body.get(key)
        if refs:
            rows.append(Row(str(label), "refs", refs if isinstance(refs, list) else [refs]))
    markings = [
        str(Tlp(LEVEL_OF_MARKING[ref]).label)
        for ref in body.get("object_marking_refs") or ()
        if ref in LEVEL_OF_MARKING
    ]
    if markings:
        rows.append(Row(str(_("Markings")), "list", sorted(set(markings))))
    links = [
        {
            "name": ref.get("source_name", ""),
            "id": ref.get("external_id", ""),
            "url": ref.get("url", "") if str(ref.get("url", "")).startswith("https://") else "",
        }
        for ref in body.get("external_references") or ()
        if isinstance(ref, dict)
    ]
    if links:
        rows.append(Row(str(_("External references")), "links", links))
    phases = [
        f"{p.get('kill_chain_name', '')}: {p.get('phase_name', '')}"
        for p in body.get("kill_chain_phases") or ()
        if isinstance(p, dict)
    ]
    if phases:
        rows.append(Row(str(_("Kill chain phases")), "list", phases))
    return rows
