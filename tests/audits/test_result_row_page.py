"""The results sheet's inline edit: one row saved on its own, without JavaScript (the page's
form sent to the row's address) and with htmx (just the row sent back), in both languages."""

import pytest

from shireito.audits.models import ControlResult
from shireito.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(audit):
    return ControlResult.objects.filter(audit=audit).order_by("position", "pk").first()


def _row_post(result, **fields):
    """What the sheet's form sends for one row, as loaded (its version and ``-was`` twins)."""
    body = {f"r-{result.pk}-version": str(result.version)}
    for name, value in fields.items():
        body[f"r-{result.pk}-{name}"] = value
    return body


def _path(audit, result):
    return f"/audits/{audit.number}/results/{result.pk}/"


def _language(client, code):
    client.cookies["django_language"] = code


def test_the_sheet_offers_each_row_a_labelled_save_and_its_version(client, audit, people, first):
    # given the auditor on the results sheet, in English
    _language(client, "en")
    client.force_login(people["nisc-auditor"])

    # when the sheet is shown
    html = client.get(f"/audits/{audit.number}/results/").content.decode()

    # then each row has its save button, named by its control, sent to the row's address
    assert f'id="r-{first.pk}-save"' in html
    assert f'formaction="{_path(audit, first)}"' in html
    assert f'hx-post="{_path(audit, first)}"' in html
    assert f'Save<span class="visually-hidden"> {first.control.label}</span>' in html
    assert f'name="r-{first.pk}-version" value="{first.version}"' in html
    assert 'id="row-status"' in html and 'role="status"' in html


def test_a_reader_is_offered_no_row_save(client, audit, people, first):
    client.force_login(people["mhlw-viewer"])
    html = client.get(f"/audits/{audit.number}/results/").content.decode()
    assert f'id="r-{first.pk}-save"' not in html
    # and sending one anyway is refused
    response = client.post(_path(audit, first), _row_post(first, claimed="satisfied"))
    assert response.status_code == 403


def test_a_row_saved_without_javascript_goes_back_to_the_sheet(client, audit, people, first):
    # given the auditor, in English, and the trail so far
    _language(client, "en")
    client.force_login(people["nisc-auditor"])
    events = AuditEvent.objects.filter(object_type="audits.audit").count()

    # when the row's form is posted as a plain form (no htmx), with the sheet's filter
    response = client.post(
        _path(audit, first) + "?system=mhlw-app",
        _row_post(first, status="satisfied", note="方針を確認"),
    )

    # then the result is saved, one trail event written, and the sheet shown at the row
    assert response.status_code == 302
    assert response["Location"] == (
        f"/audits/{audit.number}/results/?system=mhlw-app#row-{first.pk}"
    )
    stored = ControlResult.objects.get(pk=first.pk)
    assert (stored.status, stored.note, stored.version) == (
        "satisfied",
        "方針を確認",
        first.version + 1,
    )
    assert AuditEvent.objects.filter(object_type="audits.audit").count() == events + 1
    sheet = client.get(response["Location"]).content.decode()
    assert f"Saved: {first.control.label}." in sheet


def test_a_refused_row_without_javascript_shows_the_row_with_its_error_in_japanese(
    client, audit, people, first
):
    # given the audited organization's editor, in Japanese
    _language(client, "ja")
    client.force_login(people["mhlw-editor"])

    # when they send an unknown self-assessment for the row
    response = client.post(_path(audit, first), _row_post(first, claimed="good"))

    # then the row is shown on its own page with the problem, in Japanese, and nothing saved
    assert response.status_code == 200
    html = response.content.decode()
    assert "問題があります" in html or 'class="error-summary"' in html
    assert f'id="r-{first.pk}-claimed"' in html and 'aria-invalid="true"' in html
    assert "Unknown status" not in html
    assert "評価結果" in html  # the page's heading and labels are Japanese
    assert ControlResult.objects.get(pk=first.pk).version == first.version


def test_a_row_saved_with_htmx_comes_back_alone_with_a_status_line(client, audit, people, first):
    # given the auditor, in Japanese
    _language(client, "ja")
    client.force_login(people["nisc-auditor"])

    # when the row is saved through htmx
    response = client.post(
        _path(audit, first), _row_post(first, status="partially"), HTTP_HX_REQUEST="true"
    )

    # then only the row comes back, at its new version, and the status line says it is saved
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="row-{first.pk}">')
    assert "<html" not in html
    assert f'name="r-{first.pk}-version" value="{first.version + 1}"' in html
    assert 'hx-swap-oob="true"' in html and f"保存しました: {first.control.label}" in html
    assert ControlResult.objects.get(pk=first.pk).status == "partially"


def test_a_row_changed_by_someone_else_is_a_conflict_with_the_edit_kept(
    client, api, audit, people, first
):
    # given the row loaded by the auditor, then saved by a colleague over the API
    _language(client, "en")
    client.force_login(people["nisc-auditor"])
    loaded = _row_post(first, note="私の所見")
    path = f"/api/v1/audits/{audit.number}/results/{first.pk}"
    assert api(people["nisc-auditor"], "patch", path, {"note": "同僚"}).status_code == 200

    # when the row is saved through htmx from what was loaded
    response = client.post(_path(audit, first), loaded, HTTP_HX_REQUEST="true")

    # then the row comes back with the edit kept, the conflict said, the current version set
    html = response.content.decode()
    assert response.status_code == 200
    assert "私の所見" in html
    assert "Someone else saved a change" in html
    assert f'name="r-{first.pk}-version" value="{first.version + 1}"' in html
    assert ControlResult.objects.get(pk=first.pk).note == "同僚"
    # and saving again from there overwrites on purpose
    again = client.post(
        _path(audit, first),
        {f"r-{first.pk}-version": str(first.version + 1), f"r-{first.pk}-note": "私の所見"},
        HTTP_HX_REQUEST="true",
    )
    assert again.status_code == 200
    assert ControlResult.objects.get(pk=first.pk).note == "私の所見"


def test_a_row_of_another_organizations_audit_is_not_found(client, audit, people, first):
    client.force_login(people["meti-editor"])
    assert client.get(_path(audit, first)).status_code == 404
    assert client.post(_path(audit, first), _row_post(first, claimed="x")).status_code == 404


def test_the_row_page_in_english_shows_the_row_without_javascript(client, audit, people, first):
    _language(client, "en")
    client.force_login(people["nisc-auditor"])
    html = client.get(_path(audit, first)).content.decode()
    assert f"Result of {first.control.label}" in html
    assert f'<label class="visually-hidden" for="r-{first.pk}-status">' in html
    assert "Back to the control results" in html
