"""A ZIP archive streamed as it is written: member by member into a sink that cannot seek, so
a download of any size holds about one chunk in memory at a time, never the archive.

The standard library's ``zipfile`` writes to a stream it cannot seek by putting each member's
sizes and CRC in a data descriptor after its bytes; zip64 is forced on every member, so a file
past 4 GiB never fails halfway through an answer already sent. Each member is hashed as it
passes. The archive closes with a manifest the caller writes from those figures, then a
``SHA256SUMS`` file that ``sha256sum -c`` checks in the archive's folder.

A member whose bytes are gone (its factory answers ``None``) is left out and said so in the
manifest, and one that fails while read keeps what was read and is marked incomplete: the
answer is already streaming, so a broken archive would be the only other outcome.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils import timezone

CHUNK_BYTES = 64 * 1024
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
# Longest name part, in UTF-8 bytes: most file systems allow 255, and " (2)" may be added.
MAX_PART_BYTES = 150
# Types worth deflating; the rest (PDF, images, Office files, archives) are compressed already.
COMPRESSIBLE = ("text/", "application/json", "application/xml", "image/svg+xml")
# Names Windows will not create, with or without an extension.
RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{kind}{n}" for kind in ("COM", "LPT") for n in range(1, 10)]
)
_UNSAFE = re.compile(r'[/\\:*?"<>|]')
_EXTENSION = re.compile(r"\.[^\W_]{1,10}$")


@dataclass(frozen=True)
class Part:
    """One member of an archive: where it goes (``/`` between folders: pass each piece
    that comes from a user through ``safe_part``), how to read its bytes (a factory called
    only when its turn comes, answering chunks, or ``None`` when the bytes are gone), its
    type, what it is in the reader's words, and more for the manifest."""

    path: str
    chunks: Callable[[], Iterable[bytes] | None]
    content_type: str
    description: str
    details: Mapping[str, Any] = field(default_factory=dict)
    modified: dt.datetime | None = None
    # The SHA-256 recorded when the bytes came in: the streamed bytes are checked against it.
    expected_sha256: str = ""


@dataclass
class Written:
    """What became of a part: the safe path it took and, unless it is missing, its size and
    the SHA-256 of the bytes written."""

    part: Part
    path: str
    size: int = 0
    sha256: str = ""
    missing: bool = False
    incomplete: bool = False

    @property
    def intact(self) -> bool | None:
        """Whether the bytes are those recorded when they came in (None: nothing recorded)."""
        if not self.part.expected_sha256 or self.missing:
            return None
        return not self.incomplete and self.sha256 == self.part.expected_sha256


def read_chunks(opened: IO[bytes], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """An open file's bytes, a chunk at a time; the file is closed at the end (or when the
    reader stops early)."""
    with opened:
        while chunk := opened.read(size):
            yield chunk


def safe_part(text: str, fallback: str = "file") -> str:
    """One part of a member's name that unpacks safely anywhere: NFC, no separators, control
    or format characters (a right-to-left override would disguise an extension), no leading
    or trailing dots and spaces (so never ``..``), no name Windows reserves, and short."""
    text = unicodedata.normalize("NFC", text)
    text = "".join("_" if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in text)
    text = _UNSAFE.sub("_", text).strip(" .")
    if not text:
        text = fallback
    stem, suffix = _split(text)
    if stem.split(".")[0].rstrip(" ").upper() in RESERVED_NAMES:
        stem = f"_{stem}"
    if len((stem + suffix).encode()) > MAX_PART_BYTES:
        while len((stem + suffix).encode()) > MAX_PART_BYTES:
            stem = stem[:-1]
        stem = stem.rstrip(" .") or fallback
    return stem + suffix


def _split(name: str) -> tuple[str, str]:
    """A name's stem and extension (only letters and digits after the last dot make one)."""
    found = _EXTENSION.search(name)
    if found is None or found.start() == 0:
        return name, ""
    return name[: found.start()], found.group()


def safe_path(path: str) -> str:
    """A member's path made of safe parts (never absolute, never climbing out)."""
    return "/".join(safe_part(part) for part in path.split("/") if part.strip(" ."))


class _Names:
    """The names taken so far, compared as a case-insensitive file system would: a second
    member of the same name gets `` (2)`` before its extension."""

    def __init__(self, reserved: Iterable[str]) -> None:
        self.files = {name.casefold() for name in reserved}
        self.folders: set[str] = set()

    def _taken(self, key: str) -> bool:
        return key in self.files or key in self.folders

    def claim(self, path: str) -> str:
        folder, _, name = path.rpartition("/")
        stem, suffix = _split(name)
        number = 1
        while self._taken(path.casefold()):
            number += 1
            path = f"{folder}/" * bool(folder) + f"{stem} ({number}){suffix}"
        self.files.add(path.casefold())
        parts = path.split("/")
        self.folders.update("/".join(parts[:n]).casefold() for n in range(1, len(parts)))
        return path


class _Sink:
    """Where ``zipfile`` writes: it keeps the bytes until the stream takes them. It has no
    ``tell`` or ``seek``, so ``zipfile`` writes data descriptors."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._pending.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> Iterator[bytes]:
        if self._pending:
            pending, self._pending = self._pending, []
            yield b"".join(pending)


def _zip_time(moment: dt.datetime | None) -> tuple[int, int, int, int, int, int]:
    moment = timezone.localtime(moment) if moment else timezone.localtime()
    return max(moment.timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # ZIP's clock starts in 1980


def _info(name: str, part: Part) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_zip_time(part.modified))
    compress = part.content_type.startswith(COMPRESSIBLE)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _write(
    archive: zipfile.ZipFile, sink: _Sink, name: str, record: Written, chunks: Iterable[bytes]
) -> Iterator[bytes]:
    digest = hashlib.sha256()
    try:
        with archive.open(_info(name, record.part), "w", force_zip64=True) as member:
            try:
                for chunk in chunks:
                    digest.update(chunk)
                    member.write(chunk)
                    record.size += len(chunk)
                    yield from sink.take()
            except OSError:
                record.incomplete = True  # keep what was read: the archive stays whole
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    record.sha256 = digest.hexdigest()
    yield from sink.take()


def stream_zip(
    parts: Iterable[Part],
    *,
    folder: str,
    manifest: Callable[[list[Written]], bytes],
    manifest_description: str,
) -> Iterator[bytes]:
    """The archive's bytes as they are made: every part under ``folder``, then the manifest
    (JSON that ``manifest`` writes from what became of each part), then ``SHA256SUMS`` over
    every member written, the manifest included."""
    folder = safe_part(folder, fallback="archive")
    sink = _Sink()
    names = _Names(reserved=(MANIFEST, CHECKSUMS))
    written: list[Written] = []
    with zipfile.ZipFile(sink, "w", allowZip64=True) as archive:  # type: ignore[call-overload]
        for part in parts:
            record = Written(part, names.claim(safe_path(part.path) or "file"))
            written.append(record)
            chunks = part.chunks()
            if chunks is None:
                record.missing = True
                continue
            yield from _write(archive, sink, f"{folder}/{record.path}", record, chunks)
        closing = Written(
            Part(MANIFEST, lambda: None, "application/json", manifest_description), MANIFEST
        )
        yield from _write(archive, sink, f"{folder}/{MANIFEST}", closing, [manifest(written)])
        sums = "".join(
            f"{record.sha256}  {record.path}\n"
            for record in [*written, closing]
            if not record.missing
        ).encode()
        summed = Written(Part(CHECKSUMS, lambda: None, "text/plain", ""), CHECKSUMS)
        yield from _write(archive, sink, f"{folder}/{CHECKSUMS}", summed, [sums])
    yield from sink.take()


def describe(record: Written) -> dict[str, Any]:
    """A manifest's entry for one member: path, size, SHA-256, type, what it is."""
    entry: dict[str, Any] = {
        "path": record.path,
        "content_type": record.part.content_type,
        "description": record.part.description,
    }
    if record.missing:
        entry["missing"] = True
    else:
        entry.update(size=record.size, sha256=record.sha256)
        if record.incomplete:
            entry["incomplete"] = True
        if record.intact is not None:
            entry["intact"] = record.intact
    entry.update(record.part.details)
    return entry
