"""The authorization probe's machinery: the keys of another organisation's objects, the URLs
and bodies built from them, a digest of the database, and the refusals the server logged.

``tests/core/test_authorization_probe.py`` holds the table of every page and API operation
and the test; this module only knows how to fill a route with real keys and how to look.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

# Path parameters, by the route's first part and the parameter's name, and the key in
# ``Keys`` that fills them; a parameter named alone applies wherever its name appears.
PARAMETERS = {
    ("organizations", "code"): "org",
    ("systems", "code"): "system",
    ("portfolio", "code"): "system",
    ("governance", "code"): "sector",
    ("governance", "key"): "model",
    ("standards", "key"): "catalog",
    ("standards/mappings", "key"): "mapping",
    ("standards/catalogs", "key"): "catalog",
    ("incidents", "key"): "regime",
    ("incidents", "stage"): "incident_stage",
    ("audits", "stage"): "audit_stage",
    ("open-data", "key"): "statistic",
    ("dashboard", "key"): "section",
    ("tower", "section"): "section",
    ("tower", "table"): "table",
    ("shared", "collection"): "collection",
    ("taxii2", "collection_id"): "collection",
    ("shared", "stix_id"): "stix_id",
    ("taxii2", "object_id"): "stix_id",
    "username": "username",
    "token_id": "token",
    "job_id": "job",
    "year": "year",
    "number": None,  # by the route: audit, incident or recommendation
    "finding": "finding",
    "action": "action",
    "evidence": "evidence",
    "result": "result",
    "revision": "revision",
    "entry": "entry",
    "attachment": "attachment",
    "oscal_id": "oscal_id",
    "root": "root",
    "status_id": "status",
    "fmt": "fmt",
    # The priority plan's keys (tests/core/test_authorization_probe.py, plan_keys).
    "edition": "edition",
    "published": "published",
    "area": "area",
    "measure": "measure",
    "kpi": "kpi",
    "milestone": "milestone",
    "report": "report",
    "measurement": "measurement",
    "flag": "flag",
    # The co-creation platform's keys (tests/core/test_authorization_probe.py).
    "space": "space",
    "post": "cocreation_post",
}


@dataclass
class Keys:
    """Real keys of one organisation's objects (and of shared reference data)."""

    values: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)  # keys no other organisation may meet

    def fill(self, route: str) -> str:
        """``route`` (a URL conf route or an OpenAPI path) with every parameter filled."""
        bare = route.replace("api/v1/", "").lstrip("/^")
        first = bare.split("/")[0]

        def value(name: str) -> str:
            if name == "number":
                kind = {"audits": "audit", "incidents": "incident"}.get(first, "recommendation")
                return self.values[kind]
            for (prefix, parameter), key in PREFIXED:
                if parameter == name and bare.startswith(prefix):
                    return self.values[key]
            key = PARAMETERS[name]
            assert isinstance(key, str), f"no key for {name} in {route}"
            return self.values[key]

        path = re.sub(
            r"<(?:\w+:)?(\w+)>|\{(\w+)\}|\(\?P<(\w+)>[^)]*\)",
            lambda match: value(next(group for group in match.groups() if group)),
            route,
        )
        path = path.replace("^", "").replace("$", "").replace("/?", "/")
        return "/" + path.lstrip("/")


PREFIXED = sorted(
    [(key, value) for key, value in PARAMETERS.items() if isinstance(key, tuple)],
    key=lambda pair: -len(pair[0][0]),
)


def url_routes() -> list[str]:
    """Every route of the URL conf outside the API (which the OpenAPI document lists)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return sorted({r for r in walk(get_resolver().url_patterns) if not r.startswith("api/v1/")})


def plausible(schema: dict, components: dict, depth: int = 0) -> object:
    """A value of a JSON schema: what a client that read the document would send."""
    if "$ref" in schema:
        return plausible(components[schema["$ref"].split("/")[-1]], components, depth)
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            options = [s for s in schema[combined] if s.get("type") != "null"]
            return plausible(options[0], components, depth) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type", "object")
    if kind == "object":
        if depth > 4:
            return {}
        properties = schema.get("properties", {})
        return {
            name: plausible(properties[name], components, depth + 1)
            for name in schema.get("required", list(properties))
            if name in properties
        }
    if kind == "array":
        return [plausible(schema.get("items", {}), components, depth + 1)][
            : schema.get("minItems", 0) or 1
        ]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    return {
        "date": "2026-04-01",
        "date-time": "2026-04-01T09:00:00+09:00",
        "email": "probe@example.test",
        "uuid": str(uuid.uuid4()),
    }.get(schema.get("format", ""), "probe")


# Tables whose rows a read or a refused write legitimately touches: sign-in bookkeeping.
DIGEST_SKIPS = {
    "sessions.Session": "the probe's own sign-ins",
    "axes.AccessAttempt": "sign-in attempts",
    "axes.AccessLog": "sign-in log",
    "axes.AccessFailureLog": "sign-in failures",
    "accounts.ApiToken": "a token's last use is stamped on every request",
    "accounts.User": None,  # last_login only: compared without it (below)
}


def database_digest() -> dict[str, str]:
    """One hash per table of every row's values, ordered by primary key."""
    digest = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.proxy or not model._meta.managed:
            continue
        if DIGEST_SKIPS.get(label, "") is not None and label in DIGEST_SKIPS:
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        rows = model._base_manager.order_by("pk").values_list(*names)
        digest[label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digest


class RefusalLog(logging.Handler):
    """The refusals (method, path, status of 400 and above) in the request log
    (``shireito.request``: one line per request) written while attached."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: set[tuple[str, str, int]] = set()

    def emit(self, record: logging.LogRecord) -> None:
        method = getattr(record, "method", None)
        path = getattr(record, "path", None)
        status = getattr(record, "status", None)
        if method and path and isinstance(status, int) and status >= 400:
            self.lines.add((method, path, status))
