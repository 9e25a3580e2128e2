"""Indicators as STIX: the pattern for each kind (and back again, for intake), the
cyber-observable it names, and the indicator, observed-data and sighting a bundle carries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from functools import lru_cache

from shireito.incidents.choices import IncidentCategory, IndicatorKind
from shireito.incidents.models import IncidentReport, Indicator
from shireito.incidents.stix.objects import (
    _Builder,
    _ext,
    stamp,
    stix_id,
)
from shireito.sharing.stix import stix_pattern_problem

_MALICIOUS_CATEGORIES = {
    IncidentCategory.MALWARE,
    IncidentCategory.UNAUTHORIZED_ACCESS,
    IncidentCategory.DENIAL_OF_SERVICE,
    IncidentCategory.DEFACEMENT,
}

# Indicator kinds as STIX patterns and cyber-observables: (object type, property path in the
# pattern, the observable's property).
_PATTERN_OF_KIND: dict[str, tuple[str, str]] = {
    IndicatorKind.IPV4: ("ipv4-addr", "value"),
    IndicatorKind.IPV6: ("ipv6-addr", "value"),
    IndicatorKind.DOMAIN: ("domain-name", "value"),
    IndicatorKind.URL: ("url", "value"),
    IndicatorKind.EMAIL: ("email-addr", "value"),
    IndicatorKind.SHA256: ("file", "hashes.'SHA-256'"),
    IndicatorKind.MD5: ("file", "hashes.MD5"),
}

# The stix2 class of each cyber-observable, by name (stix2.v21's attribute).
_SCO_CLASS = {
    "ipv4-addr": "IPv4Address",
    "ipv6-addr": "IPv6Address",
    "domain-name": "DomainName",
    "url": "URL",
    "email-addr": "EmailAddress",
}

_KIND_NAME: dict[str, str] = {
    IndicatorKind.IPV4: "IPv4 address",
    IndicatorKind.IPV6: "IPv6 address",
    IndicatorKind.DOMAIN: "domain name",
    IndicatorKind.URL: "URL",
    IndicatorKind.EMAIL: "e-mail address",
    IndicatorKind.SHA256: "file SHA-256",
    IndicatorKind.MD5: "file MD5",
    IndicatorKind.STIX_PATTERN: "STIX pattern",
}

# One comparison of one object property with a string: what our own patterns look like.
_SIMPLE_PATTERN = re.compile(
    r"^\[\s*(?P<type>[a-z0-9-]+):(?P<path>[A-Za-z0-9_.'-]+)\s*=\s*'(?P<value>(?:[^'\\]|\\.)*)'\s*\]$"
)

_KIND_OF_PATTERN = {
    ("ipv4-addr", "value"): IndicatorKind.IPV4,
    ("ipv6-addr", "value"): IndicatorKind.IPV6,
    ("domain-name", "value"): IndicatorKind.DOMAIN,
    ("url", "value"): IndicatorKind.URL,
    ("email-addr", "value"): IndicatorKind.EMAIL,
    ("file", "hashes.'SHA-256'"): IndicatorKind.SHA256,
    ("file", "hashes.SHA-256"): IndicatorKind.SHA256,
    ("file", "hashes.SHA256"): IndicatorKind.SHA256,
    ("file", "hashes.'SHA256'"): IndicatorKind.SHA256,
    ("file", "hashes.MD5"): IndicatorKind.MD5,
    ("file", "hashes.'MD5'"): IndicatorKind.MD5,
}


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def pattern_of(kind: str, value: str) -> str:
    """The STIX 2.1 pattern that matches ``value`` of ``kind`` (a stix_pattern is itself)."""
    if kind == IndicatorKind.STIX_PATTERN:
        return value
    object_type, path = _PATTERN_OF_KIND[kind]
    return f"[{object_type}:{path} = {_quote(value)}]"


def indicator_of(pattern: str) -> tuple[str, str]:
    """``(kind, value)`` of a STIX pattern: the reverse of ``pattern_of`` for the simple
    comparisons it builds; any other pattern is kept whole as a stix_pattern."""
    match = _SIMPLE_PATTERN.match(pattern.strip())
    if match:
        kind = _KIND_OF_PATTERN.get((match["type"], match["path"]))
        if kind is not None:
            value = _unquote(match["value"])
            if kind in (IndicatorKind.SHA256, IndicatorKind.MD5):
                value = value.lower()
            return str(kind), value
    return str(IndicatorKind.STIX_PATTERN), pattern


def pattern_problem(kind: str, value: str) -> str | None:
    """Why the indicator cannot be a STIX 2.1 pattern (None when it can)."""
    return stix_pattern_problem(pattern_of(kind, value))


@lru_cache(maxsize=4096)
def _observable_json(kind: str, value: str) -> str | None:
    """The cyber-observable an indicator names (JSON), or None where the value is not a valid
    one (an IPv4 "address" that is not one: the pattern still says what was reported)."""
    if kind not in _PATTERN_OF_KIND:
        return None
    object_type, _path = _PATTERN_OF_KIND[kind]
    # Imported here: stix2 takes a large part of a second to import, which every start of the
    # server and of each command would otherwise pay for a rarely used path.
    from stix2 import v21

    if object_type == "file":
        algorithm = "SHA-256" if kind == IndicatorKind.SHA256 else "MD5"
        sco = v21.File(hashes={algorithm: value}, allow_custom=False)
    else:
        sco = getattr(v21, _SCO_CLASS[object_type])(value=value, allow_custom=False)
    body = json.loads(sco.serialize())
    # Imported here: stix2-validator compiles an IRI grammar on import (seconds of CPU), which
    # every start of the server and of each command would otherwise pay.
    from stix2validator import ValidationOptions, validate_instance

    result = validate_instance(body, ValidationOptions(version="2.1", strict=True, silent=True))
    return json.dumps(body) if result.is_valid else None


def observable_of(kind: str, value: str) -> dict | None:
    found = _observable_json(str(kind), value)
    return json.loads(found) if found else None


def _indicator_types(report: IncidentReport) -> list[str]:
    return ["malicious-activity" if report.category in _MALICIOUS_CATEGORIES else "unknown"]


def _indicator_objects(
    b: _Builder,
    indicator: Indicator,
    *,
    created: str,
    modified: str,
    seen_at: dt.datetime,
    author: str,
    where: str,
) -> None:
    report = b.report
    kind, value = indicator.kind, indicator.value
    if pattern_problem(kind, value):
        # Not a STIX pattern (only a stix_pattern indicator can be one): nothing to say it with.
        return
    key = hashlib.sha256(f"{kind}\n{value}".encode()).hexdigest()
    prefix = "shared-" if b.sanitised else ""
    seen = stamp(seen_at)
    label = _KIND_NAME.get(kind, kind)
    name = f"{label}: {value}" if kind != IndicatorKind.STIX_PATTERN else label
    if len(name) > 250:
        name = name[:249] + "…"
    indicator_id = stix_id("indicator", report, prefix + key)
    description = indicator.description if not b.sanitised else ""
    generated = not description
    b.add(
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": indicator_id,
            "created_by_ref": author,
            "created": created,
            "modified": modified,
            "name": name,
            "description": description or f"{label} reported with an incident",
            "indicator_types": _indicator_types(report),
            "pattern": pattern_of(kind, value),
            "pattern_type": "stix",
            "pattern_version": "2.1",
            "valid_from": seen,
            "extensions": _ext(
                kind=kind,
                shareable=indicator.shareable,
                generated_description=True if generated else None,
            ),
        }
    )
    sighting = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": stix_id("sighting", report, prefix + key),
        "created_by_ref": author,
        "created": created,
        "modified": modified,
        "first_seen": seen,
        "last_seen": seen,
        "sighting_of_ref": indicator_id,
        "where_sighted_refs": [where],
    }
    observable = observable_of(kind, value)
    if observable is not None:
        b.add(observable)
        observed_id = stix_id("observed-data", report, prefix + key)
        b.add(
            {
                "type": "observed-data",
                "spec_version": "2.1",
                "id": observed_id,
                "created_by_ref": author,
                "created": created,
                "modified": modified,
                "first_observed": seen,
                "last_observed": seen,
                "number_observed": 1,
                "object_refs": [observable["id"]],
            }
        )
        sighting["observed_data_refs"] = [observed_id]
    b.add(sighting)
