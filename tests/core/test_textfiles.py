"""The one decoder of uploaded text files and the one CSV writer of downloads."""

import csv
import io

import pytest
from django.utils import translation

from shireito.core.textfiles import (
    UndecodableText,
    csv_chunks,
    csv_text,
    decode_text,
    encoding_notice,
    read_as,
)

TEXT = "code,name\r\nx-1,住民基本台帳システム\r\nx-2,㈱デジタル①号\r\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("cp932"), "cp932"),
        (TEXT.replace("㈱デジタル①号", "デジタル庁").encode("euc_jp"), "euc_jp"),
        (TEXT.replace("㈱デジタル①号", "デジタル庁").encode("iso2022_jp"), "iso2022_jp"),
        (TEXT.encode("utf-16"), "utf-16"),  # Python writes the BOM
    ],
)
def test_the_encodings_japanese_offices_use_are_recognised(raw, encoding):
    # given a file saved in one of them
    # when it is decoded
    decoded = decode_text(raw)
    # then its text is the text that was saved, without a BOM, and the encoding is named
    assert decoded.encoding == encoding
    assert decoded.text.replace("デジタル庁", "㈱デジタル①号") == TEXT


@pytest.mark.parametrize(
    "text",
    [
        "名前\r\n",  # one cell
        "x-1,住民基本台帳システム㈱①,説明文がここに入ります\r\n" * 1000,  # Windows' symbols
        "①②③㈱㈲\r\n" * 50,  # nothing but them: the detector gives up, Excel's reading stands
    ],
)
def test_shift_jis_as_excel_saves_it_is_read_as_cp932(text):
    # given a sheet saved by Excel as Shift_JIS
    raw = text.encode("cp932")
    # when it is decoded
    decoded = decode_text(raw)
    # then it is read as CP932, whole
    assert (decoded.encoding, decoded.text) == ("cp932", text)


@pytest.mark.parametrize(
    ("language", "words"),
    [("ja", "文字コードを判別できません"), ("en", "encoding could not be recognised")],
)
@pytest.mark.parametrize(
    "raw",
    [
        b"\x80\x81\xfe\xff\x00\x9f",  # no Japanese encoding reads this
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",  # an image, not text
        "café crème\n".encode("latin-1"),  # a Western code page, which we do not guess
        "Müller;Straße;Größe\n".encode("latin-1") * 20,  # one that would decode as CP932
        b"\xef\xbb\xbfcode\xff\xfe\n",  # a UTF-8 BOM before bytes that are not UTF-8
    ],
)
def test_a_file_in_no_encoding_we_read_is_refused_in_the_users_language(raw, language, words):
    # given bytes that are not text in a Japanese office's encoding
    # when they are decoded in the user's language
    with translation.override(language), pytest.raises(UndecodableText) as refused:
        decode_text(raw)
    # then the reason is a sentence in that language, not a codec's message
    assert words in str(refused.value)
    assert "codec" not in str(refused.value)


def test_pages_and_the_api_say_how_a_file_was_read():
    # given a Shift_JIS file and an unreadable one
    raw = TEXT.encode("cp932")
    # when / then
    with translation.override("ja"):
        assert encoding_notice(raw) == "文字コード: Shift_JIS（CP932）として読み込みました。"
        assert read_as(raw) == {"encoding": "cp932", "encoding_label": "Shift_JIS（CP932）"}
    with translation.override("en"):
        assert encoding_notice(raw) == "Character encoding: read as Shift_JIS (CP932)."
    assert encoding_notice(b"\x80\x81\xfe") == ""
    assert read_as(None) == {"encoding": None, "encoding_label": None}


def test_the_excel_variant_starts_with_a_bom_and_holds_the_same_rows():
    # given rows with Japanese text, a comma, a quote and a line break
    header = ["code", "名称"]
    rows = [["x-1", "住民基本台帳"], ["x-2", 'a,"b"\nc'], ["x-3", None]]
    # when written with and without the BOM
    plain = csv_text(header, rows).encode("utf-8")
    excel = csv_text(header, rows, bom=True).encode("utf-8")
    # then only the Excel file starts with EF BB BF, and both read back as the same rows
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    read = [list(csv.reader(io.StringIO(decode_text(f).text, newline=""))) for f in (plain, excel)]
    assert read[0] == read[1] == [header, *[[c or "" for c in row] for row in rows]]


def test_a_long_download_is_streamed_in_chunks_with_one_bom():
    # given many rows
    rows = ([str(n), "行" * 40] for n in range(5000))
    # when written for Excel
    chunks = list(csv_chunks(["n", "text"], rows, bom=True))
    # then it comes in several chunks, and only the first starts with the BOM
    assert len(chunks) > 1
    assert chunks[0].startswith("\ufeff") and not any("\ufeff" in c for c in chunks[1:])
    assert "".join(chunks).count("\r\n") == 5001
