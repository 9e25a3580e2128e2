"""Run every benchmark script on SQLite, then on PostgreSQL, and print one Markdown table.

    .venv/bin/python bench/run.py [--quick] [--only dashboard,audits] [--write docs/benchmarks.md]

Each script (every ``bench/*.py`` except this one, ``taxii.py``, which is ``make bench-taxii``,
and ``_private`` modules) runs in its own process, on a throwaway SQLite file and then on a
scratch database of the PostgreSQL server at 127.0.0.1:5432 (``SHIREITO_BENCH_POSTGRESQL_URL``
names another; skipped when none answers). The scripts write their rows as JSON lines to a file
this runner names in ``SHIREITO_BENCH_ROWS``. ``--write FILE`` replaces the table between the
file's ``<!-- bench:table -->`` markers and keeps the prose around it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import ROWS_ENV, Row, markdown_table

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
NOT_HERE = {"run.py", "taxii.py"}  # taxii.py takes minutes and a second server: bench-taxii
POSTGRESQL_ENV = "SHIREITO_BENCH_POSTGRESQL_URL"
DEFAULT_POSTGRESQL = "postgresql://postgres@127.0.0.1:5432/postgres"
START, END = "<!-- bench:table -->", "<!-- /bench:table -->"


def scripts(only: list[str]) -> list[Path]:
    found = [
        path
        for path in sorted(BENCH.glob("*.py"))
        if not path.name.startswith("_") and path.name not in NOT_HERE
    ]
    if only:
        unknown = set(only) - {path.stem for path in found}
        if unknown:
            raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))}")
        found = [path for path in found if path.stem in only]
    return found


def postgresql_server() -> tuple[str, str] | None:
    """The PostgreSQL server's URL and version, or None when it does not answer."""
    url = os.environ.get(POSTGRESQL_ENV) or DEFAULT_POSTGRESQL
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
    except Exception as error:  # any failure means "not reachable"
        print(f"PostgreSQL not reachable at {url}: {error}".strip(), file=sys.stderr)
        return None
    return url, str(version).split()[0]


def run_script(path: Path, database_url: str | None, rows_file: Path, extra: list[str]) -> int:
    env = dict(os.environ)
    env[ROWS_ENV] = str(rows_file)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env.pop("SHIREITO_DATA_DIR", None)  # each script makes its own scratch directory
    if database_url:
        env["SHIREITO_DATABASE_URL"] = database_url
    else:
        env.pop("SHIREITO_DATABASE_URL", None)
    return subprocess.call(  # noqa: S603 - our own scripts
        [sys.executable, str(path), *extra], env=env, cwd=ROOT
    )


def environment(postgresql_version: str | None, quick: bool, minutes: float) -> str:
    """The line that says where and how the table was measured."""
    git = ["git", "rev-parse", "--short", "HEAD"]  # from PATH, as a developer runs it
    commit = subprocess.run(git, capture_output=True, text=True, cwd=ROOT)  # noqa: S603
    commit = commit.stdout.strip()
    databases = f"SQLite {sqlite3.sqlite_version}"
    if postgresql_version:
        databases += f", PostgreSQL {postgresql_version}"
    return (
        f"Measured {dt.date.today().isoformat()} at commit {commit or '?'}"
        f"{' with --quick (small sizes)' if quick else ' (full sizes)'}, {minutes:.0f} min in "
        f"all; {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {databases}."
    )


def write_table(target: Path, section: str) -> None:
    """Replace what lies between the markers (or add the section at the end)."""
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    block = f"{START}\n{section.rstrip()}\n{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _old, after = rest.split(END, 1)
        text = before + block + after
    else:
        text = text.rstrip() + ("\n\n" if text else "") + block + "\n"
    target.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="each script's --quick sizes")
    parser.add_argument("--only", default="", help="comma-separated script names")
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument("--write", type=Path, help="rewrite the table section of this file")
    args = parser.parse_args()

    chosen = scripts([name for name in args.only.split(",") if name])
    wanted = [name for name in args.databases.split(",") if name]
    databases: list[tuple[str, str | None]] = []
    postgresql_version = None
    if "sqlite" in wanted:
        databases.append(("SQLite", None))
    if "postgresql" in wanted and (server := postgresql_server()):
        databases.append(("PostgreSQL", server[0]))
        postgresql_version = server[1]
    extra = ["--quick"] if args.quick else []
    failures: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="shireito-bench-run-") as scratch:
        rows_file = Path(scratch) / "rows.jsonl"
        rows_file.touch()
        total, step = len(chosen) * len(databases), 0
        for label, url in databases:
            for path in chosen:
                step += 1
                print(
                    f"\n=== [{step}/{total}] {path.name} on {label} "
                    f"({(time.monotonic() - started) / 60:.1f} min so far) ===",
                    file=sys.stderr,
                    flush=True,
                )
                script_started = time.monotonic()
                code = run_script(path, url, rows_file, extra)
                took = time.monotonic() - script_started
                print(f"=== {path.name} on {label}: {took:.0f} s ===", file=sys.stderr)
                if code:
                    failures.append(f"{path.name} on {label} exited with {code}")
        rows = [
            Row.from_json(line)
            for line in rows_file.read_text(encoding="utf-8").splitlines()
            if line
        ]
    minutes = (time.monotonic() - started) / 60
    section = environment(postgresql_version, args.quick, minutes) + "\n\n" + markdown_table(rows)
    if len(databases) < len(wanted):
        section += "\nPostgreSQL was not reachable: SQLite only.\n"
    if failures:
        section += "\nFailed (rows up to the failure are kept): " + "; ".join(failures) + ".\n"
    print()
    print(section)
    if args.write:
        write_table(args.write, section)
        print(f"Wrote the table into {args.write}.", file=sys.stderr)
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
