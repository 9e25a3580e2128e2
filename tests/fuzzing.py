"""Importer fuzzing: mutations of real samples and of our own exports, and the count of
inputs each importer was given (printed at the end of the session by ``tests/conftest.py``).

``SHIREITO_FUZZ_EXAMPLES`` sets how many inputs each fuzz test generates (default 40: the
whole fuzz suite then runs in about two minutes on the project's machine)."""

from __future__ import annotations

import copy
import json
import os
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("SHIREITO_FUZZ_EXAMPLES") or 40)
COUNTS: Counter[str] = Counter()
# The shared samples sit beside the repository (as the other import tests find them).
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# Bytes that break parsers in interesting ways.
NASTY = [
    b'"',
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\x00",
    b"\\u0000",
    b'"\\ud800"',
    b"\xff\xfe",
    b"\x82\xa0",
    b"=1+1",
    b"\n",
    b"\r",
    b"null",
    b"-1",
    b"1e999",
    b"NaN",
    b"'",
    b"\t",
    b"9" * 400,
    b"[" * 3000,
]


@st.composite
def byte_mutations(draw, sample: bytes) -> bytes:
    """``sample`` with one to four edits: a byte changed, a slice removed, duplicated or cut
    off, nasty bytes inserted."""
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            data += draw(st.binary(max_size=16))
            continue
        at = draw(st.integers(0, len(data) - 1))
        end = draw(st.integers(at, min(len(data), at + 256)))
        op = draw(st.sampled_from(["change", "delete", "insert", "duplicate", "truncate"]))
        if op == "change":
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at:end]
        elif op == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(NASTY), st.binary(max_size=16)))
        elif op == "duplicate":
            data[at:at] = data[at:end]
        else:
            del data[at:]
    return bytes(data)


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.sampled_from(["", "=1+1", "\x00", "\ud800", "a" * 300, "2026-13-45", "--"]),
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _places(value, found: list) -> list:
    """Every (container, key) in a JSON document, parents before children."""
    stack = [value]
    while stack:
        item = stack.pop()
        pairs = (
            item.items()
            if isinstance(item, dict)
            else enumerate(item)
            if isinstance(item, list)
            else ()
        )
        for key, child in pairs:
            found.append((item, key))
            stack.append(child)
    return found


@st.composite
def json_mutations(draw, document) -> bytes:
    """``document`` with one to three values replaced by plausible JSON or removed, as bytes
    (``ensure_ascii``, so lone surrogates travel as escapes as they would from outside)."""
    document = copy.deepcopy(document)
    places = _places(document, [])
    for _ in range(draw(st.integers(1, 3))):
        container, key = draw(st.sampled_from(places))
        if isinstance(container, list) and key >= len(container):
            continue
        if isinstance(container, dict) and key not in container:
            continue
        if draw(st.booleans()):
            container[key] = draw(json_values)
        elif isinstance(container, dict):
            del container[key]
        else:
            container.pop(key)
    return json.dumps(document).encode()


def mutations(sample: bytes, document=None):
    """Byte mutations of ``sample``, and structural ones of its JSON ``document`` if given."""
    if document is None:
        return byte_mutations(sample)
    return st.one_of(byte_mutations(sample), json_mutations(document))


def row_counts(*models) -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in models}
