"""Formula injection: no cell of any CSV or XLSX download starts with a character that a
spreadsheet runs as a formula, unless it is a number, and our own importers read every
guarded value back as it was."""

import csv
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shireito.core.spreadsheets import xlsx_bytes, xlsx_rows
from shireito.core.textfiles import FORMULA_STARTS, NUMBER, csv_text, guard_cell, unguard_cell

# Texts that often start with a dangerous character, and plain ones.
dangerous_text = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(sorted(FORMULA_STARTS | {"'", "''", "'="})),
    st.text(max_size=20),
)
cell_text = st.one_of(dangerous_text, st.text(max_size=20))
cells = st.one_of(
    cell_text,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.none(),
)


def _safe(text: str) -> bool:
    return not text or text[0] not in FORMULA_STARTS or bool(NUMBER.fullmatch(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=4), max_size=5))
def test_no_csv_cell_starts_a_formula_unless_it_is_a_number(rows):
    # given rows of texts, many starting with =, +, -, @, tab or CR, and numbers
    # when they are written as CSV
    text = csv_text(["a", "b", "c", "d"], rows)

    # then every cell read back is safe, and unguarded it is the value written
    read = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert len(read) == len(rows)
    for written, back in zip(rows, read, strict=True):
        for value, cell in zip(written, back, strict=True):
            assert _safe(cell), cell
            expected = "" if value is None else str(value)
            assert unguard_cell(cell) == expected


@settings(max_examples=300, deadline=None)
@given(cell_text)
def test_guard_then_unguard_is_the_identity(text):
    # given any text; when it is guarded; then it is safe and unguarding restores it
    guarded = guard_cell(text)
    assert _safe(guarded)
    assert unguard_cell(guarded) == text


# Text an XLSX cell holds as it is (no control characters; those are left out on writing).
xlsx_text = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(sorted(FORMULA_STARTS | {"'", "''", "'="})),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(xlsx_text, st.integers(-1000, 1000)), min_size=2, max_size=2),
        min_size=1,
        max_size=5,
    )
)
def test_no_xlsx_cell_is_a_formula_and_numbers_stay_numbers(rows):
    # given rows of dangerous texts and numbers (negative ones among them)
    # when they are written as XLSX
    raw = xlsx_bytes([("sheet", ["a", "b"], rows)])

    # then no cell is a formula, numbers are numeric cells, and our reader restores the text
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(raw)).active
    for written, cells_back in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        for value, cell in zip(written, cells_back, strict=True):
            assert cell.data_type != "f"
            if isinstance(value, int):
                assert cell.data_type == "n" and cell.value == value
            else:
                assert _safe(cell.value), cell.value
    held = [[str(value).replace("\r\n", "\n").replace("\r", "\n") for value in row] for row in rows]
    assert list(xlsx_rows(raw))[1:] == held


def test_negative_amounts_stay_numbers_in_csv():
    # given a budget row with a negative amount as a number and as text
    text = csv_text(["amount", "text"], [[-1200, "-1200"], [Decimal("-3.50"), "+3.5"]])

    # then both are written as plain numbers, without a guard
    assert text.splitlines()[1:] == ["-1200,-1200", "-3.50,+3.5"]
