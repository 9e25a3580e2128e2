"""The audit rules in one table (``audits.permissions``), the one evidence download that pages
and API share, and the lists' filters drawn by the one filter component."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.accounts.services import api_token_create
from shireito.audits import evidence, permissions

SIDES = [
    # (who, auditor side, auditee side)
    ("nisc-auditor", True, False),
    ("mhlw-editor", False, True),
    ("mhlw-viewer", False, False),
    ("ipa-auditor", False, False),
    ("meti-editor", False, False),
]


@pytest.mark.parametrize(("who", "auditor", "auditee"), SIDES)
def test_each_side_of_an_audit_is_known_by_one_rule(audit, people, who, auditor, auditee):
    # given a user and NISC's audit of MHLW
    user = people[who]
    # when the rules are asked
    sides = (permissions.acts_as_auditor(user, audit), permissions.acts_as_auditee(user, audit))
    # then only the audit's own parties act for it, each on its side
    assert sides == (auditor, auditee)
    assert permissions.acts_for_a_party(user, audit) is (auditor or auditee)


def test_the_system_acts_for_every_side(audit):
    # given no user (the command line, the demo)
    # when / then every rule lets it act
    assert permissions.acts_as_auditor(None, audit)
    assert permissions.acts_as_auditee(None, audit)
    assert permissions.may_start(None, self_assessment=False)


@pytest.mark.parametrize(
    ("who", "audits", "self_assessments"),
    [("nisc-auditor", True, True), ("mhlw-editor", False, True), ("mhlw-viewer", False, False)],
)
def test_who_may_plan_audits_and_self_assessments(people, who, audits, self_assessments):
    # given a user; when asked what they may plan; then auditors plan audits, editors too
    # assess themselves, viewers plan nothing
    user = people[who]
    assert permissions.may_start(user, self_assessment=False) is audits
    assert permissions.may_start(user, self_assessment=True) is self_assessments


def _bearer(user) -> dict:
    _token, secret = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_revision_downloads_alike_from_the_page_and_the_api(
    client, audit, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    # given a piece of evidence attached by the audited ministry
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        item = evidence.evidence_add(
            actor=people["mhlw-editor"],
            audit=audit,
            upload=SimpleUploadedFile("policy.txt", b"the policy"),
            result=audit.results.get(control__label="1.1"),
        )
    # when the auditor downloads its revision from the page and from the API
    client.force_login(people["nisc-auditor"])
    page = client.get(f"/audits/{audit.number}/evidence/{item.pk}/r1/download/")
    api = client.get(
        f"/api/v1/audits/{audit.number}/evidence/{item.pk}/revisions/1/download",
        **_bearer(people["nisc-auditor"]),
    )
    # then both answer the same bytes as an attachment never sniffed nor stored
    for response in (page, api):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"the policy"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"


def test_a_revision_gone_from_the_store_is_not_found(
    client, audit, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    # given a revision whose file has left the store
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        item = evidence.evidence_add(
            actor=people["nisc-auditor"],
            audit=audit,
            upload=SimpleUploadedFile("note.txt", b"a note"),
            result=audit.results.get(control__label="1.1"),
        )
    evidence.blob_path(item.revisions.get().sha256).unlink()
    # when it is downloaded
    client.force_login(people["nisc-auditor"])
    response = client.get(f"/audits/{audit.number}/evidence/{item.pk}/r1/download/")
    # then the answer is a 404, not a server error
    assert response.status_code == 404


def test_the_lists_filter_through_the_one_component(client, audit, people):
    # given an auditor
    client.force_login(people["nisc-auditor"])
    # when the audits, the self-assessments and the plan are listed
    audits = client.get("/audits/").content.decode()
    own = client.get("/audits/?self=1").content.decode()
    plan = client.get("/audits/plan/?year=2026").content.decode()
    # then each filter is the component's form, its fields named id_<field>
    for html in (audits, own, plan):
        assert 'class="filter-form"' in html and 'id="results-status"' in html
    for field in ("id_search", "id_status", "id_kind", "id_year"):
        assert f'id="{field}"' in audits
    # the self-assessments have no kind to choose and stay self-assessments when filtered
    assert 'id="id_kind"' not in own and 'name="self" value="1"' in own
    assert 'name="year" value="2026"' in plan
