"""What every bundle we build is made of: our ids and timestamps, the TLP marking
definitions, our extension and its author, organisations as identities, and the finishing
``report`` object that refers to all (with the versions a publication keeps)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from shireito.incidents.models import IncidentReport
from shireito.sharing.choices import Tlp
from shireito.sharing.identity import (
    NAMESPACE,
    PLATFORM_IDENTITY_ID,
    organization_identity_id,
)
from shireito.sharing.tlp import TLP1_IDS, TLP2_EXTENSION_ID, TLP2_IDS

STIX_MEDIA_TYPE = "application/stix+json;version=2.1"


# Our property extension and its author.
EXTENSION_ID = f"extension-definition--{uuid.uuid5(NAMESPACE, 'extension/incident-report/1')}"

SOFTWARE_IDENTITY_ID = PLATFORM_IDENTITY_ID

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


def stamp(moment: dt.datetime, *, millis: bool = False) -> str:
    """A STIX timestamp (UTC, ``Z``); ``created``/``modified`` are to the millisecond."""
    moment = moment.astimezone(dt.UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def parse_stamp(text: object) -> dt.datetime:
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


_TLP1_NAME: dict[str, str] = {
    Tlp.CLEAR: "white",
    Tlp.GREEN: "green",
    Tlp.AMBER: "amber",
    Tlp.RED: "red",
}

_TLP2_NAME: dict[str, str] = {
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


def content_hash(body: dict) -> str:
    """The hash of an object's content, leaving out ``modified`` (what versions differ by)."""
    content = {k: v for k, v in body.items() if k != "modified"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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
    # Imported here: stix2-validator compiles an IRI grammar on import (seconds of CPU), which
    # every start of the server and of each command would otherwise pay.
    from stix2validator import ValidationOptions, validate_instance

    options = ValidationOptions(
        version="2.1", strict=strict, silent=True, disabled=NOT_FOLLOWED if strict else ""
    )
    result = validate_instance(bundle, options)
    return [str(error) for error in result.errors]


def dumps(bundle: dict) -> str:
    return json.dumps(bundle, ensure_ascii=False, indent=2)
