"""A STIX 2.1 bundle as a new draft incident report.

The bundle is checked first, whole, with stix2-validator: every problem is named by the object
(its index in ``objects``, its type and id) and the property, as a JSON path such as
``$.objects[2].pattern``. Then it must hold exactly one ``incident`` and nothing we cannot map;
then it becomes one draft through ``services.report_create``: every object or none.

What is read:

* the incident: ``name`` → title, ``description`` → narrative, and our extension's (or
  ``x_shireito_*`` properties') category, impact, impact description, detected/aware times,
  personal data and its count, malice and ransom time; a bundle from elsewhere without them
  gives category ``other``;
* each indicator with a STIX pattern → an indicator (the reverse of ``stix.pattern_of``; a
  pattern that is not one simple comparison is kept whole as kind ``stix_pattern``), with our
  extension's ``shareable`` flag (shareable unless it says otherwise);
* the TLP: the most restrictive TLP marking in the bundle (``sharing.tlp.level_of``, or the
  marking definition's own TLP 1.0/2.0 content), AMBER when there is none.

Identities, reports, notes, sightings, observed data and their cyber-observables are read as
context and not imported (the draft starts its own timeline), and affected systems never come
from a bundle: the reporter chooses them from its own portfolio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shireito.core import uploads
from shireito.core.parsing import decode_problem, json_problem
from shireito.core.problems import Problem, ProblemsError
from shireito.incidents import services, stix
from shireito.incidents.choices import Impact, IncidentCategory
from shireito.incidents.models import IncidentReport
from shireito.sharing.choices import TLP_RANK, Tlp
from shireito.sharing.stix import marking_refs_of, parse_json
from shireito.sharing.tlp import TLP2_EXTENSION_ID, level_of

if TYPE_CHECKING:
    from shireito.accounts.models import User

MAX_BYTES = uploads.limit_of("SHIREITO_STIX_MAX_BYTES")
# Each object is validated on its own (a few ms each): a report with a thousand indicators
# exports about 4,000 objects.
MAX_OBJECTS = 5_000
MAX_PROBLEMS = 500

# Types a bundle may hold: what we import, and what we read as context.
IMPORTED_TYPES = ("incident", "indicator")
CONTEXT_TYPES = (
    "identity",
    "report",
    "note",
    "sighting",
    "observed-data",
    "marking-definition",
    "extension-definition",
    "ipv4-addr",
    "ipv6-addr",
    "domain-name",
    "url",
    "email-addr",
    "file",
)

# The incident's fields a bundle may set (our extension, or x_shireito_<name>), with their type.
INCIDENT_FIELDS = {
    "category": "choice",
    "impact": "choice",
    "impact_description": "text",
    "detected_at": "time",
    "aware_at": "time",
    "personal_data": "bool",
    "personal_data_count": "count",
    "malicious": "bool",
    "ransom_paid_at": "time",
}
_CHOICES = {"category": IncidentCategory, "impact": Impact}
_TLP1 = {"white": Tlp.CLEAR, "clear": Tlp.CLEAR, "green": Tlp.GREEN, "amber": Tlp.AMBER}
_TLP1["red"] = Tlp.RED
_TLP2 = {
    "clear": Tlp.CLEAR,
    "green": Tlp.GREEN,
    "amber": Tlp.AMBER,
    "amber+strict": Tlp.AMBER_STRICT,
    "red": Tlp.RED,
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOCATION = re.compile(r"^(?P<loc>[^\s:]+(?:\[\d+\])*): (?P<rest>.+)$", re.DOTALL)


@dataclass(frozen=True)
class BundleProblem(Problem):
    """A problem at ``path``, with the object it is in (index in ``objects``, type and id) and
    the property, for pages that list problems by object."""

    index: int | None = None
    object_type: str = ""
    object_id: str = ""
    property: str = ""
    detail: str = ""  # the message without the object's name


def _join(base: str, key: str) -> str:
    return f"{base}.{key}" if _IDENTIFIER.match(key) else f"{base}['{key}']"


def _loc_path(base: str, loc: str) -> str:
    path = base
    for token in re.findall(r"\[\d+\]|[^.\[\]]+", loc):
        path = path + token if token.startswith("[") else _join(path, token)
    return path


class _Problems:
    def __init__(self, objects: list):
        self.objects = objects
        self.items: list[BundleProblem] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, path: str, message: str, *, index=None, prop: str = "") -> None:
        if (path, message) in self._seen or len(self.items) >= MAX_PROBLEMS:
            return
        self._seen.add((path, message))
        obj = self.objects[index] if index is not None and index < len(self.objects) else {}
        obj = obj if isinstance(obj, dict) else {}
        object_type = str(obj.get("type", ""))
        object_id = str(obj.get("id", ""))
        named = f"{object_type} {object_id}".strip()
        self.items.append(
            BundleProblem(
                path=path,
                message=f"{named}: {message}" if named else message,
                index=index,
                object_type=object_type,
                object_id=object_id,
                property=prop,
                detail=message,
            )
        )

    def at(self, index: int, prop: str, message: str) -> None:
        self.add(
            _loc_path(f"$.objects[{index}]", prop) if prop else f"$.objects[{index}]",
            message,
            index=index,
            prop=prop,
        )

    def __bool__(self) -> bool:
        return bool(self.items)


# --- reading and validating ------------------------------------------------------------------


def read_bundle_upload(upload) -> bytes:
    """An uploaded bundle's bytes, refused by size before it is read (a field error)."""
    try:
        return uploads.read_capped(upload, limit=MAX_BYTES)
    except uploads.FileRefused as exc:
        raise ValidationError({"file": str(exc)}) from exc


def _parse(data, location: str) -> dict:
    if isinstance(data, dict):
        return data
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_BYTES:
            raise ProblemsError(
                [Problem("$", _("The bundle is larger than %d MB.") % (MAX_BYTES // 2**20))],
                location=location,
            )
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ProblemsError(
                [Problem("$", decode_problem(exc, what=_("The bundle")))], location=location
            ) from None
    try:
        parsed = parse_json(data)
    except RecursionError:
        raise ProblemsError(
            [Problem("$", _("The bundle is nested too deeply."))], location=location
        ) from None
    except ValueError as exc:
        raise ProblemsError(
            [Problem("$", json_problem(exc, what=_("The bundle")))], location=location
        ) from None
    except TypeError:
        raise ProblemsError([Problem("$", _("Not JSON."))], location=location) from None
    if not isinstance(parsed, dict):
        raise ProblemsError([Problem("$", _("Give a STIX bundle object."))], location=location)
    return parsed


def _envelope(bundle: dict, location: str) -> list:
    problems = []
    if bundle.get("type") != "bundle":
        problems.append(Problem("$.type", _('A STIX bundle has "type": "bundle".')))
    if not isinstance(bundle.get("id"), str) or not re.match(
        r"^bundle--[0-9a-fA-F-]{36}$", bundle.get("id", "")
    ):
        problems.append(Problem("$.id", _("A bundle's id is bundle--<UUID>.")))
    objects = bundle.get("objects")
    if not isinstance(objects, list) or not objects:
        problems.append(Problem("$.objects", _("The bundle holds no objects.")))
    elif len(objects) > MAX_OBJECTS:
        problems.append(Problem("$.objects", _("At most %d objects in one bundle.") % MAX_OBJECTS))
    if problems or not isinstance(objects, list):
        raise ProblemsError(problems, location=location)
    return objects


def _property_of(obj: dict, message: str) -> tuple[str, str]:
    """The property a validator message is about (a location path, or ""), and the message."""
    match = _LOCATION.match(message)
    if match:
        head = re.split(r"[.\[]", match["loc"], maxsplit=1)[0]
        if head in obj:
            return match["loc"], match["rest"]
    required = re.match(r"^'([^']+)' is a required property", message)
    if required:
        return required[1], message
    if message.startswith("Pattern failed to validate") or "in pattern" in message:
        return "pattern", message
    for quoted in re.findall(r"'([A-Za-z_][A-Za-z0-9_]*)'", message):
        if quoted in obj:
            return quoted, message
    return "", message


def _validate(objects: list, problems: _Problems) -> None:
    # Imported here: stix2-validator compiles an IRI grammar on import (seconds of CPU), which
    # every start of the server and of each command would otherwise pay.
    from stix2validator import ValidationOptions, validate_instance
    from stix2validator.errors import ValidationError as StixValidatorError

    options = ValidationOptions(version="2.1", strict=False, silent=True)
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict) or "type" not in obj or "id" not in obj:
            problems.at(index, "", _("Each object needs a type and an id."))
            continue
        try:
            result = validate_instance(obj, options)
        except StixValidatorError as exc:
            problems.at(index, "", str(exc))
            continue
        except Exception as exc:
            problems.at(index, "", _("The object could not be checked: %s") % exc)
            continue
        for error in result.errors:
            message = str(error)
            prefix = f"{obj['id']}: "
            while message.startswith(prefix):
                message = message[len(prefix) :]
            message = re.sub(r"^\{\d+\}\s*", "", message)
            prop, rest = _property_of(obj, message)
            problems.at(index, prop, rest)


# --- mapping ---------------------------------------------------------------------------------


def _tlp(objects: list) -> str:
    """The most restrictive TLP marking in the bundle; AMBER when there is none."""
    by_content: dict[str, str] = {}
    for obj in objects:
        if obj.get("type") != "marking-definition":
            continue
        definition = obj.get("definition") or {}
        if obj.get("definition_type") == "tlp" and definition.get("tlp") in _TLP1:
            by_content[obj["id"]] = _TLP1[definition["tlp"]]
        tlp2 = ((obj.get("extensions") or {}).get(TLP2_EXTENSION_ID) or {}).get("tlp_2_0")
        if tlp2 in _TLP2:
            by_content[obj["id"]] = _TLP2[tlp2]
    levels = []
    for obj in objects:
        refs = marking_refs_of(obj) if isinstance(obj, dict) else []
        known = level_of(refs)
        if known:
            levels.append(known)
        levels += [by_content[ref] for ref in refs if ref in by_content]
    return max(levels, key=TLP_RANK.__getitem__) if levels else str(Tlp.AMBER)


def _our_properties(obj: dict, index: int, names) -> dict[str, tuple[object, str]]:
    """``{name: (value, JSON path)}`` of our extension's (or x_shireito_*) properties."""
    found = {}
    extension = (obj.get("extensions") or {}).get(stix.EXTENSION_ID) or {}
    base = f"$.objects[{index}]"
    for name in names:
        if name in extension:
            found[name] = (extension[name], f"{base}.extensions['{stix.EXTENSION_ID}'].{name}")
        elif f"x_shireito_{name}" in obj:
            found[name] = (obj[f"x_shireito_{name}"], f"{base}.x_shireito_{name}")
    return found


def _incident_fields(obj: dict, index: int, problems: _Problems) -> tuple[dict, dict]:
    """The report's fields from the incident and the JSON path each came from."""
    base = f"$.objects[{index}]"
    fields: dict = {"category": str(IncidentCategory.OTHER)}
    paths = {"title": f"{base}.name", "narrative": f"{base}.description", "category": base}
    title = str(obj.get("name") or "").strip()
    if len(title) > 200:
        problems.at(index, "name", _("At most 200 characters: the title is longer."))
    fields["title"] = title
    fields["narrative"] = str(obj.get("description") or "")
    for name, (value, path) in _our_properties(obj, index, INCIDENT_FIELDS).items():
        paths[name] = path
        kind = INCIDENT_FIELDS[name]
        bad = None
        if kind == "choice":
            if value not in _CHOICES[name].values:
                bad = _("Choose one of: %s.") % ", ".join(_CHOICES[name].values)
        elif kind == "text":
            if not isinstance(value, str):
                bad = _("Give text.")
        elif kind == "bool":
            if not isinstance(value, bool):
                bad = _("Give true or false.")
        elif kind == "count":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                bad = _("Give a whole number, zero or more.")
        elif kind == "time":
            try:
                value = stix.parse_stamp(value)
            except (TypeError, ValueError):
                bad = _("Give a STIX timestamp (UTC, ending in Z).")
        if bad:
            problems.add(path, bad, index=index, prop=name)
            continue
        fields[name] = value
    return fields, paths


def _indicator(obj: dict, index: int, problems: _Problems) -> dict | None:
    if obj.get("pattern_type") != "stix":
        problems.at(index, "pattern_type", _("Only STIX patterns can be imported."))
        return None
    pattern = obj.get("pattern")
    if not isinstance(pattern, str):
        return None  # the validator has named it
    kind, value = stix.indicator_of(pattern)
    if len(value) > 2000:
        problems.at(index, "pattern", _("At most 2000 characters."))
        return None
    ours = _our_properties(obj, index, ("shareable", "generated_description"))
    shareable = ours.get("shareable", (True, ""))[0]
    if not isinstance(shareable, bool):
        problems.add(ours["shareable"][1], _("Give true or false."), index=index)
        return None
    generated = ours.get("generated_description", (False, ""))[0] is True
    description = "" if generated else str(obj.get("description") or "")
    if len(description) > 500:
        problems.at(index, "description", _("At most 500 characters."))
        return None
    return {"kind": kind, "value": value, "description": description, "shareable": shareable}


def _map(objects: list, problems: _Problems) -> tuple[dict, list[dict], dict]:
    incidents = [i for i, obj in enumerate(objects) if obj.get("type") == "incident"]
    for index, obj in enumerate(objects):
        kind = obj.get("type")
        if kind not in IMPORTED_TYPES and kind not in CONTEXT_TYPES:
            problems.at(
                index,
                "type",
                _(
                    "Objects of type %(type)s cannot be mapped to an incident report. A bundle "
                    "holds one incident, its indicators, and as context identities, reports, "
                    "notes, sightings, observed data (%(observables)s) and marking definitions."
                )
                % {
                    "type": kind,
                    "observables": ", ".join(CONTEXT_TYPES[7:]),
                },
            )
    if not incidents:
        problems.add("$.objects", _("The bundle has no incident object: give exactly one."))
        return {}, [], {}
    if len(incidents) > 1:
        for index in incidents[1:]:
            problems.at(
                index,
                "",
                _(
                    "The bundle holds %(count)d incidents; one bundle makes one report, so give "
                    "exactly one incident."
                )
                % {"count": len(incidents)},
            )
    fields, paths = _incident_fields(objects[incidents[0]], incidents[0], problems)
    indicators, indicator_paths = [], []
    for index, obj in enumerate(objects):
        if obj.get("type") == "indicator":
            found = _indicator(obj, index, problems)
            if found is not None:
                indicators.append(found)
                indicator_paths.append(f"$.objects[{index}]")
    fields["tlp"] = _tlp(objects)
    paths["indicators"] = indicator_paths
    return fields, indicators, paths


def _service_problems(exc: ValidationError, paths: dict, objects: list) -> list[BundleProblem]:
    """The services' errors (named by report field) at the bundle's JSON paths."""
    problems = _Problems(objects)
    for field, messages in exc.message_dict.items():
        match = re.match(r"^indicators\[(\d+)\]\.(\w+)$", field)
        if match and int(match[1]) < len(paths.get("indicators", [])):
            path = paths["indicators"][int(match[1])] + ".pattern"
        else:
            path = paths.get(field, "$") if field != "__all__" else "$"
        index = re.match(r"^\$\.objects\[(\d+)\]", path)
        for message in messages:
            problems.add(path, message, index=int(index[1]) if index else None, prop=field)
    return problems.items


def import_bundle(*, actor: User, data, location: str = "body", now=None) -> IncidentReport:
    """A new draft from a STIX 2.1 bundle (bytes, text or a parsed dict), or ProblemsError
    naming every problem by its JSON path, with nothing written."""
    bundle = _parse(data, location)
    objects = _envelope(bundle, location)
    problems = _Problems(objects)
    _validate(objects, problems)
    if problems:
        raise ProblemsError(problems.items, location=location)
    fields, indicators, paths = _map(objects, problems)
    if problems:
        raise ProblemsError(problems.items, location=location)
    try:
        return services.report_create(actor=actor, indicators=indicators, now=now, **fields)
    except ValidationError as exc:
        raise ProblemsError(_service_problems(exc, paths, objects), location=location) from exc
