"""An incident report as a STIX 2.1 bundle: the whole report for the parties on its route, or the
sanitised one the national centre publishes.

What goes in:

* ``marking-definition``: the report's TLP as both the TLP 1.0 definition (the STIX 2.1
  specification's fixed object) and the TLP 2.0 one (OASIS's extension); AMBER+STRICT has no
  1.0 equivalent, so only the 2.0 one. Every other object carries both in
  ``object_marking_refs``.
* ``identity``: Shireitō (the author of our extension definition); in the whole report the
  reporting organisation and every organisation the report has reached; in the sanitised one
  the national centre (publisher) and an anonymous reporter that says only what kind of body
  it is and its sector.
* ``extension-definition``: our property extension (``EXTENSION_ID``), which carries what STIX
  2.1 has no property for. The 2.1 ``incident`` is a stub (``name``, ``description``,
  ``kill_chain_phases``), so category, impact, the detected/aware times and the rest go into
  the extension rather than into ``x_`` custom properties (which the 2.1 validator flags).
* ``incident``, one ``indicator`` per indicator (a STIX pattern built from its kind and value),
  the cyber-observable the indicator names (``ipv4-addr`` …, ``file`` with its hash) inside an
  ``observed-data``, a ``sighting`` of each indicator where the reporter saw it, ``note``s
  (the whole report: the reporter's updates, the route's questions and assessments; the
  sanitised one: the centre's shared summary only), and a ``report`` that refers to all of it.

Ids are UUIDv5 on ``NAMESPACE`` and the report (its number and creation time, so two
deployments' reports never collide), so a second export or publication of the same report
produces the same ids; ``created`` stays, ``modified`` moves when the content it comes from
changed. Cyber-observables use the STIX 2.1 deterministic ids (stix2 computes them).

The sanitised bundle carries only ``SHARED_FIELDS``: see there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from functools import lru_cache

import stix2
from django.utils import timezone
from stix2patterns.validator import run_validator as pattern_errors
from stix2validator import ValidationOptions, validate_instance

from shireito.incidents.choices import IncidentCategory, IndicatorKind, Tlp
from shireito.incidents.models import IncidentReport, Indicator, TimelineEntry
from shireito.incidents.selectors import national_centres
from shireito.sharing.tlp import TLP1_IDS, TLP2_EXTENSION_ID, TLP2_IDS

STIX_MEDIA_TYPE = "application/stix+json;version=2.1"

# Our namespace for UUIDv5 ids (fixed forever: changing it changes every id we ever produced).
NAMESPACE = uuid.UUID("56fe2f6c-217a-4d56-997f-70cb5f38fe0c")
# The 2.1 specification's namespace for deterministic cyber-observable ids.
SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

# Our property extension and its author.
EXTENSION_ID = f"extension-definition--{uuid.uuid5(NAMESPACE, 'extension/incident-report/1')}"
SOFTWARE_IDENTITY_ID = f"identity--{uuid.uuid5(NAMESPACE, 'identity/shireito')}"
_FIXED_TIME = "2025-04-01T00:00:00.000Z"

EXTENSION_SCHEMA = """\
Shireitō incident report extension, version 1.0 (a property-extension).

On incident:
  category (string, required): malware | unauthorized_access | denial_of_service | data_leak |
    misdelivery | defacement | loss_or_theft | other.
  impact (string, required): none | low | medium | high | critical (the reporter's judgement).
  tlp (string): clear | green | amber | amber_strict | red (the report's TLP 2.0 level).
  detected_at, aware_at (timestamp): when the incident was detected / the reporter became
    aware. time_precision (string): "day" when both were rounded down to the UTC day.
  In the report as the route's parties see it, also: number, status, impact_description,
  personal_data (boolean), personal_data_count (integer), malicious (boolean),
  ransom_paid_at, submitted_at, closed_at, closing_summary (string), route (string),
  regimes (list of reporting regime keys), systems (list of affected system ids).
On indicator:
  kind (string): ipv4 | ipv6 | domain | url | email | sha256 | md5 | stix_pattern.
  shareable (boolean): whether the national centre may publish the indicator.
  generated_description (boolean): true when the description is ours, not the reporter's.
On identity:
  organization_kind (string): the kind of body; in a sanitised bundle a kind that only one
    body holds reads national_body or other, so it never names the reporter.
  sector (string): the critical-infrastructure sector's code, where there is one.
  local_government_level (string): prefecture | municipality.
  code, name_en (string): only in the report as the route's parties see it.
On note:
  entry_kind (string): update | question | assessment | shared_summary.
"""

# What a sanitised (published) bundle may carry, and nothing else: the national centre's own
# text and TLP, four facts of the incident, what kind of body reported it, and the indicators
# the reporter marked shareable (kind and value only). Everything else stays on the route: the
# title and narrative, the impact description, personal data and its count, ransom, the
# reporter's name and code, the route and its organisations, people's names, attachments,
# systems, the timeline (updates, questions, assessments, notes), the closing summary, the
# report's number, and the description of every indicator.
SHARED_FIELDS = (
    "shared_title",
    "shared_summary",
    "shared_tlp",
    "category",
    "impact",
    "detected_at (rounded down to the UTC day)",
    "aware_at (rounded down to the UTC day)",
    "reporter.kind (generalised where one body holds it)",
    "reporter.sector",
    "reporter.local_government_level",
    "indicators (shareable only): kind, value",
)

# Kinds of organisation only one body holds: naming the kind would name the reporter.
_NATIONAL_BODIES = {
    "cabinet",
    "digital_agency",
    "national_cyber_centre",
    "cybersecurity_hq",
    "ipa",
}
_SHARED_KIND = {
    "ministry": "ministry",
    "independent_agency": "independent_agency",
    "local_government": "local_government",
    "ci_operator": "ci_operator",
}
_KIND_LABEL = {
    "ministry": "a ministry",
    "independent_agency": "an independent administrative agency",
    "local_government": "a local government",
    "ci_operator": "a critical-infrastructure operator",
    "national_body": "a national government body",
    "other": "an organization",
}

# STIX 2.1 industry-sector-ov for our kinds and critical-infrastructure sectors.
_SECTORS_BY_KIND = {
    "cabinet": ["government-national"],
    "digital_agency": ["government-national"],
    "national_cyber_centre": ["government-national"],
    "cybersecurity_hq": ["government-national"],
    "ministry": ["government-national"],
    "national_body": ["government-national"],
    "ipa": ["government-public-services"],
    "independent_agency": ["government-public-services"],
    "j_lis": ["government-public-services"],
}
_SECTORS_BY_CI_SECTOR = {
    "information-communications": ["telecommunications"],
    "finance": ["financial-services"],
    "aviation": ["transportation"],
    "airports": ["transportation"],
    "railways": ["transportation"],
    "electric-power": ["energy", "utilities"],
    "gas": ["energy", "utilities"],
    "government-services": ["government-public-services"],
    "medical": ["healthcare"],
    "water": ["water", "utilities"],
    "logistics": ["transportation"],
    "chemicals": ["chemical"],
    "credit-cards": ["financial-services"],
    "petroleum": ["energy"],
    "ports": ["transportation"],
}

_MALICIOUS_CATEGORIES = {
    IncidentCategory.MALWARE,
    IncidentCategory.UNAUTHORIZED_ACCESS,
    IncidentCategory.DENIAL_OF_SERVICE,
    IncidentCategory.DEFACEMENT,
}

# Indicator kinds as STIX patterns and cyber-observables: (object type, property path in the
# pattern, the observable's property).
_PATTERN_OF_KIND = {
    IndicatorKind.IPV4: ("ipv4-addr", "value"),
    IndicatorKind.IPV6: ("ipv6-addr", "value"),
    IndicatorKind.DOMAIN: ("domain-name", "value"),
    IndicatorKind.URL: ("url", "value"),
    IndicatorKind.EMAIL: ("email-addr", "value"),
    IndicatorKind.SHA256: ("file", "hashes.'SHA-256'"),
    IndicatorKind.MD5: ("file", "hashes.MD5"),
}
_SCO_CLASS = {
    "ipv4-addr": stix2.v21.IPv4Address,
    "ipv6-addr": stix2.v21.IPv6Address,
    "domain-name": stix2.v21.DomainName,
    "url": stix2.v21.URL,
    "email-addr": stix2.v21.EmailAddress,
}
_KIND_NAME = {
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


# --- patterns ---------------------------------------------------------------------------------


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
    errors = pattern_errors(pattern_of(kind, value), "2.1")
    return "; ".join(str(e) for e in errors) if errors else None


@lru_cache(maxsize=4096)
def _observable_json(kind: str, value: str) -> str | None:
    """The cyber-observable an indicator names (JSON), or None where the value is not a valid
    one (an IPv4 "address" that is not one: the pattern still says what was reported)."""
    if kind not in _PATTERN_OF_KIND:
        return None
    object_type, _path = _PATTERN_OF_KIND[kind]
    if object_type == "file":
        algorithm = "SHA-256" if kind == IndicatorKind.SHA256 else "MD5"
        sco = stix2.v21.File(hashes={algorithm: value}, allow_custom=False)
    else:
        sco = _SCO_CLASS[object_type](value=value, allow_custom=False)
    body = json.loads(sco.serialize())
    result = validate_instance(body, ValidationOptions(version="2.1", strict=True, silent=True))
    return json.dumps(body) if result.is_valid else None


def observable_of(kind: str, value: str) -> dict | None:
    found = _observable_json(str(kind), value)
    return json.loads(found) if found else None


# --- times and ids ----------------------------------------------------------------------------


def stamp(moment: dt.datetime, *, millis: bool = False) -> str:
    """A STIX timestamp (UTC, ``Z``); ``created``/``modified`` are to the millisecond."""
    moment = moment.astimezone(dt.UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def parse_stamp(text: str) -> dt.datetime:
    """A STIX timestamp as an aware datetime (ValueError if it is not one)."""
    if not isinstance(text, str) or not text.endswith("Z"):
        raise ValueError(text)
    return dt.datetime.fromisoformat(text[:-1] + "+00:00")


def _day(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def report_key(report: IncidentReport) -> str:
    return f"{report.number}/{report.created_at.astimezone(dt.UTC).isoformat()}"


def stix_id(object_type: str, report: IncidentReport | None, *parts: str) -> str:
    base = report_key(report) if report is not None else "deployment"
    return f"{object_type}--{uuid.uuid5(NAMESPACE, '/'.join([base, object_type, *parts]))}"


def organization_identity_id(organization) -> str:
    return f"identity--{uuid.uuid5(NAMESPACE, f'organization/{organization.code}')}"


# --- marking definitions and fixed objects ----------------------------------------------------

_TLP1_NAME = {Tlp.CLEAR: "white", Tlp.GREEN: "green", Tlp.AMBER: "amber", Tlp.RED: "red"}
_TLP2_NAME = {
    Tlp.CLEAR: "clear",
    Tlp.GREEN: "green",
    Tlp.AMBER: "amber",
    Tlp.AMBER_STRICT: "amber+strict",
    Tlp.RED: "red",
}


def marking_definitions(level: str) -> list[dict]:
    """The TLP 1.0 (where there is one) and TLP 2.0 marking definitions of ``level``."""
    found = []
    if level in TLP1_IDS:
        name = _TLP1_NAME[level]
        found.append(
            {
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": TLP1_IDS[level],
                "created": "2017-01-20T00:00:00.000Z",
                "definition_type": "tlp",
                "name": f"TLP:{name.upper()}",
                "definition": {"tlp": name},
            }
        )
    name = _TLP2_NAME[level]
    found.append(
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": TLP2_IDS[level],
            "created": "2022-10-01T00:00:00.000Z",
            "name": f"TLP:{name.upper()}",
            "extensions": {
                TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": name}
            },
        }
    )
    return found


def _fixed_objects(markings: list[str]) -> list[dict]:
    return [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": SOFTWARE_IDENTITY_ID,
            "created": _FIXED_TIME,
            "modified": _FIXED_TIME,
            "name": "Shireitō",
            "description": "Open-source platform for oversight of government information "
            "systems and their cybersecurity.",
            "identity_class": "system",
            "object_marking_refs": markings,
        },
        {
            "type": "extension-definition",
            "spec_version": "2.1",
            "id": EXTENSION_ID,
            "created_by_ref": SOFTWARE_IDENTITY_ID,
            "created": _FIXED_TIME,
            "modified": _FIXED_TIME,
            "name": "Shireitō incident report",
            "description": "What an incident report in Shireitō holds beyond the STIX 2.1 "
            "incident, indicator, identity and note properties.",
            "schema": EXTENSION_SCHEMA,
            "version": "1.0.0",
            "extension_types": ["property-extension"],
            "object_marking_refs": markings,
        },
    ]


def _add_public_objects(builder, level: str) -> None:
    """Our software identity and extension definition say nothing of the report: marked
    TLP:CLEAR, so every reader of a shared incident can also read what its extension means."""
    clear = marking_definitions(Tlp.CLEAR)
    if level != Tlp.CLEAR:
        for marking in clear:
            builder.add(marking, marked=False)
    for fixed in _fixed_objects([m["id"] for m in clear]):
        builder.add(fixed, marked=False)


def _ext(**properties) -> dict:
    body = {"extension_type": "property-extension"}
    body.update({k: v for k, v in properties.items() if v not in (None, "", [])})
    return {EXTENSION_ID: body}


# --- the bundle -------------------------------------------------------------------------------


class _Builder:
    """Collects a bundle's objects, each with the time its content last changed."""

    def __init__(self, report: IncidentReport, *, sanitised: bool, markings: list[str]):
        self.report = report
        self.sanitised = sanitised
        self.markings = markings
        self.objects: list[dict] = []
        self.seen: set[str] = set()
        # Objects not of this report (Shireitō, our extension, organisations): their versions
        # follow their own source, whichever report they travel with.
        self.shared_across_reports: set[str] = {SOFTWARE_IDENTITY_ID, EXTENSION_ID}

    def add(self, body: dict, *, marked: bool = True) -> dict:
        if body["id"] in self.seen:
            return body
        self.seen.add(body["id"])
        if marked:
            body["object_marking_refs"] = self.markings
        self.objects.append(body)
        return body


def _sectors(kind: str, organization) -> list[str]:
    if organization.kind == "ci_operator" and organization.sector_id:
        return _SECTORS_BY_CI_SECTOR.get(organization.sector.code, [])
    if organization.kind == "local_government":
        level = organization.local_government_level
        return ["government-regional" if level == "prefecture" else "government-local"]
    return _SECTORS_BY_KIND.get(kind, [])


def shared_kind(organization) -> str:
    """The reporter's kind as a sanitised bundle says it (never one only one body holds)."""
    if organization.kind in _SHARED_KIND:
        return _SHARED_KIND[organization.kind]
    return "national_body" if organization.kind in _NATIONAL_BODIES else "other"


def _organization_identity(organization, *, created: str, modified: str, with_name=True):
    sector_code = organization.sector.code if organization.sector_id else None
    body = {
        "type": "identity",
        "spec_version": "2.1",
        "id": organization_identity_id(organization),
        "created": created,
        "modified": modified,
        "name": organization.name,
        "identity_class": "organization",
        "extensions": _ext(
            organization_kind=organization.kind,
            sector=sector_code,
            local_government_level=organization.local_government_level or None,
            code=organization.code if with_name else None,
            name_en=organization.name_en if with_name else None,
        ),
    }
    sectors = _sectors(organization.kind, organization)
    if sectors:
        body["sectors"] = sectors
    return body


def _anonymous_reporter(report: IncidentReport, *, created: str, modified: str) -> dict:
    reporter = report.reporter
    kind = shared_kind(reporter)
    sector = reporter.sector.code if kind == "ci_operator" and reporter.sector_id else None
    level = reporter.local_government_level if kind == "local_government" else None
    body = {
        "type": "identity",
        "spec_version": "2.1",
        "id": stix_id("identity", report, "shared-reporter"),
        "created": created,
        "modified": modified,
        "name": f"Reporting organization ({_KIND_LABEL[kind]})",
        "identity_class": "organization",
        "extensions": _ext(organization_kind=kind, sector=sector, local_government_level=level),
    }
    if sector:
        sectors = _SECTORS_BY_CI_SECTOR.get(sector, [])
    elif kind == "local_government":
        sectors = ["government-regional" if level == "prefecture" else "government-local"]
    else:
        sectors = _SECTORS_BY_KIND.get(kind, [])
    if sectors:
        body["sectors"] = sectors
    return body


def _indicator_types(report: IncidentReport) -> list[str]:
    return ["malicious-activity" if report.category in _MALICIOUS_CATEGORIES else "unknown"]


def _shared_times(report: IncidentReport) -> tuple[dt.datetime, dt.datetime]:
    """When the sanitised objects were first published and when they were last."""
    first = (
        report.timeline.filter(kind="published").order_by("at").values_list("at", flat=True)
    ).first()
    last = report.shared_at or timezone.now()
    first = min(first or last, last)
    return first, last


def _publisher(report: IncidentReport):
    """The organisation that published the sanitised report (the national centre)."""
    entry = (
        report.timeline.filter(kind="published", organization__isnull=False)
        .select_related("organization")
        .order_by("-at", "-id")
        .first()
    )
    if entry is not None:
        return entry.organization
    parties = {party.organization_id for party in report.parties.all()}
    centres = national_centres(on=timezone.localdate(report.shared_at or timezone.now()))
    for centre in centres:
        if centre.pk in parties:
            return centre
    return centres[0] if centres else None


def last_published_versions(report: IncidentReport) -> dict[str, list[str]]:
    """``{stix id: [content hash, modified]}`` of the last publication of ``report``."""
    entry = report.timeline.filter(kind="published").order_by("-at", "-id").first()
    return dict((entry.details or {}).get("versions", {})) if entry else {}


def content_hash(body: dict) -> str:
    """The hash of an object's content, leaving out ``modified`` (what versions differ by)."""
    content = {k: v for k, v in body.items() if k != "modified"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def report_bundle(report: IncidentReport, *, sanitised: bool) -> dict:
    """``report`` as a STIX 2.1 bundle (a dict): the whole of it for the route's parties, or
    (``sanitised``) only ``SHARED_FIELDS``, as the national centre publishes it."""
    if sanitised:
        return _sanitised(report)
    return _whole(report)


def _whole(report: IncidentReport) -> dict:
    report = (
        IncidentReport.objects.select_related("reporter", "reporter__sector")
        .prefetch_related("systems", "regimes")
        .get(pk=report.pk)
    )
    markings = [m["id"] for m in marking_definitions(report.tlp)]
    b = _Builder(report, sanitised=False, markings=markings)
    for marking in marking_definitions(report.tlp):
        b.add(marking, marked=False)
    _add_public_objects(b, report.tlp)

    created_at = report.created_at
    created = stamp(created_at, millis=True)

    def later(*moments) -> str:
        return stamp(max([created_at, *[m for m in moments if m]]), millis=True)

    # The reporter and every organisation the report has reached.
    parties = [report.reporter] + [
        party.organization
        for party in report.parties.select_related("organization", "organization__sector").order_by(
            "since", "id"
        )
        if party.organization_id != report.reporter_id
    ]
    for organization in parties:
        b.shared_across_reports.add(organization_identity_id(organization))
        b.add(
            _organization_identity(
                organization,
                created=stamp(organization.created_at, millis=True),
                modified=stamp(max(organization.created_at, organization.updated_at), millis=True),
            )
        )
    reporter_ref = organization_identity_id(report.reporter)

    incident = b.add(
        {
            "type": "incident",
            "spec_version": "2.1",
            "id": stix_id("incident", report),
            "created_by_ref": reporter_ref,
            "created": created,
            "modified": later(report.updated_at),
            "name": report.title,
            **({"description": report.narrative} if report.narrative else {}),
            "external_references": [{"source_name": "shireito", "external_id": report.number}],
            "extensions": _ext(
                number=report.number,
                status=report.status,
                category=report.category,
                impact=report.impact,
                impact_description=report.impact_description,
                detected_at=stamp(report.detected_at) if report.detected_at else None,
                aware_at=stamp(report.aware_at) if report.aware_at else None,
                personal_data=report.personal_data,
                personal_data_count=report.personal_data_count,
                malicious=report.malicious,
                ransom_paid_at=stamp(report.ransom_paid_at) if report.ransom_paid_at else None,
                tlp=report.tlp,
                submitted_at=stamp(report.submitted_at) if report.submitted_at else None,
                closed_at=stamp(report.closed_at) if report.closed_at else None,
                closing_summary=report.closing_summary,
                route=report.route_key,
                regimes=sorted(regime.key for regime in report.regimes.all()),
                systems=sorted(system.code for system in report.systems.all()),
            ),
        }
    )
    seen_at = report.detected_at or report.aware_at or report.submitted_at or created_at
    for indicator in report.indicators.order_by("id"):
        _indicator_objects(
            b,
            indicator,
            created=created,
            modified=later(indicator.updated_at),
            seen_at=seen_at,
            author=reporter_ref,
            where=reporter_ref,
        )

    # Notes: the reporter's updates and the route's questions and assessments.
    by_entry: dict[int, str] = {}
    entries = TimelineEntry.objects.filter(
        report=report, kind__in=("update", "question", "assessment")
    ).select_related("organization")
    for entry in entries.order_by("at", "id"):
        if not entry.text:
            continue
        note_id = stix_id("note", report, str(entry.pk))
        by_entry[entry.pk] = note_id
        refs = [incident["id"]]
        if entry.reply_to_id in by_entry:
            refs.append(by_entry[entry.reply_to_id])
        note = {
            "type": "note",
            "spec_version": "2.1",
            "id": note_id,
            "created": stamp(entry.at, millis=True),
            "modified": stamp(entry.at, millis=True),
            "abstract": {
                "update": "Update from the reporter",
                "question": "Question to the reporter",
                "assessment": "Assessment",
            }[entry.kind],
            "content": entry.text,
            "object_refs": refs,
            "extensions": _ext(entry_kind=entry.kind),
        }
        if entry.organization_id:
            note["created_by_ref"] = organization_identity_id(entry.organization)
        b.add(note)

    published = report.submitted_at or report.updated_at
    return _finish(
        b,
        report_name=report.title,
        description=None,
        published=published,
        created=created,
        author=reporter_ref,
        report_id=stix_id("report", report),
    )


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


def _finish(
    b: _Builder,
    *,
    report_name: str,
    description: str | None,
    published: dt.datetime,
    created: str,
    author: str,
    report_id: str,
    versions: dict[str, list[str]] | None = None,
    now_modified: str | None = None,
) -> dict:
    refs = [obj["id"] for obj in b.objects]
    modified = max(
        [created] + [obj["modified"] for obj in b.objects if "modified" in obj and obj["id"]]
    )
    body = {
        "type": "report",
        "spec_version": "2.1",
        "id": report_id,
        "created_by_ref": author,
        "created": created,
        "modified": max(modified, created),
        "name": report_name,
        **({"description": description} if description else {}),
        "report_types": ["threat-report"],
        "published": stamp(published),
        "object_refs": refs,
    }
    b.add(body)
    if versions is not None and now_modified is not None:
        _keep_versions(b, versions, now_modified)
    canonical = json.dumps(b.objects, sort_keys=True, ensure_ascii=False)
    bundle_id = uuid.uuid5(NAMESPACE, hashlib.sha256(canonical.encode()).hexdigest())
    return {"type": "bundle", "id": f"bundle--{bundle_id}", "objects": b.objects}


def _keep_versions(b: _Builder, versions: dict[str, list[str]], now: str) -> None:
    """Publication: an object whose content is what was published last keeps that version's
    ``modified``; one that changed gets ``now``. The report, which refers to all, moves when
    any of them does."""
    report = b.objects[-1]
    changed = False
    for obj in b.objects[:-1]:
        if "modified" not in obj or obj["id"] in b.shared_across_reports:
            continue
        before = versions.get(obj["id"])
        if before and before[0] == content_hash(obj):
            obj["modified"] = max(before[1], obj["created"])
        else:
            obj["modified"] = max(now, obj["created"])
            changed = True
    before = versions.get(report["id"])
    if not changed and before and before[0] == content_hash(report):
        report["modified"] = max(before[1], report["created"])
    else:
        report["modified"] = max(now, report["created"])


def _sanitised(report: IncidentReport) -> dict:
    report = IncidentReport.objects.select_related("reporter", "reporter__sector").get(pk=report.pk)
    if not (report.shared_title and report.shared_summary and report.shared_tlp):
        raise ValueError("the report has no title, summary and TLP for sharing")
    level = report.shared_tlp
    markings = [m["id"] for m in marking_definitions(level)]
    b = _Builder(report, sanitised=True, markings=markings)
    for marking in marking_definitions(level):
        b.add(marking, marked=False)
    _add_public_objects(b, level)

    first, last = _shared_times(report)
    created = stamp(first, millis=True)
    modified = stamp(last, millis=True)
    publisher = _publisher(report)
    if publisher is None:
        raise ValueError("no organization holds the national centre's role")
    centre = _organization_identity(
        publisher,
        created=stamp(publisher.created_at, millis=True),
        modified=stamp(max(publisher.created_at, publisher.updated_at), millis=True),
        with_name=True,
    )
    b.shared_across_reports.add(centre["id"])
    b.add(centre)
    reporter = b.add(_anonymous_reporter(report, created=created, modified=modified))

    detected = _day(report.detected_at) if report.detected_at else None
    aware = _day(report.aware_at) if report.aware_at else None
    incident = b.add(
        {
            "type": "incident",
            "spec_version": "2.1",
            "id": stix_id("incident", report, "shared"),
            "created_by_ref": centre["id"],
            "created": created,
            "modified": modified,
            "name": report.shared_title,
            "description": report.shared_summary,
            "extensions": _ext(
                category=report.category,
                impact=report.impact,
                tlp=level,
                detected_at=stamp(detected) if detected else None,
                aware_at=stamp(aware) if aware else None,
                time_precision="day",
            ),
        }
    )
    seen_at = detected or aware or _day(first)
    for indicator in report.indicators.filter(shareable=True).order_by("id"):
        _indicator_objects(
            b,
            indicator,
            created=created,
            modified=modified,
            seen_at=seen_at,
            author=centre["id"],
            where=reporter["id"],
        )
    b.add(
        {
            "type": "note",
            "spec_version": "2.1",
            "id": stix_id("note", report, "shared-summary"),
            "created_by_ref": centre["id"],
            "created": created,
            "modified": modified,
            "abstract": report.shared_title,
            "content": report.shared_summary,
            "object_refs": [incident["id"]],
            "extensions": _ext(entry_kind="shared_summary"),
        }
    )
    return _finish(
        b,
        report_name=report.shared_title,
        description=report.shared_summary,
        published=first,
        created=created,
        author=centre["id"],
        report_id=stix_id("report", report, "shared"),
        versions=last_published_versions(report),
        now_modified=modified,
    )


def bundle_versions(bundle: dict) -> dict[str, list[str]]:
    """``{id: [content hash, modified]}`` of a bundle's objects (kept with a publication)."""
    return {
        obj["id"]: [content_hash(obj), obj["modified"]]
        for obj in bundle["objects"]
        if "modified" in obj
    }


# The one recommendation our bundles do not follow: STIX 2.1 recommends random UUIDv4 ids for
# domain objects; ours are UUIDv5 so that exporting or publishing a report again gives the same
# ids (the specification's own way for cyber-observables).
NOT_FOLLOWED = "uuid-check"


def validation_errors(bundle: dict, *, strict: bool = True) -> list[str]:
    """What stix2-validator finds wrong with ``bundle`` (empty when it is valid STIX 2.1);
    ``strict`` makes every recommendation (but ``NOT_FOLLOWED``) an error too."""
    options = ValidationOptions(
        version="2.1", strict=strict, silent=True, disabled=NOT_FOLLOWED if strict else ""
    )
    result = validate_instance(bundle, options)
    return [str(error) for error in result.errors]


def dumps(bundle: dict) -> str:
    return json.dumps(bundle, ensure_ascii=False, indent=2)
