"""Fuzzing the systems import with mutations of our own CSV export (bytes, and cells replaced
by plausible values): each file is imported or refused with its problem list, never an
exception escaping and never a partial write."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shireito.core.models import AuditEvent
from shireito.registry.models import InformationSystem
from shireito.registry.services import system_update
from shireito.registry.transfer import COLUMNS, export_csv, import_bytes
from tests.fuzzing import COUNTS, byte_mutations, fuzz_settings, row_counts

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.long,
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning"),
]
MODELS = (InformationSystem, AuditEvent)

cell_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "=1+1",
            "'=x",
            "-1",
            "2026-02-30",
            "true",
            "maybe",
            "mhlw",
            "nowhere",
            "9" * 30,
            "local_government_system",
            "a;b;c",
            "\x00",
            "ministry_system",
        ]
    ),
)


@st.composite
def cell_mutations(draw, rows: list[list[str]]) -> bytes:
    """Our export with one to five cells (the header's among them) replaced."""
    rows = [list(row) for row in rows]
    for _ in range(draw(st.integers(1, 5))):
        row = draw(st.integers(0, len(rows) - 1))
        column = draw(st.integers(0, len(rows[row]) - 1))
        rows[row][column] = draw(cell_values)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _try(raw: bytes) -> None:
    before = row_counts(*MODELS)
    try:
        result = import_bytes(raw, actor=None, dry_run=False)
    except Exception as exc:  # only an undecodable file may be refused by raising
        from django.core.exceptions import ValidationError

        assert isinstance(exc, ValidationError), repr(exc)
        assert row_counts(*MODELS) == before
        return
    if not result.written:
        assert result.problems and all(p.message for p in result.problems)
        assert row_counts(*MODELS) == before


def test_fuzz_systems_csv(systems):
    # given our own export, with a name a spreadsheet would run as a formula
    system_update(actor=None, system=systems["mhlw-app"], name='=HYPERLINK("x")')
    text = "".join(export_csv(InformationSystem.objects.order_by("code"), bom=True))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == COLUMNS
    _try(text.encode())

    # when it is mutated, byte by byte and cell by cell, and imported
    @fuzz_settings
    @given(st.one_of(byte_mutations(text.encode()), cell_mutations(rows)))
    def run(raw):
        COUNTS["systems CSV"] += 1
        _try(raw)

    # then each is imported or refused whole (checked in _try)
    run()
