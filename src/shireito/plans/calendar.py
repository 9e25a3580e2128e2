"""The fiscal calendar the plan reports by: the fiscal year starts on 1 April, so Q1 is April
to June and Q4 is January to March of the next calendar year."""

from __future__ import annotations

import datetime as dt


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(fiscal year, quarter) of a date."""
    fiscal_year = day.year if day.month >= 4 else day.year - 1
    quarter = ((day.month - 4) % 12) // 3 + 1
    return fiscal_year, quarter


def quarter_start(fiscal_year: int, quarter: int) -> dt.date:
    month = 4 + (quarter - 1) * 3
    year = fiscal_year
    if month > 12:
        month -= 12
        year += 1
    return dt.date(year, month, 1)


def quarter_end(fiscal_year: int, quarter: int) -> dt.date:
    following = (fiscal_year, quarter + 1) if quarter < 4 else (fiscal_year + 1, 1)
    return quarter_start(*following) - dt.timedelta(days=1)


def report_due(fiscal_year: int, quarter: int, days_after: int) -> dt.date:
    """The day a quarter's report is due: ``days_after`` days after the quarter ends."""
    return quarter_end(fiscal_year, quarter) + dt.timedelta(days=days_after)


def previous_quarter(fiscal_year: int, quarter: int) -> tuple[int, int]:
    return (fiscal_year, quarter - 1) if quarter > 1 else (fiscal_year - 1, 4)


def quarters_between(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """Every (fiscal year, quarter) from the one holding ``first`` to the one holding
    ``last``, in order."""
    out: list[tuple[int, int]] = []
    current = quarter_of(first)
    end = quarter_of(last)
    while current <= end:
        out.append(current)
        fiscal_year, quarter = current
        current = (fiscal_year, quarter + 1) if quarter < 4 else (fiscal_year + 1, 1)
    return out
