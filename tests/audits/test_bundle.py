"""The evidence bundle of an audit: one ZIP of the report, the OSCAL assessment results and
every evidence revision, whose manifest and SHA256SUMS check out (also with ``sha256sum -c``),
streamed a chunk at a time, and seen only by those who see the audit."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse

from shireito.audits import bundle
from shireito.audits import evidence as evidence_service
from shireito.audits.models import Evidence, EvidenceRevision
from shireito.audits.permissions import may_download_bundle
from shireito.core.models import AuditEvent
from tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db

POLICY = pdf_bytes("security policy")
SMALL_PDF = b"%PDF-1.7 a report stands in here\n"


@pytest.fixture
def store(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def quick_report(monkeypatch):
    """A report that takes no time to lay out: these tests read the archive, not the PDF."""
    monkeypatch.setattr(bundle, "render_report_pdf", lambda audit, language: SMALL_PDF)


@pytest.fixture
def furnished(audit, people, store, django_capture_on_commit_callbacks):
    """The NISC audit with a policy in two revisions and a log excerpt whose title would climb
    out of a folder."""
    result = audit.results.first()
    with django_capture_on_commit_callbacks(execute=True):
        policy = evidence_service.evidence_add(
            actor=people["mhlw-editor"],
            audit=audit,
            upload=SimpleUploadedFile("方針.pdf", POLICY),
            title="情報セキュリティ方針",
            result=result,
        )
        evidence_service.evidence_revise(
            actor=people["nisc-auditor"],
            evidence=policy,
            upload=SimpleUploadedFile("方針-v2.txt", "第2版\n".encode()),
        )
        log = evidence_service.evidence_add(
            actor=people["nisc-auditor"],
            audit=audit,
            upload=SimpleUploadedFile("log.csv", b"time,event\n09:00,login\n"),
            title="../../etc/ログ抜粋",
            result=result,
        )
    return {"audit": audit, "policy": policy, "log": log}


def download(client, user, audit, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(f"/audits/{audit.number}/bundle.zip")


def opened(response) -> zipfile.ZipFile:
    assert isinstance(response, StreamingHttpResponse)
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def manifest_of(archive: zipfile.ZipFile, audit) -> dict:
    return json.loads(archive.read(f"{audit.number}/manifest.json"))


# --- what it holds ---------------------------------------------------------------------------


def test_the_bundle_holds_report_oscal_and_every_revision_as_the_manifest_says(
    client, furnished, people, quick_report
):
    audit = furnished["audit"]
    # when a party of the audit downloads the bundle
    response = download(client, people["mhlw-viewer"], audit)
    # then it is a streamed ZIP attachment, never sniffed nor cached
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{audit.number}-bundle.zip"'
    assert response["X-Content-Type-Options"] == "nosniff"
    archive = opened(response)
    assert archive.testzip() is None
    manifest = manifest_of(archive, audit)
    members = {entry["path"]: entry for entry in manifest["members"]}
    folder = f"{audit.number}/"
    # and every member under one folder is listed, with its size and SHA-256
    names = {name.removeprefix(folder) for name in archive.namelist()}
    assert all(name.startswith(folder) for name in archive.namelist())
    assert names == {*members, "manifest.json", "SHA256SUMS"}
    for path, entry in members.items():
        data = archive.read(folder + path)
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    # and the report, the OSCAL document and the three revisions are there, each said what
    assert members["report.pdf"]["content_type"] == "application/pdf"
    assert archive.read(folder + "report.pdf") == SMALL_PDF
    oscal = json.loads(archive.read(folder + "oscal-assessment-results.json"))
    assert "assessment-results" in oscal
    revisions = [e for e in manifest["members"] if "evidence" in e]
    assert [(e["title"], e["revision"], e["current"]) for e in revisions] == [
        ("../../etc/ログ抜粋", 1, True),
        ("情報セキュリティ方針", 1, False),
        ("情報セキュリティ方針", 2, True),
    ]
    first = revisions[1]
    assert first["filename"] == "方針.pdf" and first["uploaded_by"] == "mhlw-editor"
    assert first["intact"] is True and first["system"] == "mhlw-app"
    assert archive.read(folder + first["path"]) == POLICY
    # and each evidence file keeps to its own folder, whatever its title says
    policy = furnished["policy"].pk
    assert first["path"] == f"evidence/{policy} 情報セキュリティ方針/r1 方針.pdf"
    log = furnished["log"].pk
    assert revisions[0]["path"] == f"evidence/{log} .._.._etc_ログ抜粋/r1 log.csv"
    assert manifest["audit"]["number"] == audit.number and manifest["made_by"] == "mhlw-viewer"


def test_sha256sum_verifies_the_extracted_bundle(client, furnished, people, quick_report, tmp_path):
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum(1) is not on this machine")
    audit = furnished["audit"]
    # given the bundle unpacked
    opened(download(client, people["nisc-auditor"], audit)).extractall(tmp_path / "out")
    folder = tmp_path / "out" / audit.number
    # when sha256sum checks it in its folder
    run = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"],  # noqa: S607 - coreutils
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    # then every member, the manifest included, is OK
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 6 and all(line.endswith(": OK") for line in lines)
    assert "manifest.json: OK" in lines


def test_the_manifest_speaks_the_readers_language(client, furnished, people, quick_report, api):
    audit = furnished["audit"]
    # when read in Japanese on the page
    japanese = manifest_of(opened(download(client, people["mhlw-editor"], audit, "ja")), audit)
    descriptions = {e["path"]: e["description"] for e in japanese["members"]}
    assert japanese["language"] == "ja"
    assert descriptions["report.pdf"] == "監査報告書"
    assert "証跡「情報セキュリティ方針」第2版" in descriptions.values()
    # and in English over the API
    response = api(
        people["mhlw-editor"], "get", f"/api/v1/audits/{audit.number}/bundle", language="en"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    english = manifest_of(opened(response), audit)
    descriptions = {e["path"]: e["description"] for e in english["members"]}
    assert english["language"] == "en"
    assert descriptions["report.pdf"] == "The audit report"
    assert "Evidence “情報セキュリティ方針”, revision 2" in descriptions.values()


def test_the_real_report_is_a_pdf_in_the_bundle(client, audit, people, store):
    archive = opened(download(client, people["mhlw-editor"], audit))
    assert archive.read(f"{audit.number}/report.pdf").startswith(b"%PDF")


def test_taking_the_bundle_is_a_read_and_leaves_the_trail_as_it_was(
    client, furnished, people, quick_report
):
    # like each evidence download, the bundle changes nothing, so the trail records nothing
    before = AuditEvent.objects.count()
    opened(download(client, people["mhlw-editor"], furnished["audit"]))
    assert AuditEvent.objects.count() == before


# --- what goes wrong in the store --------------------------------------------------------------


def test_a_file_gone_from_the_store_is_listed_missing_and_the_zip_stays_whole(
    client, furnished, people, quick_report, tmp_path
):
    audit = furnished["audit"]
    # given the first revision's file removed from the store behind the application's back
    first = EvidenceRevision.objects.get(evidence=furnished["policy"], number=1)
    evidence_service.blob_path(first.sha256).unlink()
    # when the bundle is downloaded in Japanese
    archive = opened(download(client, people["nisc-auditor"], audit, "ja"))
    # then the archive opens, the revision is listed missing with why, and nothing stands for it
    assert archive.testzip() is None
    entries = manifest_of(archive, audit)["members"]
    missing = [e for e in entries if e.get("missing")]
    assert len(missing) == 1 and missing[0]["revision"] == 1
    assert (
        missing[0]["note"] == "ファイル保管庫にこのファイルがないため、一式には含まれていません。"
    )
    assert "sha256" not in missing[0]
    assert f"{audit.number}/{missing[0]['path']}" not in archive.namelist()
    sums = archive.read(f"{audit.number}/SHA256SUMS").decode()
    assert missing[0]["path"] not in sums and len(sums.splitlines()) == 5


def test_bytes_that_differ_from_the_upload_are_flagged(client, furnished, people, quick_report):
    audit = furnished["audit"]
    # given a stored file altered on disk
    log = EvidenceRevision.objects.get(evidence=furnished["log"])
    evidence_service.blob_path(log.sha256).write_bytes(b"time,event\n09:00,nothing\n")
    # when the bundle is downloaded in English
    entries = manifest_of(opened(download(client, people["nisc-auditor"], audit)), audit)["members"]
    entry = next(e for e in entries if e.get("evidence") == furnished["log"].pk)
    # then the manifest says so, with the altered bytes' own checksum
    assert entry["intact"] is False and entry["sha256"] != log.sha256
    assert entry["note"] == "These bytes differ from those uploaded (their SHA-256 was recorded)."


# --- who gets it ---------------------------------------------------------------------------------


@pytest.mark.parametrize("outsider", ["meti-editor", "ipa-auditor", "mic-auditor"])
def test_an_outsider_gets_404_by_page_and_api(client, furnished, people, outsider, api):
    audit = furnished["audit"]
    assert download(client, people[outsider], audit).status_code == 404
    response = api(people[outsider], "get", f"/api/v1/audits/{audit.number}/bundle")
    assert response.status_code == 404
    assert client.get(f"/audits/{audit.number}/").status_code == 404


@pytest.mark.parametrize("party", ["nisc-auditor", "mhlw-editor", "mhlw-viewer"])
def test_the_parties_are_offered_the_bundle_on_the_audit_and_report_pages(
    client, audit, people, party
):
    client.force_login(people[party])
    client.cookies["django_language"] = "ja"
    link = f'<a href="/audits/{audit.number}/bundle.zip">証跡一式（ZIP）</a>'
    for page in ("", "report/"):
        html = client.get(f"/audits/{audit.number}/{page}").content.decode()
        assert link in html, page


def test_no_one_signed_out_may_download_the_bundle(audit, client):
    from django.contrib.auth.models import AnonymousUser

    assert may_download_bundle(AnonymousUser(), audit) is False
    response = client.get(f"/audits/{audit.number}/bundle.zip")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- memory ------------------------------------------------------------------------------------


def test_a_large_evidence_file_passes_through_in_chunks(
    client, audit, people, store, quick_report, tmp_path
):
    # given an 8 MB evidence file in the store
    size = 8 * 1024 * 1024
    content = os.urandom(size)
    digest = hashlib.sha256(content).hexdigest()
    blob = evidence_service.blob_path(digest)
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(content)
    item = Evidence.objects.create(audit=audit, result=audit.results.first(), title="大きな画像")
    EvidenceRevision.objects.create(
        evidence=item,
        number=1,
        sha256=digest,
        size=size,
        content_type="image/png",
        filename="scan.png",
        effective_date=audit.period_start,
    )
    del content
    response = download(client, people["nisc-auditor"], audit)
    assert isinstance(response, StreamingHttpResponse)
    # when the response is read to its end, each chunk written to disk and let go
    chunks = largest = 0
    saved = tmp_path / "bundle.zip"
    tracemalloc.start()
    try:
        with saved.open("wb") as out:
            for chunk in response.streaming_content:
                out.write(chunk)
                chunks += 1
                largest = max(largest, len(chunk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # then the file came in many chunks, memory stayed far below its size
    assert chunks > 100 and largest < 256 * 1024
    assert peak < size / 8, f"peak {peak} bytes for an {size}-byte file"
    # and the file is whole in the archive
    with zipfile.ZipFile(saved) as archive:
        name = f"{audit.number}/evidence/{item.pk} 大きな画像/r1 scan.png"
        assert archive.getinfo(name).file_size == size
        with archive.open(name) as member:
            assert hashlib.file_digest(member, "sha256").hexdigest() == digest
