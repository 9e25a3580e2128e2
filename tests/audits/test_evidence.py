"""Evidence files and rows: who may revise or delete which evidence, and a file that reaches
the store only with the rows naming it (moved into place once they commit, removed with a
failed upload, kept while any revision still names it)."""

import os
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from shireito.audits import evidence as evidence_service
from shireito.audits.models import Evidence, EvidenceRevision
from shireito.core.models import AuditEvent
from tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("the same bytes")


@pytest.fixture
def store(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "evidence"


def temporaries(store) -> list[str]:
    return sorted(p.name for p in store.glob(evidence_service.UPLOAD_PREFIX + "*"))


def add(audit, actor, name="policy.pdf", content=PDF):
    return evidence_service.evidence_add(
        actor=actor,
        audit=audit,
        upload=SimpleUploadedFile(name, content),
        result=audit.results.first(),
    )


# --- who may revise and delete ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("uploader", "changer", "allowed"),
    [
        # the auditors change any evidence of the audit
        ("nisc-auditor", "nisc-auditor", True),
        ("mhlw-editor", "nisc-auditor", True),
        (None, "nisc-auditor", True),
        # the audited organization only what its own members uploaded
        ("mhlw-editor", "mhlw-editor", True),
        ("nisc-auditor", "mhlw-editor", False),
        (None, "mhlw-editor", False),  # the command line or the demo: nobody's side
        # a reader of the audited organization changes nothing
        ("mhlw-editor", "mhlw-viewer", False),
    ],
)
def test_who_may_revise_and_delete_evidence(
    audit, people, store, django_capture_on_commit_callbacks, uploader, changer, allowed
):
    # given evidence uploaded by one side (or by nobody)
    with django_capture_on_commit_callbacks(execute=True):
        item = add(audit, people[uploader] if uploader else None)
    actor = people[changer]
    assert evidence_service.may_change(actor, item) is allowed
    revise = SimpleUploadedFile("policy-v2.txt", b"v2")
    if allowed:
        # when the allowed side revises and deletes it, both are done
        revision = evidence_service.evidence_revise(actor=actor, evidence=item, upload=revise)
        assert revision.number == 2 and revision.uploaded_by == actor
        evidence_service.evidence_delete(actor=actor, evidence=item)
        assert not Evidence.objects.filter(pk=item.pk).exists()
    else:
        # when another side tries, it is refused and nothing changes
        with pytest.raises(PermissionDenied):
            evidence_service.evidence_revise(actor=actor, evidence=item, upload=revise)
        with pytest.raises(PermissionDenied):
            evidence_service.evidence_delete(actor=actor, evidence=item)
        assert item.revisions.count() == 1 and Evidence.objects.filter(pk=item.pk).exists()
        assert evidence_service.blob_path(item.revisions.get().sha256).exists()
        assert temporaries(store) == []


def test_both_sides_still_attach_evidence(audit, people, store):
    for name in ("nisc-auditor", "mhlw-editor"):
        add(audit, people[name], name=f"{name}.pdf")
    assert Evidence.objects.filter(audit=audit).count() == 2
    with pytest.raises(PermissionDenied):
        add(audit, people["mhlw-viewer"])


# --- the file and its rows together ---------------------------------------------------------


def test_the_file_reaches_the_store_only_when_the_rows_commit(
    audit, people, store, django_capture_on_commit_callbacks
):
    # when evidence is added and its transaction has not committed yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = add(audit, people["mhlw-editor"])
    revision = item.revisions.get()
    blob = evidence_service.blob_path(revision.sha256)
    # then the bytes wait beside the store, not in it
    assert not blob.exists() and len(temporaries(store)) == 1
    # and once it commits they are in place, under their hash, and nothing is left over
    for callback in callbacks:
        callback()
    assert blob.read_bytes() == PDF and temporaries(store) == []


def test_the_same_bytes_are_stored_once(audit, people, store, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = add(audit, people["mhlw-editor"])
        second = add(audit, people["nisc-auditor"], name="copy.pdf")
    hashes = set(EvidenceRevision.objects.values_list("sha256", flat=True))
    assert len(hashes) == 1 and temporaries(store) == []
    # deleting one keeps the file the other still names; deleting both removes it
    blob = evidence_service.blob_path(hashes.pop())
    with django_capture_on_commit_callbacks(execute=True):
        evidence_service.evidence_delete(actor=people["nisc-auditor"], evidence=first)
    assert blob.read_bytes() == PDF
    with django_capture_on_commit_callbacks(execute=True):
        evidence_service.evidence_delete(actor=people["nisc-auditor"], evidence=second)
    assert not blob.exists()


def test_a_refused_file_is_checked_before_anything_is_written(
    audit, people, store, monkeypatch, django_capture_on_commit_callbacks
):
    written = []
    real = evidence_service.audited_create

    def recording(**kwargs):
        written.append(type(kwargs["instance"]).__name__)
        return real(**kwargs)

    monkeypatch.setattr(evidence_service, "audited_create", recording)
    events = AuditEvent.objects.count()
    # when a file is not what its name says
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        add(audit, people["mhlw-editor"], name="x.pdf", content=b"MZ not a pdf")
    # then no row was ever written, and no file is left anywhere
    assert written == []
    assert not Evidence.objects.exists() and AuditEvent.objects.count() == events
    assert temporaries(store) == [] and not any(store.glob("??/*"))


def test_a_failed_transaction_leaves_no_file(
    audit, people, store, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = add(audit, people["mhlw-editor"])

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    # when the rows of an upload or a revision cannot be written
    monkeypatch.setattr(evidence_service, "audited_create", broken)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            add(audit, people["mhlw-editor"], name="other.txt", content=b"other bytes")
        with pytest.raises(RuntimeError):
            evidence_service.evidence_revise(
                actor=people["mhlw-editor"],
                evidence=item,
                upload=SimpleUploadedFile("v2.txt", b"second bytes"),
            )
    # then their files are gone with them: only the first evidence's file is stored
    assert temporaries(store) == []
    assert [p.name for p in store.glob("??/*")] == [item.revisions.get().sha256]
    assert Evidence.objects.count() == 1 and item.revisions.count() == 1


def test_a_deletion_never_removes_the_file_of_an_upload_of_the_same_bytes(
    audit, people, store, monkeypatch, django_capture_on_commit_callbacks
):
    # given evidence whose file is stored
    auditor = people["nisc-auditor"]
    with django_capture_on_commit_callbacks(execute=True):
        old = add(audit, auditor)
    blob = evidence_service.blob_path(old.revisions.get().sha256)
    real = evidence_service.audited_create
    raced = []

    def delete_meanwhile(**kwargs):
        # Another request deletes the old evidence, and commits, while this upload of the
        # same bytes is streamed but its revision not yet recorded: none names the file then.
        if isinstance(kwargs["instance"], EvidenceRevision) and not raced:
            raced.append(True)
            with django_capture_on_commit_callbacks(execute=True):
                evidence_service.evidence_delete(actor=auditor, evidence=old)
        return real(**kwargs)

    monkeypatch.setattr(evidence_service, "audited_create", delete_meanwhile)
    # when the upload commits after the deletion removed the file
    with django_capture_on_commit_callbacks(execute=True):
        new = add(audit, people["mhlw-editor"], name="again.pdf")
    # then the new evidence still has its file
    assert raced and not Evidence.objects.filter(pk=old.pk).exists()
    assert new.revisions.get().sha256 == blob.name
    assert blob.read_bytes() == PDF and temporaries(store) == []


def test_uploads_left_by_a_rolled_back_caller_are_swept(
    audit, people, store, django_capture_on_commit_callbacks
):
    # given an upload whose caller rolled back its own transaction around ours
    with pytest.raises(RuntimeError), transaction.atomic():
        add(audit, people["mhlw-editor"])
        raise RuntimeError("the caller failed")
    [left] = temporaries(store)
    assert not Evidence.objects.exists()
    # when it is old, the next upload removes it
    old = time.time() - evidence_service.STALE_UPLOAD_SECONDS - 60
    os.utime(store / left, (old, old))
    with django_capture_on_commit_callbacks(execute=True):
        add(audit, people["mhlw-editor"], name="next.txt", content=b"next")
    assert temporaries(store) == []
