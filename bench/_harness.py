"""What every benchmark script shares: a scratch database, timing, and one row format.

A script calls ``setup("<script>")`` before importing anything from Django. It gets a
throwaway SQLite file in a temporary directory, or, when ``SHIREITO_DATABASE_URL`` names a
PostgreSQL server, a scratch database ``shireito_bench_<script>`` on it (the URL's own database
is only where we connect to create it), dropped again when the script ends. Then
``bench.measure(case, fn, runs)`` times a case and records a ``Row``; rows go as JSON lines to
the file named by ``SHIREITO_BENCH_ROWS`` (so ``bench/run.py`` can collect them) and are
printed for a reader when the script runs alone.

Peak memory is the process's peak resident set size so far (``resource.getrusage`` maxrss),
read when the case ends: cheap and does not slow what is measured, as tracemalloc would, but
it only ever grows during a script, so a case shows the largest of itself and what ran before.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROWS_ENV = "SHIREITO_BENCH_ROWS"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if not DATA.is_dir():  # a worktree below /work/wt: the shared data sits beside the main checkout
    DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@dataclass
class Row:
    """One measured case (or, with no timings, one data size) of one script on one database."""

    script: str
    case: str
    database: str
    runs: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    throughput: float | None = None
    unit: str = "ops/s"
    peak_rss_mb: float | None = None
    data: str = ""
    db_mb: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    @classmethod
    def from_json(cls, line: str) -> Row:
        return cls(**json.loads(line))


@dataclass
class Timing:
    """Wall-clock times of the runs of one case, in seconds."""

    seconds: list[float]
    ops_per_run: float = 1.0
    last: Any = None
    # Runs made side by side (concurrent clients): throughput is over this wall time.
    wall_seconds: float | None = None

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.seconds, 95) * 1000

    @property
    def throughput(self) -> float:
        total = self.wall_seconds if self.wall_seconds is not None else sum(self.seconds)
        return len(self.seconds) * self.ops_per_run / total if total else math.inf


def percentile(values: Iterable[float], percent: float) -> float:
    """Nearest-rank percentile: with 20 runs the p95 is the 19th fastest, never interpolated."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * percent / 100) - 1)]


def peak_rss_mb() -> float:
    """The process's peak resident set size so far (Linux reports kilobytes, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def time_runs(fn: Callable[[], Any], runs: int, *, warmup: int = 1, ops: float = 1) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then ``runs`` times timed."""
    for _ in range(warmup):
        fn()
    seconds, last = [], None
    for _ in range(runs):
        started = time.perf_counter()
        last = fn()
        seconds.append(time.perf_counter() - started)
    return Timing(seconds, ops_per_run=ops, last=last)


@dataclass
class Bench:
    """The running script: its name, database and the rows recorded so far."""

    script: str
    scratch: Path
    database_name: str | None = None  # the scratch PostgreSQL database, when there is one
    rows: list[Row] = field(default_factory=list)

    @property
    def vendor(self) -> str:
        from django.db import connection

        return connection.vendor

    def db_mb(self) -> float | None:
        """The scratch database's size now (SQLite: the file and its WAL)."""
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                return cursor.fetchone()[0] / 1e6
        name = Path(str(connection.settings_dict["NAME"]))
        files = [name, name.with_name(name.name + "-wal")]
        return sum(f.stat().st_size for f in files if f.exists()) / 1e6

    def measure(
        self,
        case: str,
        fn: Callable[[], Any],
        runs: int,
        *,
        warmup: int = 1,
        ops: float = 1,
        unit: str = "ops/s",
        data: str = "",
        target_ms: float | None = None,
        note: str = "",
        size: bool = False,
    ) -> Timing:
        """Time ``fn`` (``ops`` operations per call) and record its row. A target is on the
        p95; ``size=True`` also records the database's size after the case."""
        timing = time_runs(fn, runs, warmup=warmup, ops=ops)
        self.record_timing(
            case,
            timing,
            unit=unit,
            data=data,
            target_ms=target_ms,
            note=note,
            size=size,
        )
        return timing

    def record_timing(
        self,
        case: str,
        timing: Timing,
        *,
        unit: str = "ops/s",
        data: str = "",
        target_ms: float | None = None,
        target: str = "",
        met: bool | None = None,
        note: str = "",
        size: bool = False,
    ) -> Row:
        """Record a case timed by the script itself (e.g. one long run it had to make anyway).
        A target is ``target_ms`` on the p95, or any ``target`` text with its ``met``."""
        if target_ms is not None:
            target = target or f"p95 ≤ {target_ms:g} ms"
            met = timing.p95_ms <= target_ms
        return self.record(
            Row(
                script=self.script,
                case=case,
                database=self.vendor,
                runs=len(timing.seconds),
                p50_ms=timing.p50_ms,
                p95_ms=timing.p95_ms,
                throughput=timing.throughput,
                unit=unit,
                data=data,
                db_mb=self.db_mb() if size else None,
                target=target,
                met=met,
                note=note,
            )
        )

    def record(self, row: Row) -> Row:
        """Keep a row: peak memory now, appended to the runner's file, printed for a reader."""
        if row.peak_rss_mb is None:
            row.peak_rss_mb = peak_rss_mb()
        self.rows.append(row)
        target = os.environ.get(ROWS_ENV)
        if target:
            with open(target, "a", encoding="utf-8") as out:
                out.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
        print(describe(row), flush=True)
        return row

    def progress(self, text: str) -> None:
        """A line on the terminal that is not a result."""
        print(f"  {text}", file=sys.stderr, flush=True)


def setup(script: str, *, demo: bool = False) -> Bench:
    """Point Django at a scratch database, set it up, migrate it; clean up when the script
    ends. ``demo=True`` turns on demo mode (what ``demo load`` and ``demo scale`` need)."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    if src not in sys.path:  # measure this checkout, whatever the venv has installed
        sys.path.insert(0, src)
    scratch = Path(tempfile.mkdtemp(prefix=f"shireito-bench-{script}-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    os.environ["SHIREITO_DATA_DIR"] = str(scratch)
    server = os.environ.get("SHIREITO_DATABASE_URL", "")
    bench = Bench(script=script, scratch=scratch)
    if server.startswith(("postgres://", "postgresql://")):
        bench.database_name = f"shireito_bench_{script}".replace("-", "_")
        _create_database(server, bench.database_name)
        parts = urlsplit(server)
        os.environ["SHIREITO_DATABASE_URL"] = urlunsplit(
            parts._replace(path=f"/{bench.database_name}")
        )
        atexit.register(_drop_database, server, bench.database_name)
    else:
        os.environ["SHIREITO_DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    if demo:
        os.environ["SHIREITO_DEMO_MODE"] = "true"
        os.environ["SHIREITO_STATICFILES_STORAGE"] = (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shireito.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    print(f"{script}: {bench.vendor}", file=sys.stderr, flush=True)
    return bench


def audit_parties(roles: tuple[str, ...] = ("auditor",)):
    """What an audit benchmark starts from: the national centre, a ministry with one system,
    and an auditor of the centre (with ``roles``). Returns (ministry, system, auditor)."""
    from shireito.accounts.services import user_create
    from shireito.organizations.services import organization_create, role_holding_ensure
    from shireito.registry.services import system_create

    centre = organization_create(
        actor=None, code="bench-centre", name="統括室", kind="national_cyber_centre"
    )
    role_holding_ensure(
        actor=None, role="national_cyber_centre", organization=centre, valid_from=None
    )
    ministry = organization_create(
        actor=None, code="bench-ministry", name="試験省", kind="ministry"
    )
    system = system_create(
        actor=None,
        code="bench-system",
        name="試験システム",
        owner=ministry,
        category="ministry_system",
    )
    auditor = user_create(
        actor=None,
        username="bench-auditor",
        organization=centre,
        password="bench-password-not-secret-0",  # noqa: S106 - a throwaway database
        roles=list(roles),
        check_password_strength=False,
    )
    return ministry, system, auditor


def _admin_connection(server: str):
    """A connection to the server's ``postgres`` database (else the URL's own), autocommit."""
    import psycopg

    parts = urlsplit(server)
    for path in ("/postgres", parts.path):
        try:
            return psycopg.connect(urlunsplit(parts._replace(path=path)), autocommit=True)
        except psycopg.OperationalError:
            if path == parts.path:
                raise
    raise AssertionError("unreachable")


def _create_database(server: str, name: str) -> None:
    with _admin_connection(server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # an old run's
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop_database(server: str, name: str) -> None:
    from django.db import connections

    connections.close_all()
    with _admin_connection(server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Presenting rows ---------------------------------------------------------------------------

DATABASE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return ""
    if value >= 100 or digits == 0:
        return f"{value:,.0f}"
    if 0 < value < 1:
        return f"{value:.2g}"
    return f"{value:,.{digits}f}"


def data_cell(row: Row) -> str:
    parts = [row.data] if row.data else []
    if row.db_mb is not None:
        parts.append(f"DB {_number(row.db_mb)} MB")
    return " · ".join(parts)


def met_cell(row: Row) -> str:
    return {True: "yes", False: "**no**", None: ""}[row.met]


def describe(row: Row) -> str:
    """One line for a reader of a single script's output."""
    parts = [f"{row.case} [{DATABASE_LABELS.get(row.database, row.database)}]"]
    if row.p50_ms is not None:
        parts.append(f"p50 {_number(row.p50_ms)} ms, p95 {_number(row.p95_ms)} ms ({row.runs}×)")
    if row.throughput is not None:
        parts.append(f"{_number(row.throughput)} {row.unit}")
    if data := data_cell(row):
        parts.append(data)
    if row.target:
        parts.append(f"target {row.target}: {'met' if row.met else 'NOT met'}")
    if row.note:
        parts.append(row.note)
    return " — ".join(parts)


COLUMNS = [
    "script",
    "case",
    "database",
    "runs",
    "p50 ms",
    "p95 ms",
    "throughput",
    "peak RSS MB",
    "data",
    "target",
    "met",
]


def markdown_table(rows: Iterable[Row]) -> str:
    """One table: rows grouped by script and case (in the order first seen), SQLite before
    PostgreSQL for the same case, so the two databases sit on adjacent lines."""
    rows = list(rows)
    scripts: dict[str, int] = {}
    cases: dict[tuple[str, str], int] = {}
    for row in rows:
        scripts.setdefault(row.script, len(scripts))
        cases.setdefault((row.script, row.case), len(cases))
    order = {"sqlite": 0, "postgresql": 1}
    rows.sort(
        key=lambda r: (scripts[r.script], cases[(r.script, r.case)], order.get(r.database, 2))
    )
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] * len(COLUMNS)) + "|"]
    right = {"runs", "p50 ms", "p95 ms", "throughput", "peak RSS MB"}
    lines[1] = "|" + "|".join("---:" if c in right else "---" for c in COLUMNS) + "|"
    for row in rows:
        case = f"{row.case} ({row.note})" if row.note else row.case
        cells = [
            row.script,
            case,
            DATABASE_LABELS.get(row.database, row.database),
            str(row.runs) if row.runs else "",
            _number(row.p50_ms),
            _number(row.p95_ms),
            f"{_number(row.throughput)} {row.unit}" if row.throughput is not None else "",
            _number(row.peak_rss_mb, 0),
            data_cell(row),
            row.target,
            met_cell(row),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"
