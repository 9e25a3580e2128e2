"""Text files in and out: the one place where an uploaded text file (CSV above all) is
decoded, and the one CSV writer every download uses.

Japanese offices save CSV from Excel as Shift_JIS (Windows' CP932), and from other programs
as UTF-8 with or without a byte order mark; older systems still write EUC-JP or ISO-2022-JP.
``decode_text`` reads all of these: a BOM decides first, then valid UTF-8, then
charset-normalizer chooses among the Japanese encodings only (never a Western code page that
would turn Japanese into plausible nonsense). The encoding used is returned, so that a page
can say how the file was read before anything is written.

``csv_chunks`` writes CSV (RFC 4180 line ends); ``bom=True`` starts it with a UTF-8 byte order
mark, which Excel needs to open UTF-8 as UTF-8 rather than as Shift_JIS. Every CSV download
goes through it, and every XLSX download through ``core.spreadsheets`` which shares the rule
below.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (and tab or carriage return ahead of one), so a system named ``=HYPERLINK(...)`` by its
owner would run in the reader's Excel. ``guard_cell`` writes such a text with a leading single
quote (OWASP's advice), which spreadsheets show as text. Numbers stay numbers: a Python number,
and a text that is a decimal number (``-1200``, ``-1,200``, ``+3.5``, ``1e6``, ``-12%``), are
written as they are, so budget figures keep computing. A text that already starts with a
quote followed by a character we guard gets a second quote, so ``unguard_cell`` (every
importer of our own files calls it) takes exactly one away and every exported value reads
back as it was.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from charset_normalizer import from_bytes
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Codecs tried, in charset-normalizer's names; Shift_JIS is always read as CP932, its
# superset with the characters Windows adds (①, ㈱, ＼ …).
DETECTED = ("cp932", "euc_jp", "iso2022_jp")
# What each codec is called on a page.
LABELS = {
    "utf-8": gettext_lazy("UTF-8 without BOM"),
    "utf-8-sig": gettext_lazy("UTF-8 with BOM"),
    "utf-16": gettext_lazy("UTF-16 with BOM"),
    "cp932": gettext_lazy("Shift_JIS (CP932)"),
    "euc_jp": gettext_lazy("EUC-JP"),
    "iso2022_jp": gettext_lazy("ISO-2022-JP (JIS)"),
}
BOM = "\ufeff"
# Kana, kanji, full-width forms and Windows' enclosed symbols; control characters but tab and
# line ends.
JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff\uff01-\uff9f\u2460-\u24ff\u3200-\u33ff]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UndecodableText(ValueError):
    """A file that is not text in any encoding we read; ``str()`` is the translated reason."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The file's character encoding could not be recognised. Save it as UTF-8 (with "
                "or without BOM) or Shift_JIS (CP932); EUC-JP, ISO-2022-JP and UTF-16 with BOM "
                "are read too."
            )
        )


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # a key of LABELS

    @property
    def label(self) -> str:
        return str(LABELS[self.encoding])

    @property
    def notice(self) -> str:
        """The sentence a page shows before import: how the file was read."""
        return _("Character encoding: read as %(encoding)s.") % {"encoding": self.label}


def decode_text(raw: bytes) -> DecodedText:
    """``raw`` as text, with the encoding it was read in; ``UndecodableText`` when it is none
    of the encodings Japanese offices use."""
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(raw, "utf-8-sig")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, "utf-16")
    if b"\x1b" not in raw:  # ISO-2022-JP is 7-bit and would pass as UTF-8; ESC gives it away
        try:
            return DecodedText(raw.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    for match in from_bytes(raw, cp_isolation=list(DETECTED)):
        encoding = "cp932" if match.encoding == "shift_jis" else match.encoding
        if encoding in DETECTED:
            try:
                return DecodedText(raw.decode(encoding), encoding)
            except UnicodeDecodeError:  # detection reads samples; the whole must decode
                continue
    # The detector counts Windows' symbols (①, ㈱ …) as noise and may give up on a sheet full
    # of them; Excel's Shift_JIS is still the likeliest reading when it decodes whole and
    # holds Japanese text and no control characters.
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError as exc:
        raise UndecodableText from exc
    if JAPANESE.search(text) and not CONTROL.search(text):
        return DecodedText(text, "cp932")
    raise UndecodableText


def _strict(raw: bytes, encoding: str) -> DecodedText:
    try:
        return DecodedText(raw.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableText from exc


# The characters a spreadsheet reads as the start of a formula (tab and CR: Excel skips them).
FORMULA_STARTS = frozenset("=+-@\t\r")
GUARD = "'"
UNGUARDED = FORMULA_STARTS | {GUARD}
# A decimal number (with thousands separators or a percent sign, as tables show figures),
# which a spreadsheet reads as a number whatever its sign, never as a formula.
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(?:\.\d*)?(?:[eE][+-]?\d+)?%?")


def guard_cell(value):
    """``value`` as safe to put in a spreadsheet cell: a text that a spreadsheet would run as
    a formula gets a leading single quote; numbers and other texts are unchanged."""
    if not isinstance(value, str) or not value:
        return value
    first = value[0]
    if first in FORMULA_STARTS:
        return value if NUMBER.fullmatch(value) else GUARD + value
    if first == GUARD and len(value) > 1 and value[1] in UNGUARDED:
        return GUARD + value  # keeps ``unguard_cell`` exact for a text that starts with a quote
    return value


def unguard_cell(value):
    """A cell of one of our own exports as it was before ``guard_cell``: one leading quote
    before a guarded character (or a second quote) goes; any other text is unchanged."""
    if isinstance(value, str) and len(value) > 1 and value[0] == GUARD and value[1] in UNGUARDED:
        return value[1:]
    return value


def wants_bom(request: HttpRequest) -> bool:
    """Whether a download was asked for as Excel's UTF-8 (``?bom=1``)."""
    return request.GET.get("bom", "") in {"1", "true", "on"}


def csv_chunks(header: Iterable, rows: Iterable[Iterable], *, bom: bool = False) -> Iterator[str]:
    """CSV text of ``header`` and ``rows`` (values written with ``str``; None as empty) in
    chunks of about 64 kB, so that a download of many rows is streamed, never held whole.
    The one CSV writer of every download; every cell goes through ``guard_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow([guard_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([guard_cell(cell) for cell in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(header: Iterable, rows: Iterable[Iterable], *, bom: bool = False) -> str:
    """``csv_chunks`` as one string, for small files."""
    return "".join(csv_chunks(header, rows, bom=bom))


def encoding_of(raw: bytes) -> DecodedText | None:
    """``decode_text`` for a page or an answer that says how a file is read; None when it
    cannot be (the import itself then reports why)."""
    try:
        return decode_text(raw)
    except UndecodableText:
        return None


def encoding_notice(raw: bytes) -> str:
    """The sentence saying how ``raw`` is read, or "" when it cannot be."""
    decoded = encoding_of(raw)
    return decoded.notice if decoded else ""


def read_as(raw: bytes | None) -> dict[str, str | None]:
    """The API's ``encoding`` and ``encoding_label`` of a CSV file (None: not a CSV file)."""
    decoded = encoding_of(raw) if raw is not None else None
    return {
        "encoding": decoded.encoding if decoded else None,
        "encoding_label": decoded.label if decoded else None,
    }
