"""Files attached to incident reports: stored once by SHA-256 under incident-files/ after the
transaction commits, refused when too large or not what their name says, downloaded only by
the report's parties, kept once the report is submitted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.core.models import AuditEvent
from shireito.incidents import attachments, permissions, services
from shireito.incidents.models import Attachment
from tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("attachment")


@pytest.fixture
def store(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "incident-files"


LOG = "2026-11-02 09:00 不審な通信\n".encode()


def _upload(name="log.txt", content=LOG):
    return SimpleUploadedFile(name, content)


def _files(store) -> list:
    """What is in the store: blobs and any temporary upload left behind."""
    return sorted(p.name for p in store.rglob("*") if p.is_file() and p.name != ".lock")


def _post(client, report, upload, callbacks):
    with callbacks(execute=True):
        return client.post(f"/incidents/{report.number}/attachments/", {"attachment-file": upload})


# --- the service -------------------------------------------------------------------------


def test_a_file_is_stored_once_by_its_hash_after_commit(
    draft, handlers, store, django_capture_on_commit_callbacks
):
    reporter = handlers["pmda-editor"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = attachments.attachment_add(actor=reporter, report=draft, upload=_upload())
        # not in the store until the transaction commits
        assert not attachments.blob_path(first.sha256).exists()
    for callback in callbacks:
        callback()
    blob = attachments.blob_path(first.sha256)
    assert blob.exists() and blob.parent.parent == store
    assert (first.filename, first.content_type) == ("log.txt", "text/plain; charset=utf-8")
    assert first.uploaded_by_organization == draft.reporter
    # the same bytes under another name: one blob, two rows
    with django_capture_on_commit_callbacks(execute=True):
        second = attachments.attachment_add(
            actor=reporter, report=draft, upload=_upload(name="copy.log")
        )
    assert second.sha256 == first.sha256
    assert _files(store) == [first.sha256]
    assert (
        AuditEvent.objects.filter(object_type="incidents.attachment", action="create").count() == 2
    )


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("tool.exe", b"MZ\x90\x00"),  # not an accepted type
        SimpleUploadedFile("report.pdf", b"not a pdf at all"),  # bytes do not match the name
        SimpleUploadedFile("data.txt", b"\x00\x01binary"),  # text that is not UTF-8 text
        SimpleUploadedFile("empty.txt", b""),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(
    draft, handlers, store, upload, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        attachments.attachment_add(actor=handlers["pmda-editor"], report=draft, upload=upload)
    assert "file" in error.value.message_dict
    assert not Attachment.objects.exists()
    assert _files(store) == []  # no temporary file left behind


def test_a_file_over_the_limit_is_refused_while_streaming(
    draft, handlers, store, settings, django_capture_on_commit_callbacks
):
    settings.SHIREITO_INCIDENT_FILE_MAX_BYTES = 1024
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        attachments.attachment_add(
            actor=handlers["pmda-editor"], report=draft, upload=_upload(content=b"a" * 1025)
        )
    assert "file" in error.value.message_dict
    assert not Attachment.objects.exists()
    assert _files(store) == []
    # an incident-specific limit, where the settings give one, comes first
    settings.SHIREITO_INCIDENT_FILE_MAX_BYTES = 2048
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_add(
            actor=handlers["pmda-editor"], report=draft, upload=_upload(content=b"a" * 1025)
        )
    assert Attachment.objects.count() == 1


def test_who_may_attach(draft, handlers, store, django_capture_on_commit_callbacks):
    # a draft: the reporting organisation only
    for outsider in ("mhlw-handler", "nisc-handler", "pmda-editor"):
        allowed = outsider == "pmda-editor"
        assert permissions.may_attach(handlers[outsider], draft) is allowed
    with pytest.raises(PermissionDenied):
        attachments.attachment_add(actor=handlers["mhlw-handler"], report=draft, upload=_upload())
    # submitted: also the handlers of the hop that has it, not its viewers or the next hop
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft)
    assert permissions.may_attach(handlers["mhlw-handler"], report)
    assert not permissions.may_attach(handlers["mhlw-viewer"], report)
    assert not permissions.may_attach(handlers["nisc-handler"], report)
    with django_capture_on_commit_callbacks(execute=True):
        item = attachments.attachment_add(
            actor=handlers["mhlw-handler"],
            report=report,
            upload=_upload(name="analysis.pdf", content=PDF),
        )
    assert item.uploaded_by_organization.code == "mhlw"
    # closed: nobody
    services.hop_acknowledge(actor=handlers["mhlw-handler"], report=report)
    services.hop_forward(actor=handlers["mhlw-handler"], report=report)
    services.hop_acknowledge(actor=handlers["nisc-handler"], report=report)
    services.report_close(actor=handlers["nisc-handler"], report=report, summary="完了")
    report.refresh_from_db()
    with pytest.raises(PermissionDenied):
        attachments.attachment_add(actor=handlers["pmda-editor"], report=report, upload=_upload())


def test_a_drafts_file_may_be_deleted_and_its_blob_goes_when_unused(
    draft, handlers, store, django_capture_on_commit_callbacks
):
    reporter = handlers["pmda-editor"]
    with django_capture_on_commit_callbacks(execute=True):
        first = attachments.attachment_add(actor=reporter, report=draft, upload=_upload())
        second = attachments.attachment_add(actor=reporter, report=draft, upload=_upload("b.txt"))
    blob = attachments.blob_path(first.sha256)
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_delete(actor=reporter, attachment=first)
    assert blob.exists()  # the second attachment still names the bytes
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_delete(actor=reporter, attachment=second)
    assert not blob.exists()
    assert (
        AuditEvent.objects.filter(object_type="incidents.attachment", action="delete").count() == 2
    )


def test_a_submitted_reports_files_are_kept(
    draft, handlers, store, django_capture_on_commit_callbacks
):
    reporter = handlers["pmda-editor"]
    with django_capture_on_commit_callbacks(execute=True):
        item = attachments.attachment_add(actor=reporter, report=draft, upload=_upload())
    services.report_submit(actor=reporter, report=draft)
    item.refresh_from_db()
    with pytest.raises(ValidationError):
        attachments.attachment_delete(actor=reporter, attachment=item)
    with pytest.raises(PermissionDenied):
        attachments.attachment_delete(actor=handlers["mhlw-handler"], attachment=item)
    assert Attachment.objects.filter(pk=item.pk).exists()
    assert attachments.blob_path(item.sha256).exists()


# --- the pages ---------------------------------------------------------------------------


def test_upload_and_download_through_the_pages(
    client, draft, handlers, store, django_capture_on_commit_callbacks
):
    client.force_login(handlers["pmda-editor"])
    page = client.get(f"/incidents/{draft.number}/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    response = _post(client, draft, _upload(name="証跡.txt"), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    item = Attachment.objects.get()
    assert (
        f'href="/incidents/{draft.number}/attachments/{item.pk}/"'
        in client.get(f"/incidents/{draft.number}/").content.decode()
    )
    download = client.get(f"/incidents/{draft.number}/attachments/{item.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == LOG
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]


@pytest.mark.parametrize(
    "upload",
    [SimpleUploadedFile("x.exe", b"MZ"), SimpleUploadedFile("big.txt", b"a" * 2048)],
)
def test_a_refused_upload_is_shown_on_the_file_field(
    client, draft, handlers, store, settings, upload, django_capture_on_commit_callbacks
):
    settings.SHIREITO_INCIDENT_FILE_MAX_BYTES = 1024
    client.force_login(handlers["pmda-editor"])
    response = _post(client, draft, upload, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert 'href="#id_attachment-file"' in response.content.decode()
    assert not Attachment.objects.exists()
    assert _files(store) == []


def test_downloads_are_scoped_to_the_reports_parties(
    client, draft, handlers, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = attachments.attachment_add(
            actor=handlers["pmda-editor"], report=draft, upload=_upload()
        )
    url = f"/incidents/{draft.number}/attachments/{item.pk}/"
    # a draft: the ministry and the centre get nothing
    for other in ("mhlw-handler", "nisc-handler", "ncsc-viewer"):
        client.force_login(handlers[other])
        assert client.get(url).status_code == 404
    # submitted: the ministry has it, the centre not yet
    services.report_submit(actor=handlers["pmda-editor"], report=draft)
    client.force_login(handlers["mhlw-viewer"])
    assert client.get(url).status_code == 200
    client.force_login(handlers["nisc-handler"])
    assert client.get(url).status_code == 404
    # an attachment of another report, through this report's address, is not found
    other = services.report_create(actor=handlers["pmda-editor"], title="t", category="other")
    client.force_login(handlers["pmda-editor"])
    assert client.get(f"/incidents/{other.number}/attachments/{item.pk}/").status_code == 404
    assert (
        client.get(f"/incidents/{draft.number}/attachments/99999999999999999999/").status_code
        == 404
    )


def test_uploading_is_refused_to_who_may_not(
    client, draft, handlers, store, django_capture_on_commit_callbacks
):
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft)
    client.force_login(handlers["mhlw-viewer"])
    assert 'id="attachment-form"' not in client.get(f"/incidents/{report.number}/").content.decode()
    response = _post(client, report, _upload(), django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_deleting_through_the_page_only_in_a_draft(
    client, draft, handlers, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = attachments.attachment_add(
            actor=handlers["pmda-editor"], report=draft, upload=_upload()
        )
    client.force_login(handlers["pmda-editor"])
    url = f"/incidents/{draft.number}/attachments/{item.pk}/delete/"
    assert f'action="{url}"' in client.get(f"/incidents/{draft.number}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not Attachment.objects.exists()
    assert _files(store) == []
