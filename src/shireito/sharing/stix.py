"""What TAXII needs to know of a STIX 2.1 object to store it: its id, type, spec version,
version (``modified``, else ``created``, else when it was added) and TLP level, checked as
far as the TAXII envelope rules go (full STIX validation is the producer's business), plus
what readers must be able to trust: the creator it names is the writer's organisation, and an
indicator's STIX pattern parses (``stix_pattern_problem``, the one pattern check of the
platform: incident intake uses it too).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shireito.core.parsing import load_json
from shireito.core.services import is_unstorable
from shireito.sharing.choices import TLP_RANK, Tlp
from shireito.sharing.identity import PLATFORM_CREATED_TYPES, PLATFORM_IDENTITY_ID
from shireito.sharing.patterns import plainly_valid
from shireito.sharing.tlp import LEVEL_OF_MARKING, TLP2_EXTENSION_ID, level_of

SPEC_VERSION = "2.1"

_TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$", re.ASCII)
_TYPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", re.ASCII)
_SPEC_VERSION = re.compile(r"^\d+\.\d+$", re.ASCII)

# STIX 2.1 types with created and modified required (SDOs, SROs, language content and
# extension definitions); a marking definition has created only; SCOs have neither and their
# spec_version defaults to 2.1.
_CREATED_AND_MODIFIED = frozenset(
    {
        "attack-pattern",
        "campaign",
        "course-of-action",
        "extension-definition",
        "grouping",
        "identity",
        "incident",
        "indicator",
        "infrastructure",
        "intrusion-set",
        "language-content",
        "location",
        "malware",
        "malware-analysis",
        "note",
        "observed-data",
        "opinion",
        "relationship",
        "report",
        "sighting",
        "threat-actor",
        "tool",
        "vulnerability",
    }
)
_CREATED_ONLY = frozenset({"marking-definition"})
SCO_TYPES = frozenset(
    {
        "artifact",
        "autonomous-system",
        "directory",
        "domain-name",
        "email-addr",
        "email-message",
        "file",
        "ipv4-addr",
        "ipv6-addr",
        "mac-addr",
        "mutex",
        "network-traffic",
        "process",
        "software",
        "url",
        "user-account",
        "windows-registry-key",
        "x509-certificate",
    }
)


def parse_timestamp(value) -> dt.datetime:
    """A STIX/TAXII timestamp (``2026-01-02T03:04:05.678Z``, UTC, any fraction) as an aware
    datetime, to the microsecond. Raises ValueError."""
    if not isinstance(value, str):
        raise ValueError("not a string")
    if len(value) > 40:  # a long fraction: parsed, but not kept in the cache
        return _parsed_timestamp.__wrapped__(value)
    return _parsed_timestamp(value)


@functools.lru_cache(maxsize=4096)
def _parsed_timestamp(value: str) -> dt.datetime:
    """Cached: an object's created, modified and valid_from are often the same text, and a
    write's objects share a few moments."""
    match = _TIMESTAMP.match(value)
    if match is None:
        raise ValueError("not a timestamp")
    year, month, day, hour, minute, second, fraction = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return dt.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=dt.UTC
    )


def format_timestamp(value: dt.datetime) -> str:
    """A datetime as a TAXII timestamp with microsecond precision (``date_added``, the
    ``X-TAXII-Date-Added-*`` headers)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_type(value) -> bool:
    return isinstance(value, str) and 3 <= len(value) <= 250 and bool(_TYPE.match(value))


def parse_json(data):
    """JSON as the standard has it: Python's parser also takes NaN and Infinity, which no
    database stores as JSON; they raise ValueError like any other bad JSON."""
    return load_json(data, constants=False)


def is_spec_version(value) -> bool:
    return isinstance(value, str) and bool(_SPEC_VERSION.match(value))


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_identifier(value) -> bool:
    """``<type>--<UUID>``."""
    if not isinstance(value, str) or "--" not in value:
        return False
    kind, _sep, rest = value.partition("--")
    if not is_type(kind):
        return False
    return bool(_UUID.fullmatch(rest))


@dataclass(frozen=True)
class Checked:
    """An object that passed the envelope rules, with what the store indexes."""

    stix_id: str
    index: int  # in the write, for messages
    type: str
    spec_version: str
    version: dt.datetime | None  # None: stamped with date_added when stored
    version_text: str | None
    tlp: str
    body: dict


class ObjectProblem(ValueError):
    """Why one object of a write was refused: a message naming the JSON path."""

    def __init__(self, message: str, *, stix_id: str = "", version: str = ""):
        super().__init__(message)
        self.message = message
        self.stix_id = stix_id
        self.version = version


_SUSPECT = re.compile("[\ud800-\udfff]|\\\\u0000")


def _unstorable(value) -> bool:
    """NUL or a lone surrogate anywhere in the object. One serialisation answers for nearly
    every object; only one that might hold either is walked string by string."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = None
    if text is not None and text.isascii() and "\\u0000" not in text:
        return False  # the usual case, answered without the regular expression
    if text is not None and _SUSPECT.search(text) is None:
        return False
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if is_unstorable(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def stix_pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a STIX 2.1 pattern (the validator's messages), or None. The
    common simple patterns are answered without the full parser (``patterns.py``)."""
    if plainly_valid(pattern):
        return None
    # Imported here: the pattern grammar is only needed by writes that carry indicators.
    from stix2patterns.validator import run_validator

    try:
        errors = run_validator(pattern, "2.1")
    except Exception as error:  # any crash of the parser means a pattern it cannot read
        return str(error) or type(error).__name__
    return "; ".join(str(error) for error in errors) if errors else None


def check_object(obj, *, index: int, ceiling: str, author: str | None = None) -> Checked:
    """Check one object of a write against the envelope rules, the collection's TLP ceiling
    and (``author``: the writer's organisation's identity id) the creator it names; raise
    ``ObjectProblem`` naming the JSON path (``$.objects[3].modified``)."""
    path = f"$.objects[{index}]"
    if not isinstance(obj, dict):
        raise ObjectProblem(_("%(path)s: a STIX object must be a JSON object.") % {"path": path})
    stix_id: str = obj["id"] if isinstance(obj.get("id"), str) else ""
    raw_version = obj.get("modified", obj.get("created"))
    version_text = raw_version if isinstance(raw_version, str) else ""

    def problem(message: str) -> ObjectProblem:
        return ObjectProblem(message, stix_id=stix_id[:300], version=version_text[:64])

    kind = obj.get("type")
    if not is_type(kind):
        raise problem(
            _("%(path)s.type: give the object's STIX type (3 to 250 a-z, 0-9 and hyphens).")
            % {"path": path}
        )
    if kind == "bundle":
        raise problem(
            _("%(path)s: send the bundle's objects in the envelope, not the bundle.")
            % {"path": path}
        )
    if not is_identifier(obj.get("id")):
        raise problem(_("%(path)s.id: give an identifier of the form type--UUID.") % {"path": path})
    if stix_id.partition("--")[0] != kind:
        raise problem(
            _("%(path)s.id: the identifier does not start with the object's type %(type)s.")
            % {"path": path, "type": kind}
        )
    spec_version = obj.get("spec_version", SPEC_VERSION if kind in SCO_TYPES else "2.0")
    if spec_version != SPEC_VERSION:
        raise problem(
            _("%(path)s.spec_version: only STIX 2.1 objects are accepted here.") % {"path": path}
        )
    times = _times_of(obj, kind, path=path, problem=problem)
    if _unstorable(obj):
        raise problem(
            _("%(path)s: null characters and unpaired surrogates are not allowed.") % {"path": path}
        )
    definition_problem = tlp_definition_problem(obj)
    if definition_problem:
        raise problem(f"{path}: {definition_problem}")
    if author is not None:
        creator_problem = _creator_problem(obj, kind, author=author)
        if creator_problem:
            raise problem(f"{path}.created_by_ref: {creator_problem}")
    if kind == "indicator":
        pattern_problem = _indicator_pattern_problem(obj, path=path)
        if pattern_problem:
            raise problem(pattern_problem)
    tlp = tlp_of(obj, ceiling=ceiling)
    if TLP_RANK[tlp] > TLP_RANK[ceiling]:
        raise problem(
            _(
                "%(path)s.object_marking_refs: marked %(level)s; "
                "this collection accepts up to %(ceiling)s."
            )
            % {"path": path, "level": Tlp(tlp).label, "ceiling": Tlp(ceiling).label}
        )
    version = times.get("modified", times.get("created"))
    return Checked(
        stix_id=stix_id,
        index=index,
        type=kind,
        spec_version=spec_version,
        version=version,
        version_text=version_text or None,
        tlp=tlp,
        body=obj,
    )


def _creator_problem(obj: dict, kind: str, *, author: str) -> str | None:
    """STIX 2.1: only an object's creator publishes and versions it, so an object may name
    no creator but the writer's organisation. The TLP marking definitions are the standard's
    own (whoever they name), and our extension's definition is the platform's."""
    if "created_by_ref" not in obj or str(obj.get("id")) in LEVEL_OF_MARKING:
        return None
    named = obj["created_by_ref"]
    if named == author:
        return None
    if named == PLATFORM_IDENTITY_ID and kind in PLATFORM_CREATED_TYPES:
        return None
    if not isinstance(named, str):
        return _("give the identifier of your organisation's identity, %(identity)s.") % {
            "identity": author
        }
    return _(
        "this object names %(named)s as its creator, but you write for the organisation "
        "whose identity is %(identity)s; only an object's creator may publish or version it."
    ) % {"named": named[:300], "identity": author}


def _indicator_pattern_problem(obj: dict, *, path: str) -> str | None:
    """An indicator's pattern must be there and, when it is a STIX pattern, parse: readers
    feed it to their detection as it is."""
    pattern = obj.get("pattern")
    pattern_type = obj.get("pattern_type")
    if not isinstance(pattern, str) or not pattern.strip():
        return _("%(path)s.pattern: an indicator needs its pattern.") % {"path": path}
    if not isinstance(pattern_type, str) or not pattern_type:
        return _("%(path)s.pattern_type: an indicator needs its pattern type (stix, snort, …).") % {
            "path": path
        }
    if pattern_type != "stix":
        return None
    found = stix_pattern_problem(pattern)
    if found is None:
        return None
    return _("%(path)s.pattern: not a valid STIX 2.1 pattern: %(problem)s") % {
        "path": path,
        "problem": found[:500],
    }


def _times_of(obj: dict, kind: str, *, path: str, problem) -> dict[str, dt.datetime]:
    """``created`` and ``modified`` as datetimes: each a UTC timestamp, those the type
    requires present, and never modified before created."""
    times: dict[str, dt.datetime] = {}
    for name in ("created", "modified"):
        if name in obj:
            try:
                times[name] = parse_timestamp(obj[name])
            except ValueError:
                raise problem(
                    _("%(path)s.%(name)s: give a UTC timestamp such as 2026-01-02T03:04:05.000Z.")
                    % {"path": path, "name": name}
                ) from None
    required = (
        ("created", "modified")
        if kind in _CREATED_AND_MODIFIED
        else ("created",)
        if kind in _CREATED_ONLY
        else ()
    )
    for name in required:
        if name not in times:
            raise problem(
                _("%(path)s.%(name)s: this property is required for a %(type)s.")
                % {"path": path, "name": name, "type": kind}
            )
    if "created" in times and "modified" in times and times["modified"] < times["created"]:
        raise problem(
            _("%(path)s.modified: an object cannot be modified before it was created.")
            % {"path": path}
        )
    return times


def tlp_of(obj: dict, *, ceiling: str) -> str:
    """The object's TLP level: its most restrictive TLP marking; the TLP marking definitions
    themselves are CLEAR (public definitions); an object with no TLP marking counts as the
    collection's ceiling, so it never reaches anyone the ceiling would not allow."""
    if obj.get("type") == "marking-definition" and obj.get("id") in LEVEL_OF_MARKING:
        return Tlp.CLEAR
    return level_of(marking_refs_of(obj)) or ceiling


def marking_refs_of(obj: dict) -> list[str]:
    """Every marking the object carries: on the whole object and on any of its properties
    (``granular_markings``): a RED description makes the object RED for us."""
    refs = obj.get("object_marking_refs")
    found = [ref for ref in refs if isinstance(ref, str)] if isinstance(refs, list) else []
    granular = obj.get("granular_markings")
    if isinstance(granular, list):
        found += [
            item["marking_ref"]
            for item in granular
            if isinstance(item, dict) and isinstance(item.get("marking_ref"), str)
        ]
    return found


def tlp_definition_problem(obj: dict) -> str | None:
    """A marking definition at one of the fixed TLP ids must say that level: another body
    under a TLP id would be served to every reader as CLEAR."""
    level = LEVEL_OF_MARKING.get(str(obj.get("id")))
    if obj.get("type") != "marking-definition" or level is None:
        return None
    name = {"amber_strict": "amber+strict"}.get(level, level)
    tlp1 = (obj.get("definition") or {}).get("tlp") if obj.get("definition_type") == "tlp" else None
    tlp2 = ((obj.get("extensions") or {}).get(TLP2_EXTENSION_ID) or {}).get("tlp_2_0")
    if tlp1 in (name, "white" if level == Tlp.CLEAR else name) or tlp2 == name:
        return None
    return _("A marking definition at a TLP id must define that TLP level.")


def format_version(value: dt.datetime) -> str:
    """An object's version as a STIX timestamp: milliseconds when that is exact (as most
    producers write them), else microseconds."""
    value = value.astimezone(dt.UTC)
    if value.microsecond % 1000 == 0:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return format_timestamp(value)
