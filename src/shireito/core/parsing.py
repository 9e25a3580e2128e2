"""What a file that cannot be read is told, in the reader's language.

Python's parsers explain themselves in English (``Expecting value: line 1 column 1 (char 0)``,
``'utf-8' codec can't decode byte 0x82 in position 3``); every import shows these messages
instead: what is wrong, in words of our catalog, and where (line and column) when known.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The start of each message of Python's JSON parser, and what it means.
_JSON_REASONS = (
    ("Expecting value", gettext_lazy("a value is missing")),
    (
        "Expecting property name",
        gettext_lazy("a name in double quotation marks is expected"),
    ),
    ("Expecting ':'", gettext_lazy("a colon (:) is expected")),
    ("Expecting ','", gettext_lazy("a comma (,) is expected")),
    ("Unterminated string", gettext_lazy("a string is not closed")),
    ("Invalid control character", gettext_lazy("a string holds a control character")),
    ("Invalid \\", gettext_lazy("a string holds an invalid escape")),
    ("Extra data", gettext_lazy("something follows the end of the document")),
    ("Illegal trailing comma", gettext_lazy("a comma comes before a closing bracket")),
)


class TooDeeplyNested(ValueError):
    """JSON nested deeper than Python's parser follows (it raises RecursionError)."""


def _not_a_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def load_json(data: bytes | str, *, constants: bool = True) -> object:
    """``json.loads`` for a document from outside: every way it can fail is a ValueError
    (which ``json_problem`` explains), deep nesting included, so no upload reaches a 500.
    ``constants=False`` also refuses NaN and Infinity, which Python takes and JSON has not."""
    try:
        if constants:
            return json.loads(data)
        return json.loads(data, parse_constant=_not_a_constant)
    except RecursionError as exc:
        raise TooDeeplyNested("nested too deeply") from exc


def _line_of(data: bytes | str, position: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data[:position].count(newline) + 1  # type: ignore[arg-type]


def decode_problem(exc: UnicodeDecodeError, *, what: str | None = None) -> str:
    """A file whose bytes are not UTF-8 text, with the line of the first byte that is not."""
    line = _line_of(exc.object, exc.start)
    return _(
        "%(what)s is not UTF-8 text: line %(line)s holds a byte (0x%(byte)s) that UTF-8 does "
        "not use. Save the file as UTF-8 and try again."
    ) % {
        "what": what or _("The file"),
        "line": line,
        "byte": exc.object[exc.start : exc.start + 1].hex().upper(),
    }


def json_problem(exc: ValueError, *, what: str | None = None) -> str:
    """Why a document is not JSON, and where (line and column) when the parser says."""
    if isinstance(exc, UnicodeDecodeError):
        return decode_problem(exc, what=what)
    what = what or _("The file")
    if isinstance(exc, TooDeeplyNested):
        return _("%(what)s is not accepted: its JSON is nested too deeply.") % {"what": what}
    if isinstance(exc, json.JSONDecodeError):
        reason = next(
            (str(text) for start, text in _JSON_REASONS if exc.msg.startswith(start)),
            _("the text does not follow the JSON syntax"),
        )
        return _("%(what)s is not valid JSON at line %(line)s, column %(column)s: %(reason)s.") % {
            "what": what,
            "line": exc.lineno,
            "column": exc.colno,
            "reason": reason,
        }
    if "is not JSON" in str(exc):  # NaN or Infinity, which Python's parser would take
        return _("%(what)s is not valid JSON: NaN and Infinity are not JSON numbers.") % {
            "what": what
        }
    if "digits" in str(exc):  # a number longer than Python converts
        return _("%(what)s is not valid JSON: a number has too many digits.") % {"what": what}
    return _("%(what)s is not valid JSON.") % {"what": what}


def csv_problem(exc: Exception, *, line: int) -> str:
    """Why a CSV line cannot be read (``csv.Error``), on its line."""
    text = str(exc)
    if "NUL" in text:
        reason = _("it holds a null character")
    elif "field larger than field limit" in text:
        reason = _("a cell is too long")
    elif "new-line character" in text:
        reason = _("a line break is outside quotation marks")
    else:
        reason = _("the quotation marks do not match")
    return _("Line %(line)s cannot be read as CSV: %(reason)s.") % {"line": line, "reason": reason}
