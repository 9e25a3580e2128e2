"""The pages of the work inside an audit: the bulk results sheet (each side edits only its own
columns, all or nothing), the results import, findings and their follow-up, corrective actions
through verification, and evidence (upload, scoped download, deletion, expiry)."""

import datetime as dt
import importlib.util
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.audits import services
from shireito.audits.models import ControlResult, CorrectiveAction, Evidence, Finding
from shireito.core.models import AuditEvent
from shireito.standards.importers import import_catalog
from tests.factories import make_user, pdf_bytes

pytestmark = pytest.mark.django_db

PERIOD = {
    "fiscal_year": 2026,
    "period_start": dt.date(2026, 6, 1),
    "period_end": dt.date(2026, 12, 20),
}


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English, so the assertions read the msgids."""
    client.cookies["django_language"] = "en"


def url(audit, tail=""):
    return f"/audits/{audit.number}/{tail}"


def html_of(response) -> str:
    return response.content.decode()


def result_of(audit, label) -> ControlResult:
    return audit.results.get(control__label=label)


# --- the results sheet -----------------------------------------------------------------------


@pytest.fixture
def big_audit(government, systems, people):
    """An audit of a catalog with 250 controls: more than one page of the sheet."""
    lines = ["id,parent,kind,title,statement,guidance", "1,,part,All,,"]
    lines += [f"1.{n},1,measure,Control {n},Do thing {n}.," for n in range(1, 251)]
    catalog = import_catalog(
        "\n".join(lines).encode(),
        fmt="csv",
        actor=None,
        key="big",
        title="Big",
        owner=government["nisc"],
    ).catalog
    made = services.audit_create(
        actor=people["nisc-auditor"],
        kind="security_audit",
        auditee=government["mhlw"],
        systems=[systems["mhlw-app"]],
        baseline=catalog,
        **PERIOD,
    )
    return services.audit_advance(actor=people["nisc-auditor"], audit=made, status="fieldwork")


def test_the_sheet_renders_200_labelled_rows_a_page_in_few_queries(
    client, big_audit, people, django_assert_max_num_queries
):
    # given the auditor on an audit of 250 controls
    client.force_login(people["nisc-auditor"])
    # when the first page is read
    with django_assert_max_num_queries(25):
        response = client.get(url(big_audit, "results/"))
    # then it holds 200 rows, each result select labelled by its control id
    html = html_of(response)
    assert response.status_code == 200
    selects = re.findall(r'<select id="(r-\d+-status)"', html)
    assert len(selects) == 200
    for ident in selects:
        assert f'<label class="visually-hidden" for="{ident}">' in html
    assert not re.search(r'<select id="r-\d+-claimed"', html)  # the auditee's column is text
    assert "Page 1 of 2" in html
    # and the second page holds the rest
    second = html_of(client.get(url(big_audit, "results/"), {"page": 2}))
    assert len(re.findall(r'<select id="r-\d+-status"', second)) == 50
    # the auditee gets the claim columns instead
    client.force_login(people["mhlw-editor"])
    auditee = html_of(client.get(url(big_audit, "results/")))
    assert len(re.findall(r'<select id="r-\d+-claimed"', auditee)) == 200
    assert not re.search(r'<select id="r-\d+-status"', auditee)


def test_the_sheet_filters_by_status_and_search(client, audit, people):
    services.results_record(
        actor=people["nisc-auditor"],
        audit=audit,
        entries=[{"system": "mhlw-app", "control": "2.2", "status": "not_satisfied"}],
    )
    client.force_login(people["mhlw-viewer"])
    html = html_of(client.get(url(audit, "results/"), {"status": "not_satisfied"}))
    assert "<code>2.2</code>" in html and "<code>1.1</code>" not in html
    found = html_of(client.get(url(audit, "results/"), {"search": "Patch"}))
    assert "<code>2.3</code>" in found and "<code>2.2</code>" not in found
    # a viewer of the auditee reads, and has nothing to save
    assert '<select id="r-' not in html and "Save the results" not in html


def test_each_side_changes_only_its_own_column(client, audit, people):
    claim, review = result_of(audit, "1.1"), result_of(audit, "2.1")
    # given the auditee
    client.force_login(people["mhlw-editor"])
    # when it records a claim
    response = client.post(
        url(audit, "results/"),
        {f"r-{claim.pk}-claimed": "satisfied", f"r-{claim.pk}-claim_note": "方針あり\r\n第2版"},
    )
    # then it is saved, and back to the same page with a message
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.claimed == "satisfied" and claim.claim_note == "方針あり\n第2版"
    assert "1 result saved" in html_of(client.get(response["Location"]))
    # when it tries the auditors' column, nothing changes and the page says why
    response = client.post(
        url(audit, "results/"),
        {f"r-{review.pk}-status": "satisfied", f"r-{claim.pk}-claimed": "partially"},
    )
    assert response.status_code == 200
    assert "Only the auditors record results." in html_of(response)
    review.refresh_from_db()
    claim.refresh_from_db()
    assert review.status == "not_assessed" and claim.claimed == "satisfied"
    # and the auditors cannot write the claim either
    client.force_login(people["nisc-auditor"])
    response = client.post(url(audit, "results/"), {f"r-{claim.pk}-claimed": "not_satisfied"})
    assert response.status_code == 200
    assert "Only the audited organization records its self-assessment." in html_of(response)
    claim.refresh_from_db()
    assert claim.claimed == "satisfied"
    # while their own column saves, the unchanged rows of the page not counted
    page_rows = {
        f"r-{r.pk}-{name}": getattr(r, name)
        for r in audit.results.all()
        for name in ("status", "note")
    }
    page_rows[f"r-{review.pk}-status"] = "partially"
    response = client.post(url(audit, "results/") + "?status=", page_rows, follow=True)
    assert "1 result saved" in html_of(response)
    review.refresh_from_db()
    assert review.status == "partially"


def test_a_bad_status_shows_the_problem_beside_its_row_and_saves_nothing(client, audit, people):
    good, bad = result_of(audit, "1.1"), result_of(audit, "1.2")
    client.force_login(people["nisc-auditor"])
    response = client.post(
        url(audit, "results/"),
        {
            f"r-{good.pk}-status": "satisfied",
            f"r-{good.pk}-note": "確認済み",
            f"r-{bad.pk}-status": "good",
        },
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "There is a problem; nothing was saved" in html
    assert f'href="#r-{bad.pk}-status"' in html  # the summary links to the field
    assert f'id="r-{bad.pk}-status-error"' in html and "Unknown status" in html
    assert 'aria-invalid="true"' in html
    # what was typed is kept on the page, and nothing is written
    assert "確認済み" in html
    assert not ControlResult.objects.filter(audit=audit).exclude(status="not_assessed").exists()


def test_a_non_party_gets_404_for_every_page(client, audit, people):
    client.force_login(people["meti-editor"])
    for tail in ("results/", "results/import/", "evidence/", "findings/new/"):
        assert client.get(url(audit, tail)).status_code == 404


@pytest.mark.skipif(
    importlib.util.find_spec("shireito.audits.importers") is None,
    reason="the results importer is not written yet",
)
def test_results_import_from_csv(client, audit, people):
    client.force_login(people["nisc-auditor"])
    page = html_of(client.get(url(audit, "results/import/")))
    assert "system, control, status, note, claimed, claim_note" in page
    bad = "system,control,status,note\nmhlw-app,1.1,satisfied,ok\nmhlw-app,1.2,good,\n"
    response = client.post(
        url(audit, "results/import/"),
        {"file": SimpleUploadedFile("r.csv", bad.encode()), "format": "csv"},
    )
    html = html_of(response)
    assert response.status_code == 200 and "nothing was written" in html
    assert re.search(r"<code>[^<]*status</code>", html)
    assert result_of(audit, "1.1").status == "not_assessed"
    good = "system,control,status,note\nmhlw-app,1.1,satisfied,ok\nmhlw-app,1.2,partially,\n"
    response = client.post(
        url(audit, "results/import/"),
        {"file": SimpleUploadedFile("r.csv", good.encode()), "format": "csv"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url(audit, "results/")
    assert "2 results changed" in html_of(response)
    assert result_of(audit, "1.2").status == "partially"
    # a viewer may not import at all
    client.force_login(people["mhlw-viewer"])
    assert client.get(url(audit, "results/import/")).status_code == 403


# --- findings --------------------------------------------------------------------------------


def finding_post(audit, scope_systems, **changes):
    data = {
        "title": "パッチ適用の遅れ",
        "severity": "high",
        "grade": "major",
        "controls": "2.3\n1.1",
        "systems": [scope_systems["mhlw-app"].pk],
        "risk": "既知の脆弱性が残る",
        "root_cause": "手順がない",
        "recommendation": "手順を定めること",
    }
    data.update(changes)
    return data


def test_finding_create_edit_and_detail(client, audit, people, systems):
    auditor = people["nisc-auditor"]
    client.force_login(auditor)
    assert client.get(url(audit, "findings/new/")).status_code == 200
    # an unknown control id is a field error, nothing recorded
    response = client.post(
        url(audit, "findings/new/"), finding_post(audit, systems, controls="2.3, 9.9")
    )
    assert response.status_code == 200
    assert "Not controls of this audit&#x27;s baselines: 9.9" in html_of(response)
    assert not Finding.objects.exists()
    # a good one is recorded and shown
    response = client.post(url(audit, "findings/new/"), finding_post(audit, systems))
    assert response.status_code == 302 and response["Location"] == url(audit, "findings/1/")
    finding = Finding.objects.get()
    assert sorted(c.label for c in finding.controls.all()) == ["1.1", "2.3"]
    assert list(finding.systems.all()) == [systems["mhlw-app"]]
    html = html_of(client.get(response["Location"]))
    node = finding.controls.get(label="2.3")
    assert f'href="/standards/baseline/controls/{node.oscal_id}/"' in html
    assert "既知の脆弱性が残る" in html and "手順を定めること" in html
    assert url(audit, "findings/1/edit/") in html
    # edited: title and controls
    response = client.post(
        url(audit, "findings/1/edit/"),
        finding_post(audit, systems, title="改題", controls="2.3", systems=[]),
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.title == "改題" and [c.label for c in finding.controls.all()] == ["2.3"]
    assert not finding.systems.exists()
    # the auditee reads it, may plan actions, but neither records nor edits findings
    client.force_login(people["mhlw-editor"])
    detail = html_of(client.get(url(audit, "findings/1/")))
    assert "改題" in detail and url(audit, "findings/1/actions/new/") in detail
    assert url(audit, "findings/1/edit/") not in detail
    assert client.get(url(audit, "findings/new/")).status_code == 403
    assert (
        client.post(url(audit, "findings/1/edit/"), finding_post(audit, systems)).status_code == 403
    )


def test_follow_up_is_offered_to_the_agency_and_a_refusal_is_shown(
    client, government, systems, baseline, people
):
    # given a service-assurance audit by the Digital Agency of a joint system
    agency = make_user(
        username="da-lead", organization=government["da"], roles=["auditor", "editor"]
    )
    audit = services.audit_create(
        actor=agency,
        kind="service_assurance",
        auditee=government["mhlw"],
        systems=[systems["joint"]],
        baseline=baseline,
        **PERIOD,
    )
    finding = services.finding_create(
        actor=agency, audit=audit, title="t", severity="medium", grade="minor", risk="r"
    )
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    # the audited ministry is not offered the follow-up, and a post is refused on the page
    client.force_login(people["mhlw-editor"])
    page = html_of(client.get(url(audit, "findings/1/")))
    assert url(audit, "findings/1/follow-up/") not in page
    refused = client.post(url(audit, "findings/1/follow-up/"), {"follow-up-due_date": due})
    assert refused.status_code == 200 and "Only the Digital Agency may do this." in html_of(refused)
    # the agency is offered it; a due date in the past is a field error
    client.force_login(agency)
    assert url(audit, "findings/1/follow-up/") in html_of(client.get(url(audit, "findings/1/")))
    late = client.post(url(audit, "findings/1/follow-up/"), {"follow-up-due_date": "2020-01-01"})
    assert late.status_code == 200 and "The answer is due after today." in html_of(late)
    # when it raises one, the finding links to the recommendation
    response = client.post(
        url(audit, "findings/1/follow-up/"), {"follow-up-due_date": due}, follow=True
    )
    finding.refresh_from_db()
    assert finding.follow_up is not None
    html = html_of(response)
    assert f'href="/systems/recommendations/{finding.follow_up.number}/"' in html
    assert url(audit, "findings/1/follow-up/") not in html


# --- corrective actions ----------------------------------------------------------------------


@pytest.fixture
def finding(audit, people):
    return services.finding_create(
        actor=people["nisc-auditor"],
        audit=audit,
        title="パッチ適用の遅れ",
        severity="high",
        grade="major",
        risk="既知の脆弱性が残る",
    )


def test_action_create_progress_and_verify_closes_it(client, audit, finding, people):
    auditee, auditor = people["mhlw-editor"], people["nisc-auditor"]
    client.force_login(auditee)
    new = url(audit, "findings/1/actions/new/")
    # a malformed milestone line is a field error
    response = client.post(
        new, {"title": "手順整備", "due_date": "2020-03-31", "milestones": "next week draft"}
    )
    assert response.status_code == 200 and "write the date as YYYY-MM-DD" in html_of(response)
    assert not CorrectiveAction.objects.exists()
    # planned with its first milestones
    response = client.post(
        new,
        {
            "title": "手順整備",
            "description": "手順書を作る",
            "owner_contact": "情報システム課 山田",
            "due_date": "2020-03-31",
            "milestones": "2020-01-31 手順書案\n\n2020-02-28 承認",
        },
    )
    action = CorrectiveAction.objects.get()
    assert response.status_code == 302 and response["Location"] == url(
        audit, f"actions/{action.pk}/"
    )
    assert [m.title for m in action.milestones.all()] == ["手順書案", "承認"]
    page = html_of(client.get(response["Location"]))
    assert "overdue" in page  # due in 2020 and not closed
    # a milestone is ticked done and another added
    first = action.milestones.first()
    client.post(response["Location"], {"do": "milestone_done", "milestone": first.pk, "done": "1"})
    first.refresh_from_db()
    assert first.done_on == dt.date.today()
    client.post(
        response["Location"],
        {"do": "milestone", "milestone-title": "周知", "milestone-due_date": "2020-03-15"},
    )
    assert action.milestones.count() == 3
    # the auditors may not report the owner's progress
    progress = {
        "do": "progress",
        "progress-status": "awaiting_verification",
        "progress-title": "手順整備",
        "progress-description": "手順書を作った",
        "progress-owner_contact": "情報システム課 山田",
        "progress-due_date": "2020-03-31",
    }
    client.force_login(auditor)
    assert "Report progress" not in html_of(client.get(response["Location"]))
    assert client.post(response["Location"], progress).status_code == 403
    # the owner reports it done
    client.force_login(auditee)
    assert client.post(response["Location"], progress).status_code == 302
    action.refresh_from_db()
    assert action.status == "awaiting_verification" and action.description == "手順書を作った"
    assert "Verify the action" not in html_of(client.get(response["Location"]))
    # the auditors refuse without a reason: an error; then accept, which closes it
    client.force_login(auditor)
    refused = client.post(response["Location"], {"do": "verify", "verify-accepted": "no"})
    assert refused.status_code == 200 and "Say what is still missing." in html_of(refused)
    accepted = client.post(
        response["Location"],
        {"do": "verify", "verify-accepted": "yes", "verify-note": "確認した"},
        follow=True,
    )
    action.refresh_from_db()
    finding.refresh_from_db()
    assert action.status == "closed" and action.verified_by == auditor
    assert finding.status == "closed"
    html = html_of(accepted)
    assert "The verification is recorded." in html and "確認した" in html
    assert "overdue" not in html


# --- evidence --------------------------------------------------------------------------------


def upload(name, content: bytes):
    return SimpleUploadedFile(name, content)


def test_evidence_upload_download_and_scoping(
    client, audit, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["mhlw-editor"])
    pdf = pdf_bytes("evidence of policy")
    # a control id that is not in the audit is a field error
    response = client.post(
        url(audit, "evidence/"), {"file": upload("方針.pdf", pdf), "control": "9.9"}
    )
    assert response.status_code == 200 and "No such control result" in html_of(response)
    # a file that is not what it says is refused by the service, beside the file field
    response = client.post(
        url(audit, "evidence/"), {"file": upload("x.pdf", b"MZ..."), "control": "1.1"}
    )
    assert response.status_code == 200 and "is not a .pdf file" in html_of(response)
    # the good one is attached to the result of control 1.1 (its file stored on commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(audit, "evidence/"),
            {"file": upload("方針.pdf", pdf), "control": "1.1", "title": "情報セキュリティ方針"},
        )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert item.result == result_of(audit, "1.1")
    listing = html_of(client.get(url(audit, "evidence/")))
    assert "情報セキュリティ方針" in listing and "方針.pdf" in listing
    # the results sheet counts it and links to it
    sheet = html_of(client.get(url(audit, "results/")))
    assert f'href="{url(audit, "evidence/")}?result={item.result_id}">1<' in sheet
    # the auditors download the same bytes, as an attachment under the Japanese name
    client.force_login(people["nisc-auditor"])
    response = client.get(url(audit, f"evidence/{item.pk}/r1/download/"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "utf-8''%E6%96%B9%E9%87%9D.pdf" in response["Content-Disposition"]
    assert client.get(url(audit, f"evidence/{item.pk}/r2/download/")).status_code == 404
    # someone who is no party gets nothing
    client.force_login(people["meti-editor"])
    assert client.get(url(audit, f"evidence/{item.pk}/r1/download/")).status_code == 404
    assert client.get(url(audit, f"evidence/{item.pk}/")).status_code == 404


def test_evidence_for_a_finding_revised_then_deleted_with_the_trail(
    client, audit, finding, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["nisc-auditor"])
    # attached from the finding's page, back to the finding
    response = client.post(
        url(audit, "evidence/"),
        {"file": upload("log.txt", "ログ".encode()), "finding": "1", "back": "finding"},
    )
    assert response["Location"] == url(audit, "findings/1/")
    item = Evidence.objects.get()
    assert item.finding == finding and item.title == "log.txt"
    assert "log.txt" in html_of(client.get(url(audit, "findings/1/")))
    # a new revision
    detail = url(audit, f"evidence/{item.pk}/")
    response = client.post(detail, {"do": "revise", "revision-file": upload("log-v2.txt", b"v2")})
    assert response.status_code == 302
    assert [r.number for r in item.revisions.all()] == [2, 1]
    page = html_of(client.get(detail))
    assert url(audit, f"evidence/{item.pk}/r1/download/") in page
    assert url(audit, f"evidence/{item.pk}/r2/download/") in page
    # deleting needs the confirmation
    response = client.post(detail, {"do": "delete"})
    assert response.status_code == 200 and Evidence.objects.filter(pk=item.pk).exists()
    response = client.post(detail, {"do": "delete", "delete-confirm": "on"})
    assert response.status_code == 302 and response["Location"] == url(audit, "evidence/")
    assert not Evidence.objects.filter(pk=item.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="audits.evidence", object_id=str(item.pk), action="delete"
    ).exists()
    # a viewer of the auditee may read evidence but not change it
    client.force_login(people["mhlw-viewer"])
    assert "Add evidence" not in html_of(client.get(url(audit, "evidence/")))
    forbidden = client.post(
        url(audit, "evidence/"), {"file": upload("a.txt", b"a"), "finding": "1"}
    )
    assert forbidden.status_code == 403


def test_expired_evidence_is_flagged(client, audit, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["mhlw-editor"])
    client.post(
        url(audit, "evidence/"),
        {
            "file": upload("old.txt", b"old"),
            "control": "2.1",
            "effective_date": "2020-01-01",
            "expiry_date": "2020-12-31",
        },
    )
    client.post(
        url(audit, "evidence/"),
        {"file": upload("new.txt", b"new"), "control": "2.2", "expiry_date": "2999-12-31"},
    )
    html = html_of(client.get(url(audit, "evidence/")))
    rows = {
        name: row
        for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S)
        for name in ("old.txt", "new.txt")
        if name in row
    }
    assert "expired" in rows["old.txt"] and "2020-12-31" in rows["old.txt"]
    assert "expired" not in rows["new.txt"]
    # an expiry before the effective date is refused beside the field
    response = client.post(
        url(audit, "evidence/"),
        {
            "file": upload("bad.txt", b"bad"),
            "control": "2.3",
            "effective_date": "2026-01-01",
            "expiry_date": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "The evidence expires before it takes effect." in html_of(response)


def test_an_audit_of_several_systems_shows_one_system_at_a_time(client, audit, people, systems):
    services.audit_widen(actor=people["nisc-auditor"], audit=audit, systems=[systems["joint"]])
    joint = audit.results.get(system__code="joint", control__label="1.1")
    mine = audit.results.get(system__code="mhlw-app", control__label="1.1")
    client.force_login(people["nisc-auditor"])
    # the first system by default, with a choice of the others
    html = html_of(client.get(url(audit, "results/")))
    assert '<select name="system" id="id_system">' in html
    assert f'id="r-{joint.pk}-status"' in html and f'id="r-{mine.pk}-status"' not in html
    # another system chosen; an unknown one falls back to the first
    html = html_of(client.get(url(audit, "results/"), {"system": "mhlw-app"}))
    assert f'id="r-{mine.pk}-status"' in html and f'id="r-{joint.pk}-status"' not in html
    html = html_of(client.get(url(audit, "results/"), {"system": "nope"}))
    assert f'id="r-{joint.pk}-status"' in html
    # a save comes back to the same filtered page
    response = client.post(
        url(audit, "results/") + "?system=mhlw-app", {f"r-{mine.pk}-status": "satisfied"}
    )
    assert response["Location"] == url(audit, "results/") + "?system=mhlw-app"


# --- a save of an old copy of the sheet --------------------------------------------------------

WAS_INPUT = re.compile(r'<input type="hidden" name="(r-(\d+)-(\w+))-was" value="([^"]*)">')


def loaded_sheet(response) -> dict[str, str]:
    """What a browser posts back for the sheet as loaded: each editable field with its value,
    and the hidden value it was loaded with."""
    import html as html_module
    import json

    data = {}
    for name, _pk, _field, was in WAS_INPUT.findall(html_of(response)):
        was = html_module.unescape(was)
        data[name] = json.loads(was)
        data[f"{name}-was"] = was
    return data


def test_a_save_of_an_old_copy_sends_only_what_it_changed(client, audit, people):
    first, second = result_of(audit, "1.1"), result_of(audit, "1.2")
    # given the auditor A loads the sheet, with each field's loaded value beside it
    client.force_login(people["nisc-auditor"])
    sheet = loaded_sheet(client.get(url(audit, "results/")))
    assert sheet[f"r-{first.pk}-status"] == "not_assessed"
    assert sheet[f"r-{first.pk}-note-was"] == '""'
    # and B then saves row 1
    services.results_record(
        actor=people["nisc-auditor"],
        audit=audit,
        entries=[{"id": first.pk, "status": "satisfied", "note": "B が確認"}],
    )
    # when A saves the old copy, having changed row 2 only
    sheet[f"r-{second.pk}-status"] = "partially"
    response = client.post(url(audit, "results/"), sheet, follow=True)
    # then row 2 is saved and row 1 keeps B's value
    assert "1 result saved" in html_of(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.note) == ("satisfied", "B が確認")
    assert second.status == "partially"


def test_changing_a_value_someone_else_changed_meanwhile_is_a_conflict(client, audit, people):
    first, second = result_of(audit, "1.1"), result_of(audit, "1.2")
    client.force_login(people["nisc-auditor"])
    sheet = loaded_sheet(client.get(url(audit, "results/")))
    services.results_record(
        actor=people["nisc-auditor"],
        audit=audit,
        entries=[{"id": first.pk, "status": "satisfied"}],
    )
    # when A's old copy changes row 1 too
    sheet[f"r-{first.pk}-status"] = "not_satisfied"
    sheet[f"r-{second.pk}-status"] = "partially"
    response = client.post(url(audit, "results/"), sheet)
    # then the conflict is shown beside row 1, and nothing is saved
    html = html_of(response)
    assert response.status_code == 200
    assert "There is a problem; nothing was saved" in html
    assert f'id="r-{first.pk}-status-error"' in html and "Changed by someone else" in html
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "satisfied" and second.status == "not_assessed"
    # A's choices are kept; row 1 now stands against B's value, so saving again overwrites it
    again = loaded_sheet(response)
    assert again[f"r-{first.pk}-status"] == "satisfied"  # the hidden value: B's
    assert re.search(
        rf'<select id="r-{first.pk}-status"[^>]*>.*?<option value="not_satisfied" selected>',
        html,
        flags=re.S,
    )
    again[f"r-{first.pk}-status"] = "not_satisfied"
    again[f"r-{second.pk}-status"] = "partially"
    assert "2 results saved" in html_of(client.post(url(audit, "results/"), again, follow=True))
    first.refresh_from_db()
    assert first.status == "not_satisfied"


# --- who is offered what on evidence; refusals shown -------------------------------------------


def test_the_audited_organization_may_not_delete_or_revise_the_auditors_evidence(
    client, audit, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # given evidence uploaded by the auditors, and evidence uploaded by the auditee
    client.force_login(people["nisc-auditor"])
    client.post(url(audit, "evidence/"), {"file": upload("audit.txt", b"a"), "control": "1.1"})
    theirs = Evidence.objects.get(title="audit.txt")
    client.force_login(people["mhlw-editor"])
    client.post(url(audit, "evidence/"), {"file": upload("own.txt", b"o"), "control": "1.2"})
    own = Evidence.objects.get(title="own.txt")
    # then the auditee is offered neither revision nor deletion of the auditors' evidence
    page = html_of(client.get(url(audit, f"evidence/{theirs.pk}/")))
    assert "Upload a new revision" not in page and "Delete this evidence" not in page
    # and a post anyway is refused, leaving it as it was
    for data in (
        {"do": "delete", "delete-confirm": "on"},
        {"do": "revise", "revision-file": upload("swap.txt", b"swapped")},
    ):
        assert client.post(url(audit, f"evidence/{theirs.pk}/"), data).status_code == 403
    assert theirs.revisions.count() == 1 and Evidence.objects.filter(pk=theirs.pk).exists()
    # while its own evidence is its to revise and delete
    page = html_of(client.get(url(audit, f"evidence/{own.pk}/")))
    assert "Upload a new revision" in page and "Delete this evidence" in page
    # and the auditors may revise and delete either
    client.force_login(people["nisc-auditor"])
    page = html_of(client.get(url(audit, f"evidence/{own.pk}/")))
    assert "Upload a new revision" in page and "Delete this evidence" in page
    response = client.post(
        url(audit, f"evidence/{own.pk}/"), {"do": "delete", "delete-confirm": "on"}
    )
    assert response.status_code == 302 and not Evidence.objects.filter(pk=own.pk).exists()


def close(audit, people):
    auditor = people["nisc-auditor"]
    services.audit_advance(actor=auditor, audit=audit, status="reporting")
    services.audit_update(actor=auditor, audit=audit, conclusion="適合")
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[{"id": r.pk, "status": "satisfied"} for r in audit.results.all()],
    )
    return services.audit_advance(actor=auditor, audit=audit, status="closed")


def test_an_upload_refused_because_the_audit_closed_says_so(
    client, audit, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["nisc-auditor"])
    client.post(url(audit, "evidence/"), {"file": upload("a.txt", b"a"), "control": "1.1"})
    item = Evidence.objects.get()
    # given the audit closes while the pages are open
    close(audit, people)
    # when a new piece of evidence is uploaded, the form comes back with the reason
    response = client.post(
        url(audit, "evidence/"), {"file": upload("late.txt", b"late"), "control": "1.2"}
    )
    html = html_of(response)
    assert response.status_code == 200 and "This audit is closed." in html
    assert 'class="error-summary' in html or "There is a problem" in html
    # and so does a new revision
    response = client.post(
        url(audit, f"evidence/{item.pk}/"),
        {"do": "revise", "revision-file": upload("late.txt", b"late")},
    )
    assert response.status_code == 200 and "This audit is closed." in html_of(response)
    assert Evidence.objects.count() == 1 and item.revisions.count() == 1
    # while a closed audit offers no upload at all when nothing was posted
    assert "Add evidence" not in html_of(client.get(url(audit, "evidence/")))


# --- ids out of range ---------------------------------------------------------------------------

HUGE = "99999999999999999999"  # more than the database's largest id


def test_ids_out_of_range_are_not_found_never_a_server_error(
    client, audit, finding, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["nisc-auditor"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(audit, "evidence/"), {"file": upload("a.txt", b"a"), "control": "1.1"})
    item = Evidence.objects.get()
    for tail in (
        f"evidence/{HUGE}/",
        f"evidence/{HUGE}/r1/download/",
        f"evidence/{item.pk}/r{HUGE}/download/",
        f"findings/{HUGE}/",
        f"findings/{HUGE}/edit/",
        f"findings/{HUGE}/actions/new/",
        f"actions/{HUGE}/",
    ):
        assert client.get(url(audit, tail)).status_code == 404, tail
    # a filter naming no result or finding shows nothing, like an unknown one
    for query in ({"result": HUGE}, {"finding": HUGE}, {"result": "²"}, {"result": "-1"}):
        response = client.get(url(audit, "evidence/"), query)
        assert response.status_code == 200 and "No evidence yet." in html_of(response), query
    assert "a.txt" in html_of(client.get(url(audit, "evidence/"), {"result": item.result_id}))
    # a posted result id is a field error
    response = client.post(url(audit, "evidence/"), {"file": upload("b.txt", b"b"), "result": HUGE})
    assert response.status_code == 200 and "No such control result" in html_of(response)
    # a sheet row that cannot be a result is named as none, however long its number
    for row in (HUGE, "9" * 5000):
        response = client.post(
            url(audit, "results/"),
            f"r-{row}-status=satisfied",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "No such result in this audit." in html_of(response)
    assert not ControlResult.objects.filter(audit=audit, status="satisfied").exists()
