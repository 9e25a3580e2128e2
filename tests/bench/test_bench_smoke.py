"""The benchmark harness's arithmetic and the runner's table, without running a benchmark
(tests never time: these check the bookkeeping, not how fast anything is)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def harness(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import _harness

    return _harness


@pytest.fixture
def runner(harness):
    import run

    return run


def _row(harness, **fields):
    defaults = {"script": "demo", "case": "a case", "database": "sqlite"}
    return harness.Row(**{**defaults, **fields})


def test_percentile_is_nearest_rank(harness):
    # given twenty values 1..20
    values = list(range(1, 21))
    # then the p95 is the 19th, the p50 the 10th, never an interpolation
    assert harness.percentile(values, 95) == 19
    assert harness.percentile(values, 50) == 10
    assert harness.percentile([7.0], 95) == 7.0


def test_time_runs_calls_warmup_then_runs_and_counts_ops(harness):
    # given a function that counts its calls
    calls = []
    # when it is timed with one warm-up and four runs of 10 operations each
    timing = harness.time_runs(lambda: calls.append(1) or len(calls), 4, warmup=1, ops=10)
    # then it ran five times, four of them timed, and the last result is kept
    assert len(calls) == 5
    assert len(timing.seconds) == 4
    assert timing.last == 5
    assert timing.p50_ms <= timing.p95_ms
    assert timing.throughput == pytest.approx(40 / sum(timing.seconds))


def test_a_recorded_row_goes_to_the_runners_file(harness, tmp_path, monkeypatch, capsys):
    # given a runner's rows file
    rows_file = tmp_path / "rows.jsonl"
    monkeypatch.setenv(harness.ROWS_ENV, str(rows_file))
    bench = harness.Bench(script="demo", scratch=tmp_path)
    # when a row is recorded
    bench.record(_row(harness, p50_ms=12.5, p95_ms=20.0, runs=5, target="p95 ≤ 30 ms", met=True))
    # then it is one JSON line that reads back the same, with the peak memory filled in
    (line,) = rows_file.read_text(encoding="utf-8").splitlines()
    row = harness.Row.from_json(line)
    assert json.loads(line)["case"] == "a case"
    assert row.p95_ms == 20.0
    assert row.peak_rss_mb and row.peak_rss_mb > 0
    # and a reader of the script sees it
    assert "a case [SQLite]" in capsys.readouterr().out


def test_table_puts_each_case_on_both_databases_side_by_side(harness):
    # given rows from two scripts, PostgreSQL's collected after SQLite's
    rows = [
        _row(harness, script="alpha", case="first", p50_ms=1.0, p95_ms=2.0, runs=3),
        _row(harness, script="alpha", case="second", target="p95 ≤ 1 ms", met=False),
        _row(harness, script="beta", case="only", data="40,000 systems", db_mb=812.4),
        _row(harness, script="alpha", case="first", database="postgresql", p50_ms=3.0),
    ]
    # when they are tabled
    lines = harness.markdown_table(rows).splitlines()
    # then a header, a separator, and the cases in order, SQLite before PostgreSQL
    assert lines[0].startswith("| script | case | database |")
    body = [line.split(" | ")[:3] for line in lines[2:]]
    assert body == [
        ["| alpha", "first", "SQLite"],
        ["| alpha", "first", "PostgreSQL"],
        ["| alpha", "second", "SQLite"],
        ["| beta", "only", "SQLite"],
    ]
    assert "**no**" in lines[4]
    assert "40,000 systems · DB 812 MB" in lines[5]


def test_writing_the_table_keeps_the_prose(runner, tmp_path):
    # given a document with prose around the table's markers
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\nProse.\n\n{runner.START}\nold\n{runner.END}\n\nMore.\n")
    # when the table is written
    runner.write_table(doc, "| new |\n")
    # then only what lay between the markers changed
    assert doc.read_text() == (
        f"# Benchmarks\n\nProse.\n\n{runner.START}\n| new |\n{runner.END}\n\nMore.\n"
    )


def test_the_runner_leaves_out_taxii_and_private_modules(runner):
    names = [path.name for path in runner.scripts([])]
    assert "taxii.py" not in names
    assert "run.py" not in names
    assert not [name for name in names if name.startswith("_")]
    assert "dashboard.py" in names


@pytest.fixture(autouse=True)
def _forget_bench_modules():
    yield
    for name in ("_harness", "_http", "run", "plans"):
        sys.modules.pop(name, None)


def test_the_runner_runs_the_plan_benchmark(runner):
    # the plan's benchmark is one of make bench's scripts, on both databases
    assert "plans.py" in [path.name for path in runner.scripts(["plans"])]


def test_the_plan_benchmark_has_a_case_for_each_target(harness):
    # given the plan benchmark's module (importing it sets nothing up)
    import plans

    # then the targets are there: pages at 300 ms, open data at 2 s
    assert plans.PAGE_TARGET_MS == 300
    assert plans.EXPORT_TARGET_MS == 2_000
    assert "/plans/{edition}/" in [path for _name, path in plans.PAGES]
    assert all(path.startswith("/open-data/plan/{edition}/") for _name, path in plans.OPEN_DATA)
