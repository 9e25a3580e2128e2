"""The engagement pages: the list (audits and self-assessments apart), planning an audit under
the mandate, an audit's page with its stages and status steps, the plan, and the report."""

import datetime as dt
import importlib.util
import json
import re

import pytest

from shireito.audits import services
from shireito.audits.models import Audit, AuditCycleRule
from shireito.organizations.rules import rule_label

pytestmark = pytest.mark.django_db

PERIOD = {"fiscal_year": 2026, "period_start": "2026-06-01", "period_end": "2026-12-01"}


def _row(html: str, row_id: str) -> str:
    """The markup of one table row, found by its id."""
    match = re.search(rf'<tr id="{re.escape(row_id)}".*?</tr>', html, re.S)
    assert match, f"no row {row_id}"
    return match.group(0)


def _create_form(all_systems, baseline, government, **changes):
    data = {
        "kind": "security_audit",
        "auditee": government["mhlw"].pk,
        "systems": [all_systems["mhlw-app"].pk],
        "baseline": baseline.pk,
        "selection": "",
        "title": "",
        "lead": "",
        "method": "",
        **PERIOD,
    }
    data.update(changes)
    return data


def _close(audit, auditor):
    services.audit_advance(actor=auditor, audit=audit, status="reporting")
    services.audit_update(actor=auditor, audit=audit, conclusion="概ね適合")
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[{"id": r.pk, "status": "satisfied"} for r in audit.results.all()],
    )
    return services.audit_advance(actor=auditor, audit=audit, status="closed")


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_only_the_users_audits_and_keeps_self_assessments_apart(
    client, audit, people, government, systems, baseline
):
    # given an audit of MHLW and MHLW's own self-assessment
    own = services.audit_create(
        actor=people["mhlw-editor"],
        kind="self_assessment",
        auditee=government["mhlw"],
        systems=[systems["mhlw-app"]],
        baseline=baseline,
        fiscal_year=2026,
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 12, 1),
    )
    # when the parties and an outsider list audits
    client.force_login(people["mhlw-editor"])
    audits = client.get("/audits/").content.decode()
    selves = client.get("/audits/", {"self": "1"}).content.decode()
    # then each tab holds its own kind
    assert f'href="/audits/{audit.number}/"' in audits
    assert f'href="/audits/{own.number}/"' not in audits
    assert f'href="/audits/{own.number}/"' in selves
    assert f'href="/audits/{audit.number}/"' not in selves
    client.force_login(people["nisc-auditor"])
    assert f'href="/audits/{audit.number}/"' in client.get("/audits/").content.decode()
    assert own.number not in client.get("/audits/", {"self": "1"}).content.decode()
    client.force_login(people["meti-editor"])
    assert audit.number not in client.get("/audits/").content.decode()


def test_the_list_filters_and_answers_htmx_with_the_table_only(client, audit, people):
    client.force_login(people["nisc-auditor"])
    assert audit.number in client.get("/audits/", {"status": "fieldwork"}).content.decode()
    assert audit.number not in client.get("/audits/", {"status": "closed"}).content.decode()
    assert audit.number not in client.get("/audits/", {"year": "2025"}).content.decode()
    assert audit.number in client.get("/audits/", {"search": "A2026"}).content.decode()
    partial = client.get("/audits/", {"kind": "security_audit"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and audit.number in html


def test_the_create_link_is_offered_only_to_who_may_plan(client, audit, people):
    client.force_login(people["nisc-auditor"])
    assert 'href="/audits/new/"' in client.get("/audits/").content.decode()
    client.force_login(people["mhlw-viewer"])
    assert 'href="/audits/new/"' not in client.get("/audits/").content.decode()
    assert 'href="/audits/new/?self=1"' not in client.get("/audits/?self=1").content.decode()
    assert client.get("/audits/new/").status_code == 403
    client.force_login(people["mhlw-editor"])  # editors check themselves, not others
    assert 'href="/audits/new/"' not in client.get("/audits/").content.decode()
    assert 'href="/audits/new/?self=1"' in client.get("/audits/?self=1").content.decode()


def test_overdue_corrective_actions_are_counted_and_linked(client, audit, people):
    finding = services.finding_create(
        actor=people["nisc-auditor"],
        audit=audit,
        title="t",
        severity="low",
        grade="minor",
        risk="r",
    )
    action = services.action_create(
        actor=people["mhlw-editor"],
        finding=finding,
        title="遅れた是正",
        due_date=dt.date(2020, 1, 1),
    )
    client.force_login(people["mhlw-editor"])
    html = client.get("/audits/").content.decode()
    assert f'href="/audits/{audit.number}/actions/{action.pk}/"' in html
    assert 'href="#overdue-actions"' in html


# --- planning ------------------------------------------------------------------------------


def test_an_unmandated_audit_is_refused_naming_the_rule_and_nothing_is_written(
    client, people, government, systems, baseline
):
    # given the Digital Agency, which sees MHLW's system but holds no security-audit mandate
    client.force_login(people["da-auditor"])
    # when it plans a security audit of it
    response = client.post("/audits/new/", _create_form(systems, baseline, government))
    # then the form comes back with the engine's rule beside the systems
    assert response.status_code == 200
    html = response.content.decode()
    assert "この組織がこのシステムを監査できる監査権限はありません" in html
    assert 'aria-invalid="true"' in html and 'href="#id_systems"' in html
    assert not Audit.objects.exists()


def test_nisc_plans_an_audit_and_lands_on_its_page(client, people, government, systems, baseline):
    client.force_login(people["nisc-auditor"])
    form = client.get("/audits/new/").content.decode()
    assert 'name="systems"' in form and "<optgroup" in form
    response = client.post(
        "/audits/new/",
        _create_form(
            systems,
            baseline,
            government,
            selection="1.1\n2.1, 2.2",
            lead=people["nisc-auditor"].pk,
            title="厚労省監査",
        ),
    )
    audit = Audit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/audits/{audit.number}/"
    assert audit.auditor == government["nisc"] and audit.lead == people["nisc-auditor"]
    assert audit.results.count() == 3  # only the selected controls
    page = client.get(response["Location"]).content.decode()
    assert "厚労省監査" in page and rule_label(audit.mandate_rule) in page


def test_a_self_assessment_is_planned_from_its_own_tab(
    client, people, government, systems, baseline
):
    client.force_login(people["mhlw-editor"])
    form = client.get("/audits/new/?self=1").content.decode()
    assert 'name="kind"' not in form
    data = _create_form(systems, baseline, government)
    del data["kind"]
    response = client.post("/audits/new/?self=1", data)
    own = Audit.objects.get()
    assert response.status_code == 302
    assert own.kind == "self_assessment" and own.auditor == government["mhlw"]


def test_systems_of_another_organization_go_back_onto_the_field(
    client, people, government, systems, baseline
):
    client.force_login(people["nisc-auditor"])
    response = client.post(
        "/audits/new/",
        _create_form(systems, baseline, government, systems=[systems["meti-app"].pk]),
    )
    assert response.status_code == 200
    assert "meti-app" in response.content.decode() and not Audit.objects.exists()


# --- one audit -----------------------------------------------------------------------------


def test_another_organization_gets_404_for_the_audit_and_all_it_holds(client, audit, people):
    client.force_login(people["meti-editor"])
    for path in ("", "report/", "report.pdf", "oscal-ar.json", "oscal-poam.json", "edit/"):
        assert client.get(f"/audits/{audit.number}/{path}").status_code == 404, path
    assert (
        client.post(f"/audits/{audit.number}/advance/", {"status": "reporting"}).status_code == 404
    )
    assert client.get("/audits/A1999-0001/").status_code == 404


def test_the_page_shows_parties_scope_stages_and_results(client, audit, people, government):
    services.results_record(
        actor=people["nisc-auditor"],
        audit=audit,
        entries=[{"system": "mhlw-app", "control": "1.1", "status": "satisfied"}],
    )
    client.force_login(people["mhlw-editor"])
    html = client.get(f"/audits/{audit.number}/").content.decode()
    assert government["mhlw"].name in html and government["nisc"].name in html
    assert rule_label(audit.mandate_rule) in html and audit.mandate_rule not in html
    assert "mhlw-app" in html
    assert 'id="summary-results"' in html and 'id="summary-claims"' in html
    assert '<meter min="0" max="5" value="1"' in html  # one of five controls assessed
    assert f'href="/audits/{audit.number}/results/"' in html
    assert f'href="/audits/{audit.number}/report/"' in html


def test_an_entrusted_audit_names_the_entrusting_body(
    client, people, government, systems, baseline
):
    entrusted = services.audit_create(
        actor=people["nisc-auditor"],
        kind="entrusted_security_audit",
        auditee=government["pmda"],
        systems=[systems["pmda-app"]],
        baseline=baseline,
        fiscal_year=2026,
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 12, 1),
    )
    client.force_login(people["ipa-auditor"])
    html = client.get(f"/audits/{entrusted.number}/").content.decode()
    assert government["nisc"].name in html and government["ipa"].name in html
    listing = client.get("/audits/").content.decode()
    assert government["nisc"].name in listing


def test_advance_buttons_move_the_status_forward_and_back(client, audit, people):
    client.force_login(people["nisc-auditor"])
    detail = f"/audits/{audit.number}/"
    html = client.get(detail).content.decode()
    assert 'name="status" value="reporting"' in html
    response = client.post(f"{detail}advance/", {"status": "reporting"})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == "reporting"
    html = client.get(detail).content.decode()
    assert 'name="status" value="fieldwork"' in html and 'name="status" value="closed"' in html
    # closing without a conclusion is refused, with the reason on the page
    client.post(f"{detail}advance/", {"status": "closed"})
    audit.refresh_from_db()
    assert audit.status == "reporting"
    assert 'class="message message--error"' in client.get(detail).content.decode()
    client.post(f"{detail}advance/", {"status": "fieldwork"})
    audit.refresh_from_db()
    assert audit.status == "fieldwork"
    assert client.get(f"{detail}advance/").status_code == 405


def test_the_auditee_marks_its_own_stage_done_and_only_that(client, audit, people):
    client.force_login(people["mhlw-editor"])
    base = f"/audits/{audit.number}/stages"
    html = client.get(f"/audits/{audit.number}/").content.decode()
    assert f'action="{base}/self_assessment/"' in html
    assert f'action="{base}/review/"' not in html
    response = client.post(f"{base}/self_assessment/", {"completed": "1"})
    assert response.status_code == 302
    stage = audit.stages.get(stage="self_assessment")
    assert stage.completed_on is not None
    assert client.post(f"{base}/review/", {"completed": "1"}).status_code == 403
    assert client.post(f"{base}/self_assessment/", {"due_date": "2026-10-01"}).status_code == 403
    assert client.post(f"{base}/unknown/", {"completed": "1"}).status_code == 404
    client.post(f"{base}/self_assessment/", {"completed": "0"})
    stage.refresh_from_db()
    assert stage.completed_on is None


def test_the_auditor_sets_a_due_date(client, audit, people):
    client.force_login(people["nisc-auditor"])
    client.post(f"/audits/{audit.number}/stages/review/", {"due_date": "2026-10-15"})
    assert audit.stages.get(stage="review").due_date == dt.date(2026, 10, 15)
    client.post(f"/audits/{audit.number}/stages/review/", {"due_date": "not a date"})
    assert audit.stages.get(stage="review").due_date == dt.date(2026, 10, 15)


def test_a_viewer_sees_no_action_buttons(client, audit, people):
    client.force_login(people["mhlw-viewer"])
    html = client.get(f"/audits/{audit.number}/").content.decode()
    assert audit.number in html
    assert 'method="post"' not in html.split('<main id="main"')[1]
    assert f'href="/audits/{audit.number}/edit/"' not in html
    assert f'href="/audits/{audit.number}/widen/"' not in html
    assert f'href="/audits/{audit.number}/findings/new/"' not in html
    advance = client.post(f"/audits/{audit.number}/advance/", {"status": "reporting"})
    assert advance.status_code == 403
    stage = client.post(f"/audits/{audit.number}/stages/self_assessment/", {"completed": "1"})
    assert stage.status_code == 403
    assert client.get(f"/audits/{audit.number}/edit/").status_code == 403


def test_the_auditor_edits_the_audit(client, audit, people):
    client.force_login(people["nisc-auditor"])
    path = f"/audits/{audit.number}/edit/"
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "title": "新しい題",
            "lead": people["nisc-auditor"].pk,
            "period_start": "2026-06-01",
            "period_end": "2026-12-20",
            "method": "面談と書面",
            "conclusion": "概ね適合",
        },
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.title == "新しい題" and audit.conclusion == "概ね適合"
    backwards = client.post(
        path, {"title": "x", "period_start": "2026-12-01", "period_end": "2026-01-01"}
    )
    assert backwards.status_code == 200 and 'class="error-summary"' in backwards.content.decode()
    audit.refresh_from_db()
    assert audit.period_end == dt.date(2026, 12, 20)


def test_widening_adds_a_system_of_the_auditee(client, audit, people, systems):
    client.force_login(people["nisc-auditor"])
    path = f"/audits/{audit.number}/widen/"
    form = client.get(path).content.decode()
    assert "joint" in form and f'value="{systems["mhlw-app"].pk}"' not in form  # already in
    assert "meti-app" not in form  # not the auditee's
    response = client.post(path, {"systems": [systems["joint"].pk]})
    assert response.status_code == 302
    assert audit.scope_items.filter(system=systems["joint"]).exists()
    assert audit.results.filter(system=systems["joint"]).count() == 5
    stray = client.post(path, {"systems": [systems["meti-app"].pk]})
    assert stray.status_code == 200 and 'aria-invalid="true"' in stray.content.decode()
    client.force_login(people["mhlw-editor"])
    assert client.get(path).status_code == 403


def test_the_next_cycle_is_offered_once_closed_and_opens_the_new_audit(client, audit, people):
    auditor = people["nisc-auditor"]
    client.force_login(auditor)
    detail = f"/audits/{audit.number}/"
    assert 'action="/audits/A2026-0001/next-cycle/"' not in client.get(detail).content.decode()
    refused = client.post(f"{detail}next-cycle/", {})
    assert refused.status_code == 302 and Audit.objects.count() == 1
    _close(audit, auditor)
    assert f'action="{detail}next-cycle/"' in client.get(detail).content.decode()
    response = client.post(f"{detail}next-cycle/", {"fiscal_year": ""})
    following = Audit.objects.get(previous=audit)
    assert following.fiscal_year == 2027
    assert response["Location"] == f"/audits/{following.number}/"
    html = client.get(detail).content.decode()
    assert f'href="/audits/{following.number}/"' in html
    assert f'action="{detail}next-cycle/"' not in html  # once is enough


# --- the plan ------------------------------------------------------------------------------


def test_the_plan_shows_due_organizations_their_cover_and_the_gaps(client, audit, people):
    client.force_login(people["nisc-auditor"])
    html = client.get("/audits/plan/", {"year": "2026"}).content.decode()
    mhlw = _row(html, "plan-mhlw")
    assert f'href="/audits/{audit.number}/"' in mhlw and "tag--danger" not in mhlw
    meti = _row(html, "plan-meti")
    assert "tag--danger" in meti and "—" in meti
    assert "tag--danger" in _row(html, "plan-pmda")
    assert 'name="interval_ministry"' not in html  # rules are the platform admins'
    assert client.post("/audits/plan/", {"interval_ministry": "2"}).status_code == 403


def test_platform_admins_set_the_cycle_rules(client, platform_admin, demo_mode):
    client.force_login(platform_admin)
    html = client.get("/audits/plan/", {"year": "2026"}).content.decode()
    assert 'name="interval_ministry" value="1"' in html
    response = client.post(
        "/audits/plan/?year=2026",
        {"interval_ministry": "2", "interval_independent_agency": "3", "interval_ipa": "1"},
    )
    assert response.status_code == 302
    rules = dict(AuditCycleRule.objects.values_list("organization_kind", "interval_years"))
    assert rules == {"ministry": 2, "independent_agency": 3, "ipa": 1}  # digital_agency dropped
    bad = client.post("/audits/plan/?year=2026", {"interval_ministry": "0"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()


# --- the report ----------------------------------------------------------------------------


def test_the_report_page_renders_scope_findings_and_plans(client, audit, people):
    finding = services.finding_create(
        actor=people["nisc-auditor"],
        audit=audit,
        title="パッチ適用の遅れ",
        severity="high",
        grade="major",
        risk="既知の脆弱性が残る",
    )
    services.action_create(
        actor=people["mhlw-editor"],
        finding=finding,
        title="パッチ管理手順の整備",
        due_date=dt.date(2030, 1, 1),
        milestones=[{"title": "手順書", "due_date": dt.date(2029, 12, 1)}],
    )
    client.force_login(people["mhlw-viewer"])
    response = client.get(f"/audits/{audit.number}/report/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("パッチ適用の遅れ", "パッチ管理手順の整備", "手順書", "mhlw-app", audit.number):
        assert text in html
    assert f'href="/audits/{audit.number}/report.pdf"' in html
    assert f'href="/audits/{audit.number}/oscal-poam.json"' in html


needs_exporters = pytest.mark.skipif(
    importlib.util.find_spec("shireito.audits.exporters") is None
    or importlib.util.find_spec("shireito.audits.report") is None,
    reason="the exporters are not written yet",
)


@needs_exporters
def test_the_oscal_downloads_are_json_attachments(client, audit, people):
    client.force_login(people["mhlw-viewer"])
    response = client.get(f"/audits/{audit.number}/oscal-ar.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{audit.number}-assessment-results.json"'
    )
    assert "assessment-results" in json.loads(response.content)
    # no corrective action yet: no POA&M to give, said on the audit's page
    empty = client.get(f"/audits/{audit.number}/oscal-poam.json")
    assert empty.status_code == 302 and empty["Location"] == f"/audits/{audit.number}/"
    finding = services.finding_create(
        actor=people["nisc-auditor"],
        audit=audit,
        title="t",
        severity="low",
        grade="minor",
        risk="r",
    )
    services.action_create(
        actor=people["mhlw-editor"], finding=finding, title="a", due_date=dt.date(2030, 1, 1)
    )
    poam = client.get(f"/audits/{audit.number}/oscal-poam.json")
    assert poam.status_code == 200 and poam["Content-Type"] == "application/json"
    assert poam["Content-Disposition"] == f'attachment; filename="{audit.number}-poam.json"'
    assert "plan-of-action-and-milestones" in json.loads(poam.content)


@needs_exporters
def test_the_report_pdf_is_an_attachment(client, audit, people):
    client.force_login(people["mhlw-editor"])
    response = client.get(f"/audits/{audit.number}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{audit.number}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_a_controls_page_shows_its_results_across_the_users_audits(client, audit, people, baseline):
    # given a result recorded for control 2.2
    services.results_record(
        actor=people["nisc-auditor"],
        audit=audit,
        entries=[
            {"system": "mhlw-app", "control": "2.2", "status": "not_satisfied", "note": "ログ不足"}
        ],
    )
    control = baseline.nodes.get(label="2.2")
    path = f"/standards/{baseline.key}/controls/{control.oscal_id}/"
    # when a party and an outsider open the control's page
    client.force_login(people["mhlw-viewer"])
    party = client.get(path).content.decode()
    client.force_login(people["meti-editor"])
    outsider = client.get(path).content.decode()
    # then only the party sees the audit and its result
    assert f'href="/audits/{audit.number}/"' in party and "ログ不足" in party
    assert audit.number not in outsider and "ログ不足" not in outsider
