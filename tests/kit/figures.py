"""The figures the attack, fuzzing and durability runs measure (cases run, endpoints probed,
kills survived, writes checked). pytest keeps a passing test's own output to itself, so the
tests report them here and ``tests/conftest.py`` prints them once at the end of the run, where
CI's log and ``docs/benchmarks.md`` take them from."""

from __future__ import annotations

FIGURES: list[tuple[str, str]] = []


def report(section: str, line: str) -> None:
    """Keep ``line`` for the end-of-run summary, under ``section``."""
    FIGURES.append((section, line.strip()))
