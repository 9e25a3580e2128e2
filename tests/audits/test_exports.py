"""OSCAL assessment results and POA&M of an audit, checked with compliance-trestle, and the
printable report as HTML and PDF."""

import datetime as dt
import json
import re
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from shireito.audits.exporters import (
    NS,
    RESULT_STATUS_TO_OSCAL,
    EmptyPlanError,
    export_assessment_results,
    export_poam,
)
from shireito.audits.models import (
    Audit,
    ControlResult,
    CorrectiveAction,
    Evidence,
    EvidenceRevision,
    Finding,
    Milestone,
    ScopeItem,
)
from shireito.audits.report import render_report_html, render_report_pdf
from shireito.registry.services import system_create
from shireito.standards.importers import import_catalog
from tests.factories import make_organization

pytestmark = pytest.mark.django_db

CATALOG = (
    "id,parent,kind,title,statement,guidance\n"
    "A,,group,アクセス管理,,\n"
    "A-1,A,control,アカウント管理,s,\n"
    "A-2,A,control,ログの取得,s,\n"
    "A-3,A,control,バックアップ,s,\n"
    "A-4,A,control,暗号化,s,\n"
    "A-5,A,control,物理的対策,s,\n"
)
STATUSES = ["satisfied", "partially", "not_satisfied", "not_applicable", "not_assessed"]


def _ours(element: dict, name: str) -> list[str]:
    return [p["value"] for p in element.get("props", []) if p["name"] == name and p["ns"] == NS]


@pytest.fixture
def audit(organization):
    """An audit of two systems against a five-control catalog: every result status once per
    system; one major finding with two corrective actions (one with two milestones, one owned
    by another organisation) and one observation-grade finding. It stands in for the package's
    ``audit`` fixture here: these tests need every status and a known small catalog."""
    auditor = make_organization(code="audit-office", name="監査室", name_en="Audit Office")
    catalog = import_catalog(CATALOG.encode(), fmt="csv", actor=None, key="base").catalog
    controls = list(catalog.nodes.filter(is_group=False).order_by("position"))
    systems = [
        system_create(
            actor=None, code=code, name=name, owner=organization, category="ministry_system"
        )
        for code, name in [("ts-portal", "テスト窓口システム"), ("ts-ledger", "テスト台帳")]
    ]
    audit = Audit.objects.create(
        number="SA-2025-001",
        title="令和7年度 情報セキュリティ監査",
        kind="security_audit",
        auditor=auditor,
        auditee=organization,
        baseline=catalog,
        fiscal_year=2025,
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 9, 30),
        status="reporting",
        method="書面審査と実地監査",
        conclusion="概ね適切に運用されている。",
    )
    for system in systems:
        ScopeItem.objects.create(audit=audit, system=system, baseline=catalog)
        for position, (control, status) in enumerate(zip(controls, STATUSES, strict=True)):
            ControlResult.objects.create(
                audit=audit,
                system=system,
                control=control,
                position=position,
                status=status,
                claimed="satisfied",
                note="ログが保存されていない" if status == "not_satisfied" else "",
            )
    logs = controls[2]  # A-3 is the not_satisfied one (zip order above)
    major = Finding.objects.create(
        audit=audit,
        number=1,
        title="ログが保存されていない",
        severity="high",
        grade="major",
        risk="不正アクセスを追跡できない。",
        root_cause="保存期間の定めがない。",
        recommendation="保存期間を定めること。",
    )
    major.controls.add(logs)
    major.systems.add(systems[0])
    Finding.objects.create(
        audit=audit,
        number=2,
        title="手順書の版管理",
        severity="low",
        grade="observation",
        risk="古い手順が使われうる。",
    )
    action = CorrectiveAction.objects.create(
        finding=major,
        title="ログ保存期間の規程化",
        description="規程を改め、1年間保存する。",
        owner=organization,
        owner_contact="情報システム課",
        due_date=dt.date(2026, 3, 31),
        status="in_progress",
    )
    Milestone.objects.create(action=action, title="規程案の作成", due_date=dt.date(2025, 12, 1))
    Milestone.objects.create(
        action=action,
        title="規程の施行",
        due_date=dt.date(2026, 3, 1),
        done_on=dt.date(2026, 2, 20),
    )
    CorrectiveAction.objects.create(
        finding=major,
        title="ログ監視の委託",
        owner=make_organization(code="vendor-agency", name="委託先庁"),
        due_date=dt.date(2026, 6, 30),
    )
    result = ControlResult.objects.get(audit=audit, system=systems[0], control=logs)
    evidence = Evidence.objects.create(audit=audit, result=result, title="ログ設定の画面")
    EvidenceRevision.objects.create(
        evidence=evidence,
        number=1,
        sha256="0" * 64,
        size=10,
        content_type="image/png",
        filename="log.png",
        effective_date=dt.date(2025, 7, 1),
    )
    return audit


def test_the_assessment_results_load_in_trestle(audit):
    # when
    document = export_assessment_results(audit)

    # then
    model = AssessmentResults.model_validate(json.loads(json.dumps(document))["assessment-results"])
    result = model.results[0]
    assert len(result.findings) == 2 * len(STATUSES) + 2
    assert len(result.observations) == 2 * len(STATUSES)
    assert [c.title for c in result.local_definitions.components] == [
        "テスト台帳",
        "テスト窓口システム",
    ]


def test_a_not_satisfied_result_is_a_not_satisfied_finding_for_its_control(audit):
    # given
    result = ControlResult.objects.get(
        audit=audit, system__code="ts-portal", status="not_satisfied"
    )

    # when
    document = export_assessment_results(audit)["assessment-results"]

    # then
    findings = document["results"][0]["findings"]
    (finding,) = [
        f
        for f in findings
        if f["target"]["target-id"] == result.control.oscal_id
        and _ours(f, "system-id") == ["ts-portal"]
        and "finding-number" not in {p["name"] for p in f["props"]}
    ]
    assert finding["target"]["type"] == "objective-id"
    assert finding["target"]["status"] == {"state": "not-satisfied", "reason": "fail"}
    assert _ours(finding["target"], "result") == ["not_satisfied"]
    assert finding["description"] == "ログが保存されていない"
    # our finding about that control on that system is its related risk
    risks = {r["uuid"]: r for r in document["results"][0]["risks"]}
    (risk,) = [risks[r["risk-uuid"]] for r in finding["related-risks"]]
    assert risk["statement"] == "不正アクセスを追跡できない。"
    assert risk["status"] == "open"
    # the observation behind it carries the evidence examined
    observations = {o["uuid"]: o for o in document["results"][0]["observations"]}
    observation = observations[finding["related-observations"][0]["observation-uuid"]]
    assert observation["methods"] == ["EXAMINE"]
    assert observation["relevant-evidence"][0]["description"] == "ログ設定の画面"


@pytest.mark.parametrize("status", STATUSES)
def test_each_of_our_statuses_maps_to_an_oscal_state_and_travels_as_itself(audit, status):
    # given
    result = ControlResult.objects.get(audit=audit, system__code="ts-ledger", status=status)

    # when
    findings = export_assessment_results(audit)["assessment-results"]["results"][0]["findings"]

    # then
    (finding,) = [
        f
        for f in findings
        if f["target"]["target-id"] == result.control.oscal_id
        and _ours(f, "system-id") == ["ts-ledger"]
    ]
    state, reason, implementation = RESULT_STATUS_TO_OSCAL[status]
    assert finding["target"]["status"] == {"state": state, "reason": reason}
    assert finding["target"].get("implementation-status", {}).get("state") == implementation
    assert _ours(finding["target"], "result") == [status]


def test_our_findings_are_oscal_findings_with_their_risks(audit):
    # when
    result = export_assessment_results(audit)["assessment-results"]["results"][0]

    # then
    ours = {
        _ours(f, "finding-number")[0]: f for f in result["findings"] if _ours(f, "finding-number")
    }
    assert ours["F1"]["target"]["status"]["state"] == "not-satisfied"
    assert _ours(ours["F1"], "grade") == ["major"]
    # an observation-grade finding is not a nonconformity
    assert ours["F2"]["target"]["status"] == {"state": "satisfied", "reason": "other"}
    assert ours["F2"]["target"]["target-id"] == "finding-2"
    risk_titles = [r["title"] for r in result["risks"]]
    assert risk_titles == ["F1 ログが保存されていない", "F2 手順書の版管理"]


def test_the_audit_parties_scope_and_plan_reference(audit):
    # when
    document = export_assessment_results(audit)["assessment-results"]

    # then
    parties = {p["short-name"]: p for p in document["metadata"]["parties"]}
    assert parties["test-ministry"]["name"] == "テスト省"
    assert parties["audit-office"]["name"] == "監査室"
    roles = {r["role-id"]: r["party-uuids"] for r in document["metadata"]["responsible-parties"]}
    assert roles["auditor"] == [parties["audit-office"]["uuid"]]
    assert roles["auditee"] == [parties["test-ministry"]["uuid"]]
    resources = {r["uuid"] for r in document["back-matter"]["resources"]}
    assert document["import-ap"]["href"].removeprefix("#") in resources
    result = document["results"][0]
    assert result["start"].startswith("2025-06-01T00:00:00")
    assert result["end"].startswith("2025-09-30T23:59:59")
    (selection,) = result["reviewed-controls"]["control-selections"]
    assert len(selection["include-controls"]) == len(STATUSES)
    assert result["attestations"][0]["parts"][0]["prose"] == "概ね適切に運用されている。"


def test_exporting_again_changes_nothing_but_the_time(audit):
    # when
    first = export_assessment_results(audit)
    second = export_assessment_results(audit)

    # then
    for document in (first, second):
        document["assessment-results"]["metadata"].pop("last-modified")
    assert first == second


def test_the_export_reads_a_fixed_number_of_queries_however_many_results(audit, organization):
    # given
    with CaptureQueriesContext(connection) as small:
        export_assessment_results(audit)
    system = system_create(
        actor=None, code="ts-extra", name="追加", owner=organization, category="ministry_system"
    )
    ScopeItem.objects.create(audit=audit, system=system, baseline=audit.baseline)
    for position, control in enumerate(audit.baseline.nodes.filter(is_group=False)):
        ControlResult.objects.create(
            audit=audit, system=system, control=control, position=position, status="satisfied"
        )

    # when
    with CaptureQueriesContext(connection) as large:
        export_assessment_results(audit)

    # then
    assert len(large) == len(small)


def test_the_poam_loads_in_trestle_with_the_action_and_its_milestones(audit):
    # when
    document = export_poam(audit)

    # then
    model = PlanOfActionAndMilestones.model_validate(
        json.loads(json.dumps(document))["plan-of-action-and-milestones"]
    )
    assert [i.title for i in model.poam_items] == ["ログ保存期間の規程化", "ログ監視の委託"]
    item = model.poam_items[0]
    poam = document["plan-of-action-and-milestones"]
    assert poam["system-id"]["id"] == "ts-ledger"
    (finding,) = poam["findings"]
    assert item.related_findings[0].finding_uuid == finding["uuid"]
    (risk,) = poam["risks"]
    assert item.related_risks[0].risk_uuid == risk["uuid"]
    assert _ours(poam["poam-items"][0], "action-status") == ["in_progress"]
    assert _ours(poam["poam-items"][0], "due-date") == ["2026-03-31"]
    (remediation,) = [r for r in risk["remediations"] if r["title"] == "ログ保存期間の規程化"]
    assert remediation["lifecycle"] == "planned"
    milestones = [
        (t["title"], t["timing"]["on-date"]["date"][:10], _ours(t, "done-on"))
        for t in remediation["tasks"]
    ]
    assert milestones == [
        ("規程案の作成", "2025-12-01", []),
        ("規程の施行", "2026-03-01", ["2026-02-20"]),
    ]
    owner = {p["short-name"]: p["uuid"] for p in poam["metadata"]["parties"]}["test-ministry"]
    assert remediation["tasks"][0]["responsible-roles"] == [
        {"role-id": "action-owner", "party-uuids": [owner]}
    ]


def _references(node, key: str) -> set[str]:
    """Every value of ``key`` anywhere in the document (lists of values flattened)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                found.update(value if isinstance(value, list) else [value])
            else:
                found |= _references(value, key)
    elif isinstance(node, list):
        for value in node:
            found |= _references(value, key)
    return found


@pytest.mark.parametrize("export", [export_assessment_results, export_poam])
def test_every_reference_in_the_documents_resolves(audit, export):
    # trestle checks shapes, not references; a reader following one must find its target

    # when
    (document,) = export(audit).values()

    # then
    metadata = document["metadata"]
    assert _references(document, "role-id") <= {r["id"] for r in metadata["roles"]}
    parties = {p["uuid"] for p in metadata["parties"]}
    assert _references(document, "party-uuids") | _references(document, "actor-uuid") <= parties
    sections = [document, *document.get("results", [])]
    for key, collection in [
        ("observation-uuid", "observations"),
        ("risk-uuid", "risks"),
        ("finding-uuid", "findings"),
    ]:
        defined = {e["uuid"] for section in sections for e in section.get(collection, [])}
        assert _references(document, key) <= defined
    local = [document.get("local-definitions", {})] + [
        section.get("local-definitions", {}) for section in document.get("results", [])
    ]
    components = {c["uuid"] for definitions in local for c in definitions.get("components", [])}
    assert _references(document, "subject-uuid") <= components
    resources = {r["uuid"] for r in document["back-matter"]["resources"]}
    hrefs = {h.removeprefix("#") for h in _references(document, "href") if h.startswith("#")}
    assert hrefs <= resources


def test_the_same_finding_keeps_its_uuid_from_results_to_poam(audit):
    # when
    results = export_assessment_results(audit)["assessment-results"]["results"][0]
    poam = export_poam(audit)["plan-of-action-and-milestones"]

    # then
    uuids = {f["uuid"] for f in results["findings"]}
    assert poam["findings"][0]["uuid"] in uuids


def test_a_poam_needs_a_corrective_action(audit):
    # given
    CorrectiveAction.objects.all().delete()

    # when / then
    with pytest.raises(EmptyPlanError):
        export_poam(audit)


def test_the_report_shows_scope_summary_findings_and_plans(audit):
    # given
    audit.entrusting = make_organization(code="entrusting", name="委託元省")
    audit.save()

    # when
    html = render_report_html(audit, language="en")

    # then
    assert '<html lang="en">' in html
    assert "テスト省" in html and "監査室" in html
    assert "Entrusted by" in html and "委託元省" in html
    assert "書面審査と実地監査" in html
    assert "2025-06-01" in html and "2025-09-30" in html
    # the summary: each status once per system, so each column totals 2
    assert re.search(r"All systems</th>\s*" + r"<td class=\"number\">2</td>" * 5, html)
    assert "partially satisfied" in html
    assert 'F1 <span lang="ja">ログが保存されていない</span>' in html
    assert "major nonconformity" in html
    assert "保存期間を定めること。" in html
    assert "ログ保存期間の規程化" in html and "2026-03-31" in html and "in progress" in html
    assert "規程の施行" in html and "2026-02-20" in html
    assert "概ね適切に運用されている。" in html
    # every control result is summarised, never listed
    assert "アカウント管理" not in html


def _box_text(box) -> str:
    text = getattr(box, "text", "") or ""
    return text + "".join(_box_text(child) for child in getattr(box, "children", []))


def _pdf_streams(pdf: bytes) -> bytes:
    """Every stream of the PDF, inflated: WeasyPrint compresses even its object dictionaries."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            # a decompressor object forgives the end-of-line the pattern may have taken
            found.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            found.append(stream)
    return b"\n".join(found)


def _text_layer_characters(streams: bytes) -> set[str]:
    """The characters the fonts' ToUnicode maps give back: what copying text out would yield."""
    chars: set[str] = set()
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", streams, re.S):
        for target in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", section):
            chars.update(bytes.fromhex(target.decode()).decode("utf-16-be"))
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", streams, re.S):
        for low, high, target in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section
        ):
            first = int(target, 16)
            chars.update(chr(first + n) for n in range(int(high, 16) - int(low, 16) + 1))
    return chars


def test_the_report_pdf_renders_japanese_in_a_cjk_font(audit):
    import weasyprint

    # when
    pdf = render_report_pdf(audit, language="ja")

    # then
    assert pdf.startswith(b"%PDF")
    streams = _pdf_streams(pdf)
    assert re.search(rb"/BaseFont /[A-Z]+\+Noto-?Sans-?(CJK-?)?JP", streams)
    assert set("テスト省監査室") <= _text_layer_characters(streams)
    html = render_report_html(audit, language="ja")
    assert '<html lang="ja">' in html
    pages = weasyprint.HTML(string=html).render().pages
    text = "".join(_box_text(page._page_box) for page in pages)
    assert "テスト省" in text
