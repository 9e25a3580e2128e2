"""Streamed ZIP archives: member names that unpack safely anywhere, each name once, and an
archive that stays whole when a member's bytes are gone or fail halfway."""

import hashlib
import io
import json
import unicodedata
import zipfile

import pytest

from shireito.core.zipstream import Part, describe, safe_part, safe_path, stream_zip


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "file"),
        ("  .hidden. ", "hidden"),
        ("C:\\Windows\\system32", "C__Windows_system32"),
        ('a*b?c"d<e>f|g', "a_b_c_d_e_f_g"),
        ("line\nbreak\x00", "line_break_"),
        ("invoice\u202egpj.exe", "invoice_gpj.exe"),  # a right-to-left override disguising .exe
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("com1.tar.gz", "_com1.tar.gz"),
        ("報告書.pdf", "報告書.pdf"),
        ("", "file"),
    ],
)
def test_a_name_part_is_made_safe(given, safe):
    assert safe_part(given) == safe


def test_a_name_is_composed_and_short_and_keeps_its_extension():
    # a decomposed が (か + combining mark) becomes the one composed character
    assert safe_part("か\u3099.txt") == "が.txt" == unicodedata.normalize("NFC", "が.txt")
    long = safe_part("証" * 200 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode()) <= 150


def test_a_path_never_climbs_out_nor_starts_at_the_root():
    assert safe_path("/../evidence/./a/../b.pdf") == "evidence/a/b.pdf"
    assert safe_path("evidence//x") == "evidence/x"


def archive_of(parts, **kwargs) -> zipfile.ZipFile:
    data = b"".join(
        stream_zip(
            parts,
            folder=kwargs.pop("folder", "A-1"),
            manifest=lambda written: json.dumps([describe(w) for w in written]).encode(),
            manifest_description="manifest",
        )
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def part(path: str, content: bytes | None = b"x", **kwargs) -> Part:
    return Part(path, lambda: None if content is None else [content], "text/plain", path, **kwargs)


def test_each_name_is_taken_once_as_a_case_insensitive_disk_would():
    archive = archive_of(
        [
            part("a/Report.pdf"),
            part("a/report.pdf"),
            part("a/report.pdf"),
            part("manifest.json"),  # the manifest's own name stays the manifest's
            part("a"),  # a file where a folder already is
        ]
    )
    assert archive.namelist() == [
        "A-1/a/Report.pdf",
        "A-1/a/report (2).pdf",
        "A-1/a/report (3).pdf",
        "A-1/manifest (2).json",
        "A-1/a (2)",
        "A-1/manifest.json",
        "A-1/SHA256SUMS",
    ]


def test_gone_bytes_are_left_out_and_a_failed_read_keeps_what_was_read():
    def failing():
        yield b"first half "
        raise OSError("the disk went away")

    archive = archive_of(
        [
            part("gone.txt", None),
            Part("half.txt", failing, "text/plain", "half"),
            part("whole.txt", b"whole", expected_sha256=hashlib.sha256(b"whole").hexdigest()),
        ]
    )
    entries = {e["path"]: e for e in json.loads(archive.read("A-1/manifest.json"))}
    assert entries["gone.txt"]["missing"] is True and "A-1/gone.txt" not in archive.namelist()
    assert archive.read("A-1/half.txt") == b"first half "
    assert entries["half.txt"]["incomplete"] is True
    assert entries["half.txt"]["sha256"] == hashlib.sha256(b"first half ").hexdigest()
    assert entries["whole.txt"]["intact"] is True
    sums = archive.read("A-1/SHA256SUMS").decode().splitlines()
    assert [line.split("  ")[1] for line in sums] == ["half.txt", "whole.txt", "manifest.json"]


def test_members_are_zip64_with_data_descriptors_and_text_is_deflated():
    archive = archive_of(
        [part("notes.txt", b"a" * 10_000), Part("scan.png", lambda: [b"\x89PNG"], "image/png", "")]
    )
    notes, scan = archive.infolist()[:2]
    assert notes.flag_bits & 0x08 and scan.flag_bits & 0x08  # sizes after the bytes
    assert notes.compress_type == zipfile.ZIP_DEFLATED and notes.compress_size < 1000
    assert scan.compress_type == zipfile.ZIP_STORED
