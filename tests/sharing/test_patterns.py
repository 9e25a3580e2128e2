"""The quick check of simple STIX patterns (``sharing/patterns.py``) never says yes where the
full validator of ``stix2patterns`` says no, and says yes for the usual indicator patterns (so
writes of them skip the slow parser)."""

from __future__ import annotations

import hashlib
import random

import pytest
from stix2patterns.validator import run_validator

from shireito.sharing.patterns import plainly_valid
from shireito.sharing.stix import stix_pattern_problem

SHA256 = hashlib.sha256(b"x").hexdigest()
USUAL = [
    f"[file:hashes.'SHA-256' = '{SHA256}']",
    f"[file:hashes.MD5 = '{hashlib.md5(b'x').hexdigest()}']",  # noqa: S324 - test data
    "[ipv4-addr:value = '198.51.100.7']",
    "[domain-name:value = 'example.com'] OR [url:value = 'https://example.com/a?b=c']",
    "[email-addr:value = 'a@example.com' AND email-addr:display_name != 'Bob']",
    "[network-traffic:src_ref.value = '203.0.113.1']",
    "[file:name = 'it''s']".replace("''", "\\'"),
    "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software']",
    "[x509-certificate:subject = 'CN=a, O=b']",
    "  [ file : name = 'a' ]  ",
]

# Pieces that patterns are made of, good and bad, for random patterns near the subset.
PIECES = [
    "[", "]", "[", "]", ":", ".", "=", "!=", "==", "<>", "<", "(", ")", "'", "*", ",", "/", "-",
    " ", " ", " ", "\t", "\n", "\u00a0", "AND", "OR", "and", "NOT", "IN", "LIKE", "FOLLOWEDBY",
    "WITHIN", "true", "file", "file", "name", "hashes", "ipv4-addr", "value", "x-my_type",
    "_x", "a-", "ANDROID", "h", "t", "b", "1", "-1", "1.5", "'a'", "'SHA-256'", "'MD5'",
    f"'{SHA256}'", "'abc'", "'a\\'b'", "'a\\\\'", "'a\\b'", "'é'", "''", "/* c */", "// c",
    "t'2026-01-01T00:00:00Z'", "h'ff'", "b'AA=='", "START", "SECONDS", "[0]", "[*]",
]  # fmt: skip


def near_miss_patterns(count: int, *, seed: int) -> list[str]:
    """Random patterns: usual ones with one piece changed, added or dropped, and strings of
    random pieces."""
    rng = random.Random(seed)
    found = []
    for number in range(count):
        if number % 3 == 0:
            found.append("".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14))))
            continue
        base = rng.choice(USUAL)
        cut = rng.randint(0, len(base))
        change = rng.choice(("insert", "replace", "drop"))
        end = cut + (rng.randint(1, 4) if change != "insert" else 0)
        piece = "" if change == "drop" else rng.choice(PIECES)
        found.append(base[:cut] + piece + base[end:])
    return found


@pytest.mark.parametrize("pattern", USUAL)
def test_the_usual_patterns_are_answered_without_the_full_parser(pattern):
    # given a usual indicator pattern, which the full validator accepts
    assert run_validator(pattern, "2.1") == []
    # when the quick check looks at it / then it says yes
    assert plainly_valid(pattern)


def test_the_quick_check_never_accepts_what_the_full_validator_refuses():
    # given 3,000 patterns near the subset, many of them broken
    patterns = near_miss_patterns(3000, seed=17)
    # when both look at each
    accepted_wrongly = [
        pattern for pattern in patterns if plainly_valid(pattern) and run_validator(pattern, "2.1")
    ]
    # then the quick check accepted none that the full validator refuses, and did accept some
    assert accepted_wrongly == []
    assert sum(plainly_valid(pattern) for pattern in patterns) > 500


@pytest.mark.parametrize(
    "pattern",
    [
        "[file:hashes.'SHA-256' = 'not-a-hash']",
        "[file:hashes.MD5 = 'abc']",
        "[file:name = 'a'",
        "[file:name = 'a'] AND",
        "[AND:name = 'a']",
        "[file:name-x = 'a']",
    ],
)
def test_a_bad_pattern_still_gets_the_full_validators_message(pattern):
    # given a pattern in or near the subset that the full validator refuses
    # when it is checked / then the quick check does not answer and the message is the library's
    assert not plainly_valid(pattern)
    assert stix_pattern_problem(pattern) == "; ".join(run_validator(pattern, "2.1"))
