"""A quick yes for the common STIX patterns, so that a write of thousands of indicators does
not spend ~2 ms an indicator in the ANTLR parser of ``stix2patterns`` (it was most of a TAXII
write's time).

``plainly_valid`` recognises a strict subset of the STIX 2.1 pattern grammar: observations
``[ … ]`` joined by AND or OR, each a list of comparisons ``type:path = 'string'`` (or ``!=``)
joined by AND or OR, the path made of identifiers, quoted keys and ``.``. It answers True only
for a pattern in that subset that the grammar accepts and whose hashes the library's own
hash rule (``object_validator.verify_object``) accepts; for anything else (another operator,
a number, parentheses, qualifiers, comments, unusual white space, a keyword where a name
stands, a bad hash) it answers False, which means "ask the full validator", never "invalid".
tests/sharing/test_patterns.py checks it against the full validator.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

_WS = r"[ \t\r\n]*"
_STRING = r"'(?:[^'\\]|\\'|\\\\)*'"  # '…' with only \' and \\ escapes
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"  # IdentifierWithoutHyphen
_STEP = rf"(?:{_NAME}|{_STRING})"
# The pattern is read in pieces, each a regular expression matched where the last ended:
# "[", a comparison, AND or OR, "]", the end. A name runs as far as the lexer's would (the
# piece after it never starts with a name's character), so the cuts are the lexer's.
_OPEN = re.compile(_WS + r"\[")
_COMPARISON = re.compile(
    rf"{_WS}(?P<type>[A-Za-z_][A-Za-z0-9_-]*){_WS}:{_WS}"
    rf"(?P<path>{_STEP}(?:{_WS}\.{_WS}{_STEP})*){_WS}(?:!=|=){_WS}(?P<value>{_STRING})"
)
_JOIN = re.compile(_WS + r"(?:AND|OR)(?![A-Za-z0-9_'-])")
_CLOSE = re.compile(_WS + r"\]")
_END = re.compile(_WS + r"\Z")
_PATH_STEP = re.compile(rf"(?P<name>{_NAME})|(?P<string>{_STRING})")
# Words the lexer reads as keywords or literals, not names (compared case-blind, to be safe).
_RESERVED = frozenset(
    {
        "and",
        "or",
        "not",
        "followedby",
        "like",
        "matches",
        "issuperset",
        "issubset",
        "exists",
        "last",
        "in",
        "start",
        "stop",
        "seconds",
        "true",
        "false",
        "within",
        "repeats",
        "times",
    }
)


def _unquote(literal: str) -> str:
    return literal[1:-1].replace("\\'", "'").replace("\\\\", "\\")


def _path(text: str) -> list[str] | None:
    """The components of an object path as the library's inspector lists them (quoted keys
    unquoted), or None when a name is a keyword."""
    steps = []
    for step in _PATH_STEP.finditer(text):
        name = step.group("name")
        if name is not None:
            if name.lower() in _RESERVED:
                return None
            steps.append(name)
        else:
            steps.append(_unquote(step.group("string")))
    return steps


def _comparisons(pattern: str) -> dict[str, list] | None:
    """The comparisons by object type, as ``verify_object`` reads them, when ``pattern`` is
    in the subset; else None."""
    found: dict[str, list] = {}
    position = 0
    while True:  # observations joined by AND or OR
        opened = _OPEN.match(pattern, position)
        if opened is None:
            return None
        position = opened.end()
        while True:  # comparisons joined by AND or OR
            comparison = _COMPARISON.match(pattern, position)
            if comparison is None or comparison.group("type").lower() in _RESERVED:
                return None
            path = _path(comparison.group("path"))
            if path is None:
                return None
            found.setdefault(comparison.group("type"), []).append(
                (path, "=", comparison.group("value"))
            )
            position = comparison.end()
            joined = _JOIN.match(pattern, position)
            if joined is None:
                break
            position = joined.end()
        closed = _CLOSE.match(pattern, position)
        if closed is None:
            return None
        position = closed.end()
        if _END.match(pattern, position):
            return found
        joined = _JOIN.match(pattern, position)
        if joined is None:
            return None
        position = joined.end()


def plainly_valid(pattern: str) -> bool:
    """True when ``pattern`` is in the subset and valid; False means "not known here"."""
    comparisons = _comparisons(pattern)
    if comparisons is None:
        return False
    from stix2patterns.v21.object_validator import verify_object

    return not verify_object(SimpleNamespace(comparisons=comparisons))
