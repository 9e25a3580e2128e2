"""A file that cannot be read is told why in the reader's language, with where."""

import csv
import io
import json

import pytest
from django.utils import translation

from shireito.core.parsing import csv_problem, decode_problem, json_problem


def _json_error(text: str) -> json.JSONDecodeError:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    return caught.value


def _decode_error(data: bytes) -> UnicodeDecodeError:
    with pytest.raises(UnicodeDecodeError) as caught:
        data.decode("utf-8")
    return caught.value


def test_bad_json_is_told_with_its_line_and_column_in_both_languages():
    # given a document whose second line has no value
    error = _json_error('{\n  "a": }')

    # when the problem is told in Japanese and in English
    with translation.override("ja"):
        japanese = json_problem(error)
    with translation.override("en"):
        english = json_problem(error)

    # then both say where and what, in their own words, never Python's
    assert japanese == "ファイルはJSONとして読めません（2行目、8文字目）：値がありません。"
    assert english == "The file is not valid JSON at line 2, column 8: a value is missing."
    assert "Expecting" not in japanese + english


def test_an_empty_document_is_not_told_in_pythons_words():
    with translation.override("ja"):
        assert "Expecting value" not in json_problem(_json_error(""))
        assert "1行目、1文字目" in json_problem(_json_error(""))


def test_bytes_that_are_not_utf8_are_told_with_their_line_in_both_languages():
    # given a Shift_JIS file whose second line is Japanese
    error = _decode_error("id,name\n1,省庁\n".encode("cp932"))

    # when the problem is told
    with translation.override("ja"):
        japanese = decode_problem(error)
    with translation.override("en"):
        english = decode_problem(error)

    # then it names the line and the byte, not the codec's message
    assert japanese.startswith("ファイルはUTF-8のテキストではありません：2行目")
    assert "0x8F" in japanese
    assert english.startswith("The file is not UTF-8 text: line 2 holds a byte (0x8F)")
    assert "codec" not in japanese + english


def test_json_of_bytes_that_are_not_utf8_is_a_decode_problem():
    with pytest.raises(UnicodeDecodeError) as caught:
        json.loads(b'{"a": "\xff"}')
    with translation.override("en"):
        assert "is not UTF-8 text" in json_problem(caught.value)


@pytest.mark.parametrize(
    ("value", "english"),
    [
        (ValueError("NaN is not JSON"), "NaN and Infinity are not JSON numbers"),
        (
            ValueError("Exceeds the limit (4300 digits) for integer string conversion"),
            "a number has too many digits",
        ),
    ],
)
def test_json_python_reads_but_we_do_not_is_told_in_words(value, english):
    with translation.override("en"):
        assert english in json_problem(value, what="The bundle")
        assert json_problem(value, what="The bundle").startswith("The bundle")


def test_a_csv_line_that_cannot_be_read_is_told_with_its_line():
    # given a CSV file with a cell longer than the reader takes on its third line
    reader = csv.reader(io.StringIO("a,b\n1,2\n3," + "x" * (csv.field_size_limit() + 1) + "\n"))
    with pytest.raises(csv.Error) as caught:
        list(reader)

    # when told
    with translation.override("ja"):
        japanese = csv_problem(caught.value, line=reader.line_num)
    with translation.override("en"):
        english = csv_problem(caught.value, line=reader.line_num)

    # then
    assert japanese == "3行目をCSVとして読めません：長すぎるセルがあります。"
    assert english == "Line 3 cannot be read as CSV: a cell is too long."
