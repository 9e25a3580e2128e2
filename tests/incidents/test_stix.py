"""STIX 2.1 export and intake: every bundle we produce passes stix2-validator (every category,
every TLP level, with and without personal data, whole and sanitised); the sanitised one carries
only the shared fields; ids are stable; bundles round-trip; bad bundles are refused naming the
object and property of every problem, with nothing written."""

import copy
import datetime as dt
import json

import pytest
from django.utils import translation

from shireito.core.problems import ProblemsError
from shireito.incidents import services, stix
from shireito.incidents.choices import IncidentCategory, IndicatorKind
from shireito.incidents.models import IncidentReport
from shireito.incidents.services import REPORT_FIELDS
from shireito.incidents.stix_intake import import_bundle
from shireito.sharing.choices import Tlp
from shireito.sharing.tlp import TLP1_IDS, TLP2_IDS
from tests.incidents.conftest import T0
from tests.incidents.stix_helpers import (
    INDICATORS,
    MARKERS,
    PEOPLE,
    draft_with_everything,
    routed_report,
    share,
)

H = dt.timedelta(hours=1)
COMPOUND = f"[file:hashes.'SHA-256' = '{'AB' * 32}'] AND [file:size > 10]"


@pytest.fixture
def routed(handlers, systems):
    return routed_report(handlers, systems)


def _by_type(bundle: dict, kind: str) -> list[dict]:
    return [obj for obj in bundle["objects"] if obj["type"] == kind]


def _problems(excinfo) -> dict[str, str]:
    return {problem.path: problem.message for problem in excinfo.value.problems}


# --- patterns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "pattern"),
    [
        ("ipv4", "203.0.113.7", "[ipv4-addr:value = '203.0.113.7']"),
        ("ipv6", "2001:db8::7", "[ipv6-addr:value = '2001:db8::7']"),
        ("domain", "c2.example.net", "[domain-name:value = 'c2.example.net']"),
        ("url", "http://x.example/it's", "[url:value = 'http://x.example/it\\'s']"),
        ("email", "a@example.net", "[email-addr:value = 'a@example.net']"),
        ("sha256", "a" * 64, f"[file:hashes.'SHA-256' = '{'a' * 64}']"),
        ("md5", "b" * 32, f"[file:hashes.MD5 = '{'b' * 32}']"),
        ("stix_pattern", "[x-custom:value = 'a\\\\b']", "[x-custom:value = 'a\\\\b']"),
    ],
)
def test_patterns_are_built_from_kind_and_value_and_read_back(kind, value, pattern):
    assert stix.pattern_of(kind, value) == pattern
    assert stix.pattern_problem(kind, value) is None
    assert stix.indicator_of(pattern) == (kind, value)


def test_a_pattern_that_is_not_one_comparison_stays_whole():
    pattern = "[ipv4-addr:value = '1.2.3.4'] OR [ipv4-addr:value = '5.6.7.8']"
    assert stix.indicator_of(pattern) == (IndicatorKind.STIX_PATTERN, pattern)
    assert stix.pattern_problem("stix_pattern", "[ipv4-addr:value = ") is not None


# --- every bundle validates ----------------------------------------------------------------


def _assert_valid(routed, *, category: str, tlp: str, personal_data: bool) -> None:
    # given the routed report in this category, at this TLP, with or without personal data
    IncidentReport.objects.filter(pk=routed.pk).update(
        category=category,
        tlp=tlp,
        personal_data=personal_data,
        personal_data_count=5 if personal_data else None,
    )
    report = share(routed, shared_tlp=tlp)
    for sanitised in (False, True):
        # when the bundle is built
        bundle = stix.report_bundle(report, sanitised=sanitised)
        # then stix2-validator finds nothing, its recommendations included
        case = (category, tlp, personal_data, sanitised)
        assert stix.validation_errors(bundle, strict=True) == [], case
        incident = _by_type(bundle, "incident")[0]
        assert incident["extensions"][stix.EXTENSION_ID]["category"] == category, case
        assert TLP2_IDS[tlp] in {m["id"] for m in _by_type(bundle, "marking-definition")}, case
        ext = incident["extensions"][stix.EXTENSION_ID]
        if not sanitised:
            assert ext["personal_data"] is personal_data, case


def test_every_category_gives_valid_bundles(routed):
    # (the TLP level and personal data vary along, so each appears with several categories)
    for number, category in enumerate(IncidentCategory.values):
        _assert_valid(
            routed,
            category=category,
            tlp=Tlp.values[number % len(Tlp.values)],
            personal_data=bool(number % 2),
        )


def test_every_tlp_level_with_and_without_personal_data_gives_valid_bundles(routed):
    for tlp in Tlp.values:
        for personal_data in (False, True):
            _assert_valid(routed, category="data_leak", tlp=tlp, personal_data=personal_data)


def test_a_draft_without_times_or_indicators_validates(handlers):
    draft = services.report_create(actor=handlers["pmda-editor"], title="t", category="other")
    bundle = stix.report_bundle(draft, sanitised=False)
    assert stix.validation_errors(bundle) == []
    assert _by_type(bundle, "indicator") == []


def test_the_whole_bundle_has_every_object(routed):
    bundle = stix.report_bundle(routed, sanitised=False)
    kinds = {obj["type"] for obj in bundle["objects"]}
    assert {
        "marking-definition",
        "identity",
        "extension-definition",
        "incident",
        "indicator",
        "observed-data",
        "sighting",
        "note",
        "report",
        "ipv4-addr",
        "ipv6-addr",
        "domain-name",
        "email-addr",
        "file",
    } <= kinds
    # the reporter and the two hops the report reached, plus Shireitō (the extension's author)
    names = {obj["name"] for obj in _by_type(bundle, "identity")}
    assert {MARKERS["reporter.name"], MARKERS["hop.name"]} <= names
    assert len(_by_type(bundle, "identity")) == 4
    # one indicator per indicator, each sighted where the reporter is
    assert len(_by_type(bundle, "indicator")) == routed.indicators.count()
    reporter_ref = stix.organization_identity_id(routed.reporter)
    for sighting in _by_type(bundle, "sighting"):
        assert sighting["where_sighted_refs"] == [reporter_ref]
    # notes: the update, the question, the answer and the assessment
    notes = {note["content"] for note in _by_type(bundle, "note")}
    assert notes == {
        MARKERS["update"],
        MARKERS["question"],
        MARKERS["answer"],
        MARKERS["assessment"],
    }
    # the report refers to everything else
    report = _by_type(bundle, "report")[0]
    assert set(report["object_refs"]) == {o["id"] for o in bundle["objects"]} - {report["id"]}
    # the observed data names the observables the indicators name
    observed = {ref for od in _by_type(bundle, "observed-data") for ref in od["object_refs"]}
    assert {o["id"] for o in _by_type(bundle, "ipv4-addr")} <= observed
    ext = _by_type(bundle, "incident")[0]["extensions"][stix.EXTENSION_ID]
    assert ext["number"] == routed.number and ext["status"] == "closed"
    assert (
        ext["systems"] == ["pmda-app"]
        and ext["personal_data_count"] == MARKERS["personal_data_count"]
    )


@pytest.mark.parametrize("level", Tlp.values)
def test_both_tlp_versions_mark_every_object(draft, level):
    IncidentReport.objects.filter(pk=draft.pk).update(tlp=level)
    bundle = stix.report_bundle(draft, sanitised=False)
    expected = [TLP1_IDS[level], TLP2_IDS[level]] if level in TLP1_IDS else [TLP2_IDS[level]]
    clear = [TLP1_IDS["clear"], TLP2_IDS["clear"]]
    defined = [m["id"] for m in _by_type(bundle, "marking-definition")]
    assert defined == (expected if level == "clear" else expected + clear)
    tlp2 = next(m for m in _by_type(bundle, "marking-definition") if m["id"] == TLP2_IDS[level])
    assert tlp2["created"] == "2022-10-01T00:00:00.000Z"
    assert tlp2["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"][
        "tlp_2_0"
    ] == {"amber_strict": "amber+strict"}.get(level, level)
    for obj in bundle["objects"]:
        if obj["id"] in (stix.SOFTWARE_IDENTITY_ID, stix.EXTENSION_ID):
            # They say nothing of the report: every reader may read what the extension means.
            assert obj["object_marking_refs"] == clear, obj["type"]
        elif obj["type"] != "marking-definition":
            assert obj["object_marking_refs"] == expected, obj["type"]


# --- sanitisation ----------------------------------------------------------------------------


def test_the_sanitised_bundle_carries_only_the_shared_fields(routed, handlers):
    report = share(routed)
    bundle = stix.report_bundle(report, sanitised=True)
    text = json.dumps(bundle, ensure_ascii=False)
    # nothing that must stay on the route appears anywhere
    for field, marker in MARKERS.items():
        assert str(marker) not in text, field
    for person in PEOPLE:
        assert person not in text
    assert report.number not in text
    assert "pmda-app" not in text
    assert routed.reporter.code not in json.dumps(_by_type(bundle, "identity"))
    # what may leave does
    incident = _by_type(bundle, "incident")[0]
    assert incident["name"] == report.shared_title
    assert incident["description"] == report.shared_summary
    ext = incident["extensions"][stix.EXTENSION_ID]
    assert ext == {
        "extension_type": "property-extension",
        "category": "malware",
        "impact": "high",
        "tlp": "green",
        "detected_at": "2026-11-02T00:00:00Z",
        "aware_at": "2026-11-02T00:00:00Z",
        "time_precision": "day",
    }
    assert [m["id"] for m in _by_type(bundle, "marking-definition")] == [
        TLP1_IDS["green"],
        TLP2_IDS["green"],
        TLP1_IDS["clear"],
        TLP2_IDS["clear"],
    ]
    # the reporter only by kind (and the sector); the centre as publisher
    identities = {obj["id"]: obj for obj in _by_type(bundle, "identity")}
    reporter = next(i for i in identities.values() if "Reporting organization" in i["name"])
    assert reporter["extensions"][stix.EXTENSION_ID]["organization_kind"] == "independent_agency"
    assert reporter["sectors"] == ["government-public-services"]
    centre = identities[stix.organization_identity_id(handlers["nisc-handler"].organization)]
    assert incident["created_by_ref"] == centre["id"]
    # only the shareable indicators, without the reporter's descriptions
    patterns = {i["pattern"] for i in _by_type(bundle, "indicator")}
    assert stix.pattern_of("domain", MARKERS["unshareable.value"]) not in patterns
    assert stix.pattern_of("ipv4", "203.0.113.7") in patterns
    for sighting in _by_type(bundle, "sighting"):
        assert sighting["where_sighted_refs"] == [reporter["id"]]
    # one note: the shared summary
    assert [n["content"] for n in _by_type(bundle, "note")] == [report.shared_summary]
    # sanitised objects have ids of their own
    whole = {o["id"] for o in stix.report_bundle(report, sanitised=False)["objects"]}
    assert incident["id"] not in whole


def test_a_kind_only_one_body_holds_is_not_named(handlers, government):
    from tests.factories import make_user

    editor = make_user(organization=government["da"], roles=["editor"])
    draft = services.report_create(actor=editor, title="t", category="other")
    IncidentReport.objects.filter(pk=draft.pk).update(status="open")
    report = share(draft)
    bundle = stix.report_bundle(report, sanitised=True)
    kinds = {
        i["extensions"][stix.EXTENSION_ID].get("organization_kind")
        for i in _by_type(bundle, "identity")
        if "Reporting organization" in i["name"]
    }
    assert kinds == {"national_body"}
    assert "digital_agency" not in json.dumps(bundle)


def test_a_report_never_shared_has_no_sanitised_bundle(draft):
    with pytest.raises(ValueError):
        stix.report_bundle(draft, sanitised=True)


# --- stable ids and versions ---------------------------------------------------------------


def test_exporting_again_gives_the_same_bundle_and_a_change_a_new_version(draft, handlers):
    first = stix.report_bundle(draft, sanitised=False)
    assert stix.report_bundle(draft, sanitised=False) == first
    services.report_update(actor=handlers["pmda-editor"], report=draft, impact="critical")
    second = stix.report_bundle(draft, sanitised=False)
    before = {o["id"]: o for o in first["objects"]}
    after = {o["id"]: o for o in second["objects"]}
    assert set(before) == set(after)
    incident_id = _by_type(first, "incident")[0]["id"]
    assert after[incident_id]["created"] == before[incident_id]["created"]
    assert after[incident_id]["modified"] > before[incident_id]["modified"]
    indicator_id = _by_type(first, "indicator")[0]["id"]
    assert after[indicator_id]["modified"] == before[indicator_id]["modified"]


def test_ids_differ_between_reports(handlers, systems):
    one = draft_with_everything(handlers, systems)
    other = draft_with_everything(handlers, systems)
    ids = {o["id"] for o in stix.report_bundle(one, sanitised=False)["objects"]}
    others = {o["id"] for o in stix.report_bundle(other, sanitised=False)["objects"]}
    shared = ids & others
    # markings, Shireitō, our extension, the reporter and the observables are the same things
    assert {i.split("--")[0] for i in shared} <= {
        "marking-definition",
        "identity",
        "extension-definition",
        "ipv4-addr",
        "ipv6-addr",
        "domain-name",
        "url",
        "email-addr",
        "file",
    }
    assert stix.stix_id("incident", one) != stix.stix_id("incident", other)


# --- intake ----------------------------------------------------------------------------------


def test_export_then_import_gives_the_same_report(handlers, systems):
    # given a draft with every field and every kind of indicator
    original = draft_with_everything(handlers, systems, tlp="amber_strict")
    bundle = stix.report_bundle(original, sanitised=False)
    # when its bundle is imported (as text, as the page and the API pass it)
    copy_ = import_bundle(
        actor=handlers["pmda-editor"], data=json.dumps(bundle).encode(), now=T0 + 3 * H
    )
    # then the new draft holds the same fields and indicators, and no systems
    assert copy_.pk != original.pk and copy_.status == "draft"
    for name in REPORT_FIELDS:
        assert getattr(copy_, name) == getattr(original, name), name
    indicators = [
        {"kind": i.kind, "value": i.value, "description": i.description, "shareable": i.shareable}
        for i in copy_.indicators.order_by("id")
    ]
    assert indicators == INDICATORS
    assert not copy_.systems.exists()


def test_a_foreign_bundle_maps_what_it_can(handlers):
    bundle = {
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [
            {
                "type": "incident",
                "spec_version": "2.1",
                "id": "incident--7b7c8d3c-3e0b-4f0a-9d8a-2b6d2f2f1a01",
                "created": "2026-11-01T00:00:00.000Z",
                "modified": "2026-11-01T00:00:00.000Z",
                "name": "Phishing wave",
                "description": "Seen at several ministries.",
                "object_marking_refs": [TLP1_IDS["red"]],
            },
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--7b7c8d3c-3e0b-4f0a-9d8a-2b6d2f2f1a02",
                "created": "2026-11-01T00:00:00.000Z",
                "modified": "2026-11-01T00:00:00.000Z",
                "pattern": "[domain-name:value = 'evil.example']",
                "pattern_type": "stix",
                "valid_from": "2026-11-01T00:00:00Z",
            },
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--7b7c8d3c-3e0b-4f0a-9d8a-2b6d2f2f1a03",
                "created": "2026-11-01T00:00:00.000Z",
                "modified": "2026-11-01T00:00:00.000Z",
                "pattern": COMPOUND,
                "pattern_type": "stix",
                "valid_from": "2026-11-01T00:00:00Z",
            },
        ],
    }
    report = import_bundle(actor=handlers["pmda-editor"], data=bundle)
    assert (report.title, report.narrative, report.category, report.tlp) == (
        "Phishing wave",
        "Seen at several ministries.",
        "other",
        "red",
    )
    assert [(i.kind, i.value) for i in report.indicators.order_by("id")] == [
        ("domain", "evil.example"),
        ("stix_pattern", COMPOUND),
    ]
    # no TLP marking at all reads as AMBER
    for obj in bundle["objects"]:
        obj.pop("object_marking_refs", None)
    assert import_bundle(actor=handlers["pmda-editor"], data=bundle).tlp == "amber"


def _exported(draft) -> dict:
    return copy.deepcopy(stix.report_bundle(draft, sanitised=False))


def _index(bundle: dict, kind: str) -> int:
    return next(i for i, o in enumerate(bundle["objects"]) if o["type"] == kind)


def test_every_validator_problem_is_named_by_object_and_property(draft, handlers):
    # given our own bundle, broken in three objects
    bundle = _exported(draft)
    indicator = _index(bundle, "indicator")
    del bundle["objects"][indicator]["valid_from"]
    bundle["objects"][indicator]["pattern"] = "[ipv4-addr:value = '203.0.113.7'"
    sco = _index(bundle, "ipv4-addr")
    bundle["objects"][sco]["value"] = "not-an-address"
    incident = _index(bundle, "incident")
    bundle["objects"][incident]["object_marking_refs"] = ["not-a-marking"]
    before = IncidentReport.objects.count()
    # when it is imported
    with pytest.raises(ProblemsError) as excinfo:
        import_bundle(actor=handlers["pmda-editor"], data=bundle, location="file")
    # then each problem names the object's index and the property, and the message its id
    problems = _problems(excinfo)
    indicator_id = bundle["objects"][indicator]["id"]
    assert indicator_id in problems[f"$.objects[{indicator}].valid_from"]
    assert "indicator" in problems[f"$.objects[{indicator}].valid_from"]
    assert indicator_id in problems[f"$.objects[{indicator}].pattern"]
    assert f"$.objects[{sco}].value" in problems
    assert f"$.objects[{incident}].object_marking_refs[0]" in problems
    assert excinfo.value.location == "file"
    problem = next(p for p in excinfo.value.problems if p.index == indicator)
    assert (problem.object_type, problem.object_id) == ("indicator", indicator_id)
    # and nothing was written
    assert IncidentReport.objects.count() == before


def test_a_bundle_without_an_incident_or_with_two_is_refused(draft, handlers):
    bundle = _exported(draft)
    incident = _index(bundle, "incident")
    without = copy.deepcopy(bundle)
    del without["objects"][incident]
    with pytest.raises(ProblemsError) as excinfo:
        import_bundle(actor=handlers["pmda-editor"], data=without)
    assert "$.objects" in _problems(excinfo)

    two = copy.deepcopy(bundle)
    second = copy.deepcopy(two["objects"][incident])
    second["id"] = "incident--0c5b6e3a-3d3c-4a3b-8d5e-6f7a8b9c0d1e"
    two["objects"].append(second)
    with pytest.raises(ProblemsError) as excinfo:
        import_bundle(actor=handlers["pmda-editor"], data=two)
    assert f"$.objects[{len(two['objects']) - 1}]" in _problems(excinfo)


def test_objects_we_cannot_map_are_named(draft, handlers):
    bundle = _exported(draft)
    bundle["objects"].append(
        {
            "type": "malware",
            "spec_version": "2.1",
            "id": "malware--0c5b6e3a-3d3c-4a3b-8d5e-6f7a8b9c0d1e",
            "created": "2026-11-01T00:00:00.000Z",
            "modified": "2026-11-01T00:00:00.000Z",
            "name": "Emotet",
            "is_family": True,
        }
    )
    indicator = _index(bundle, "indicator")
    bundle["objects"][indicator]["pattern_type"] = "sigma"
    bundle["objects"][indicator]["pattern"] = "title: x"
    with pytest.raises(ProblemsError) as excinfo:
        import_bundle(actor=handlers["pmda-editor"], data=bundle)
    problems = _problems(excinfo)
    assert "malware--0c5b6e3a" in problems[f"$.objects[{len(bundle['objects']) - 1}].type"]
    assert f"$.objects[{indicator}].pattern_type" in problems


def test_our_extensions_bad_values_and_the_services_refusals_are_named(draft, handlers):
    bundle = _exported(draft)
    incident = _index(bundle, "incident")
    ext = bundle["objects"][incident]["extensions"][stix.EXTENSION_ID]
    ext["category"] = "volcano"
    ext["personal_data_count"] = -1
    with pytest.raises(ProblemsError) as excinfo:
        import_bundle(actor=handlers["pmda-editor"], data=bundle)
    base = f"$.objects[{incident}].extensions['{stix.EXTENSION_ID}']"
    assert {f"{base}.category", f"{base}.personal_data_count"} <= set(_problems(excinfo))

    # awareness before detection: the service refuses, at the extension's aware_at
    bundle = _exported(draft)
    ext = bundle["objects"][incident]["extensions"][stix.EXTENSION_ID]
    ext["aware_at"] = "2026-11-01T00:00:00Z"
    with pytest.raises(ProblemsError) as excinfo:
        import_bundle(actor=handlers["pmda-editor"], data=bundle)
    assert set(_problems(excinfo)) == {f"{base}.aware_at"}


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (b"{not json", "$"),
        (b"[]", "$"),
        (json.dumps({"type": "bundle", "id": "x", "objects": []}).encode(), "$.id"),
        (json.dumps({"type": "report", "id": "bundle--" + "0" * 36}).encode(), "$.type"),
    ],
)
def test_what_is_not_a_bundle_is_refused(handlers, data, path):
    with pytest.raises(ProblemsError) as excinfo:
        import_bundle(actor=handlers["pmda-editor"], data=data)
    assert path in _problems(excinfo)


def test_a_bundle_that_is_not_json_is_told_in_the_readers_language(handlers):
    # given a bundle cut short on its second line, and one that is not UTF-8
    cut, shift_jis = b'{"type": "bundle",\n  "id": ', '{"name": "報告"}'.encode("cp932")

    # when each is imported by a Japanese and by an English reader
    told = {}
    for language in ("ja", "en"):
        for name, data in (("cut", cut), ("sjis", shift_jis)):
            with translation.override(language), pytest.raises(ProblemsError) as excinfo:
                import_bundle(actor=handlers["pmda-editor"], data=data)
            told[language, name] = _problems(excinfo)["$"]

    # then with the line and column, in words of the reader's language, not Python's
    assert told["ja", "cut"] == "バンドルはJSONとして読めません（2行目、9文字目）：値がありません。"
    assert (
        told["en", "cut"] == "The bundle is not valid JSON at line 2, column 9: a value is missing."
    )
    assert told["ja", "sjis"].startswith("バンドルはUTF-8のテキストではありません：1行目")
    assert told["en", "sjis"].startswith("The bundle is not UTF-8 text: line 1")


# --- the pages -------------------------------------------------------------------------------


def test_the_import_page_makes_a_draft_and_goes_to_it(client, signed_in, handlers, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed_in(handlers["pmda-editor"])
    assert client.get("/incidents/stix/import/").status_code == 200
    data = json.dumps(stix.report_bundle(draft, sanitised=False)).encode()
    response = client.post(
        "/incidents/stix/import/", {"file": SimpleUploadedFile("b.json", data, "application/json")}
    )
    assert response.status_code == 302
    made = IncidentReport.objects.exclude(pk=draft.pk).get()
    assert response["Location"] == f"/incidents/{made.number}/"
    assert made.title == draft.title and made.status == "draft"


def test_the_import_page_lists_problems_by_object_and_property(client, signed_in, handlers, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bundle = stix.report_bundle(draft, sanitised=False)
    index = _index(bundle, "indicator")
    del bundle["objects"][index]["valid_from"]
    signed_in(handlers["pmda-editor"])
    response = client.post(
        "/incidents/stix/import/",
        {"file": SimpleUploadedFile("b.json", json.dumps(bundle).encode(), "application/json")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="problems"' in page
    assert f"$.objects[{index}].valid_from" in page
    assert bundle["objects"][index]["id"] in page
    assert IncidentReport.objects.count() == 1


def test_the_import_page_is_for_those_who_report(client, signed_in, handlers):
    signed_in(handlers["ncsc-viewer"])
    assert client.get("/incidents/stix/import/").status_code == 403


def test_the_download_is_for_the_parties_only(client, signed_in, handlers, draft):
    signed_in(handlers["pmda-editor"])
    response = client.get(f"/incidents/stix/{draft.number}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == stix.STIX_MEDIA_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == stix.report_bundle(draft, sanitised=False)
    client.logout()
    signed_in(handlers["mhlw-handler"])  # not a party to a draft
    assert client.get(f"/incidents/stix/{draft.number}.json").status_code == 404
