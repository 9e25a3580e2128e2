"""Benchmark our TAXII 2.1 server (``/taxii2/``) side by side with medallion 3.0.0, the OASIS
reference server, both driven over HTTP by the same taxii2-client, one request at a time.

1. Writes: the same 2,000 STIX indicators added to each server in envelopes of 100
   (``--batch 2000``: one envelope, the whole bundle). Ours are durable: each envelope is one
   transaction, committed to the database before the answer (SQLite in WAL mode with
   synchronous=NORMAL, or PostgreSQL with its own fsync settings, as printed); medallion keeps
   them in memory (its memory backend). ``--write-rounds N`` writes N times, each round new
   indicators into a new empty collection of ours and a new medallion process (its memory
   backend slows as it holds more objects), the servers taking turns; the median round counts.
   ``--writes-only`` stops there.
2. Paged reads: all 2,000 read back with ``as_pages(per_request=100)``; the servers take
   turns, median of ``--runs`` full reads.
3. Our page time at 1,000 and at 1,000,000 objects in a collection (filled in bulk with
   ``shireito.sharing.scale.fill_collection``): the first page, a middle page and the last page
   reached by paging with ``next`` cursors, and the first and second pages after an
   ``added_after`` in the middle; the two sizes take turns, median of ``--repeats``.

Ours runs under gunicorn (gthread, 1 worker x 2 threads by default: one process with HTTP
keep-alive, the shape of medallion's threaded Flask server) with a token of an incident handler
of the owning organisation. Prints figures beside their targets; asserts nothing. Everything
lives in a throwaway directory, var/bench-taxii/run, recreated each run and removed at the end
and on Ctrl-C (``--keep`` keeps it, a failure keeps it for its logs); medallion's virtualenv
(var/bench-taxii/medallion-venv, installed from PyPI on first use) is reused. With
SHIREITO_DATABASE_URL set (a scratch PostgreSQL database) ours runs on it instead of SQLite;
the bench then deletes its collections and objects there and revokes its token at the end.

    .venv/bin/python bench/taxii.py [--objects 2000] [--batch 100] [--large 1000000]
    .venv/bin/python bench/taxii.py --writes-only --write-rounds 3 [--batch 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import _taxii_servers as servers
from taxii2client.v21 import Collection, Server, as_pages

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench-taxii"
RUN = WORK / "run"
MEDALLION_VENV = WORK / "medallion-venv"
TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"  # TLP 2.0 GREEN
WRITE_TARGET, READ_TARGET, SCALE_TARGET = 2.0, 10.0, 1.5
MEDALLION_USER, MEDALLION_PASSWORD = "bench", "bench-not-secret"


def stix_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_indicators(count: int, *, seed: int = 7) -> list[dict]:
    """``count`` distinct STIX 2.1 indicators (file-hash patterns, TLP:GREEN), about 0.6 KB
    each in JSON; the same list goes to both servers."""
    rng = random.Random(seed)  # noqa: S311 - ids for test data, not secrets
    start = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    objects = []
    for number in range(count):
        moment = stix_time(start + dt.timedelta(seconds=number))
        digest = hashlib.sha256(f"bench-{seed}-{number}".encode()).hexdigest()
        objects.append(
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": f"indicator--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                "created": moment,
                "modified": moment,
                "name": f"Bench indicator {number}",
                "description": "A file hash seen in a bench incident; not a real indicator.",
                "indicator_types": ["malicious-activity"],
                "pattern": f"[file:hashes.'SHA-256' = '{digest}']",
                "pattern_type": "stix",
                "valid_from": moment,
                "object_marking_refs": [TLP_GREEN],
            }
        )
    return objects


class Progress:
    """One status line on stderr for the long parts: rewritten in place on a terminal, a
    line every 10 s otherwise (a log file gets no carriage returns)."""

    def __init__(self):
        self.tty = sys.stderr.isatty()
        self.shown_at = 0.0
        self.pending = self.printed = ""

    def show(self, text: str) -> None:
        now = time.monotonic()
        self.pending = text
        if self.tty and now - self.shown_at >= 0.1:
            print(f"\r  {text}\033[K", end="", file=sys.stderr, flush=True)
            self.shown_at = now
        elif not self.tty and now - self.shown_at >= 10:
            print(f"  {text}", file=sys.stderr, flush=True)
            self.shown_at, self.printed = now, text

    def done(self) -> None:
        """End the status line, showing its last state."""
        if self.pending and self.tty:
            print(f"\r  {self.pending}\033[K", file=sys.stderr, flush=True)
        elif self.pending and self.pending != self.printed:
            print(f"  {self.pending}", file=sys.stderr, flush=True)
        self.pending, self.printed, self.shown_at = "", "", 0.0


PROGRESS = Progress()


# --- measurements -------------------------------------------------------------------------


def timed_write(collection: Collection, envelopes: list[bytes]) -> tuple[list[float], list[str]]:
    """Seconds each envelope took to post (one add_objects call each, until its status is
    final); problems seen in the statuses."""
    call_times, problems = [], []
    for envelope in envelopes:
        started = time.perf_counter()
        status = collection.add_objects(envelope, wait_for_completion=False)
        if status.status != "complete":
            status.wait_until_final(poll_interval=0.05)
        call_times.append(time.perf_counter() - started)
        if status.failure_count or status.status != "complete":
            problems.append(
                f"status {status.status}, {status.success_count} added, "
                f"{status.failure_count} failed: {status.failures[:1]}"
            )
    return call_times, problems


def timed_read(collection: Collection, per_request: int) -> tuple[list[float], set[str]]:
    """Read the whole collection with ``as_pages``: seconds per page, and the ids read."""
    page_times, ids = [], set()
    pages = as_pages(collection.get_objects, per_request=per_request)
    while True:
        started = time.perf_counter()
        try:
            envelope = next(pages)
        except StopIteration:
            break
        page_times.append(time.perf_counter() - started)
        ids.update(obj["id"] for obj in envelope.get("objects", []))
    return page_times, ids


def walk(collection: Collection, *, size: int, page: int, walk_limit: int) -> dict:
    """Page through the whole collection with ``next`` cursors, in pages of ``walk_limit``
    until the last ``walk_limit`` objects, then of ``page``. Returns the cursor after the
    middle and the one before the last page, how many objects were read, and in what time."""
    cursor, position, found = None, 0, {}
    started = time.perf_counter()
    while True:
        limit = walk_limit if size - position > walk_limit + page else page
        params = {"limit": limit} | ({"next": cursor} if cursor else {})
        envelope = collection.get_objects(**params)
        position += len(envelope.get("objects", []))
        PROGRESS.show(f"paging through {size:,} objects: {position:,}")
        if not envelope.get("more"):
            break
        cursor = envelope["next"]
        if "middle" not in found and position >= size // 2:
            found["middle"], found["middle_position"] = cursor, position
        if size - position <= page:
            found["last"], found["last_position"] = cursor, position
    PROGRESS.done()
    found["seconds"] = time.perf_counter() - started
    found["read"] = position
    return found


# --- our server ---------------------------------------------------------------------------


class Ours:
    """Our side, set up in this process through the services (same database as the server):
    an organisation, an incident handler with an API token, the collections."""

    def __init__(self, *, suffix: str):
        import django

        django.setup()
        from shireito.accounts.services import api_token_create, user_create
        from shireito.organizations.services import organization_create

        self.suffix = suffix
        self.organization = organization_create(
            actor=None, code=f"bench-taxii-{suffix}", name="TAXII試験省", kind="ministry"
        )
        self.user = user_create(
            actor=None,
            username=f"bench-taxii-{suffix}",
            organization=self.organization,
            password=None,
            roles=["incident_handler", "org_admin"],
        )
        self.token, self.secret = api_token_create(
            actor=None, user=self.user, name="bench/taxii.py", expires_in_days=1
        )
        self.collections = []

    def collection(self, title: str):
        from shireito.sharing.services import collection_create

        collection = collection_create(
            actor=self.user, title=f"{title} ({self.suffix})", owner=self.organization
        )
        self.collections.append(collection)
        return collection

    def fill(self, collection, count: int) -> float:
        from shireito.sharing.scale import fill_collection

        def progress(done: int, total: int) -> None:
            PROGRESS.show(f"fill_collection: {done:,} of {total:,} objects")

        started = time.perf_counter()
        fill_collection(collection, count, progress=progress)
        seconds = time.perf_counter() - started
        PROGRESS.done()
        return seconds

    def middle_date_added(self, collection, size: int):
        """The date_added of the object in the middle of the default read's order, and how
        many objects were added after it."""
        from shireito.sharing.models import StixObject

        rows = StixObject.objects.filter(collection=collection, is_latest=True).order_by(
            "date_added", "id"
        )
        moment = rows.values_list("date_added", flat=True)[size // 2]
        return moment, rows.filter(date_added__gt=moment).count()

    @staticmethod
    def durability() -> str:
        """How the database makes a commit durable, as it says itself."""
        from django.db import connection

        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA journal_mode")
                journal = cursor.fetchone()[0]
                cursor.execute("PRAGMA synchronous")
                level = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
                return f"SQLite, journal_mode={journal}, synchronous={level}"
            if connection.vendor == "postgresql":
                cursor.execute("SHOW synchronous_commit")
                commit = cursor.fetchone()[0]
                cursor.execute("SHOW fsync")
                return f"PostgreSQL, synchronous_commit={commit}, fsync={cursor.fetchone()[0]}"
        return connection.vendor

    def cleanup(self) -> None:
        """Remove the bench's collections with their objects and revoke its token (for a
        PostgreSQL run; a SQLite run's database file is simply deleted)."""
        from django.db import transaction

        from shireito.accounts.services import api_token_revoke
        from shireito.sharing.models import CollectionAccess, Status, StixObject

        with transaction.atomic():
            for collection in self.collections:
                StixObject.objects.filter(collection=collection).delete()
                Status.objects.filter(collection=collection).delete()
                CollectionAccess.objects.filter(collection=collection).delete()
                collection.delete()
            api_token_revoke(actor=None, token=self.token)


def find_collection(server: servers.ServerProcess, collection_id) -> Collection:
    """Go from the discovery resource to the collection, as a client would."""
    if isinstance(server.auth, tuple):
        credentials = {"user": server.auth[0], "password": server.auth[1]}
    else:
        credentials = {"auth": server.auth}
    discovery = Server(f"{server.base_url}/taxii2/", **credentials)
    for api_root in discovery.api_roots:
        for collection in api_root.collections:
            if str(collection.id) == str(collection_id):
                return collection
    raise RuntimeError(f"{server.name}: collection {collection_id} is not in discovery")


# --- the run -------------------------------------------------------------------------------


@dataclass
class State:
    """What the run started or made, for the cleanup."""

    servers: list[servers.ServerProcess] = field(default_factory=list)
    ours: Ours | None = None


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=2_000, help="objects to write and read")
    parser.add_argument("--batch", type=int, default=100, help="objects per add_objects call")
    parser.add_argument("--page", type=int, default=100, help="objects per page when reading")
    parser.add_argument("--runs", type=int, default=3, help="full reads per server (median)")
    parser.add_argument("--repeats", type=int, default=15, help="timings per page (median)")
    parser.add_argument("--small", type=int, default=1_000, help="small collection size")
    parser.add_argument("--large", type=int, default=1_000_000, help="large collection size")
    parser.add_argument(
        "--walk-limit", type=int, default=1_000, help="page size when paging to the middle"
    )
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--keep", action="store_true", help="keep var/bench-taxii/run")
    parser.add_argument(
        "--write-rounds", type=int, default=1, help="rounds of writes per server (median)"
    )
    parser.add_argument(
        "--writes-only", action="store_true", help="time the writes only (no reads, no scale)"
    )
    args = parser.parse_args()
    if min(args.small, args.large) < 3 * args.page:
        parser.error("--small and --large need at least three pages of objects")

    sys.stdout.reconfigure(line_buffering=True)  # figures and progress in order in a log
    signal.signal(signal.SIGTERM, _interrupt)  # a kill cleans up as Ctrl-C does
    shutil.rmtree(RUN, ignore_errors=True)
    RUN.mkdir(parents=True)
    postgresql = bool(os.environ.get("SHIREITO_DATABASE_URL"))
    os.environ["SHIREITO_DATA_DIR"] = str(RUN / "shireito")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shireito.settings")
    state = State()
    interrupted = failed = False
    try:
        run(args, state)
    except KeyboardInterrupt:
        interrupted = True
        PROGRESS.done()
        print("interrupted: stopping the servers, removing the bench data", file=sys.stderr)
    except Exception:
        failed = True
        PROGRESS.done()
        print(f"failed: {RUN} is kept for its logs", file=sys.stderr)
        raise
    finally:
        for server in reversed(state.servers):
            server.stop()
        if state.ours is not None:
            from django.db import connections

            if postgresql and (interrupted or not args.keep):
                state.ours.cleanup()
            connections.close_all()
        if interrupted or not (args.keep or failed):
            shutil.rmtree(RUN, ignore_errors=True)
    if interrupted:
        sys.exit(130)


def run(args, state: State) -> None:
    from taxii2client import __version__ as client_version

    objects = make_indicators(args.objects)
    envelopes = [
        json.dumps({"objects": objects[start : start + args.batch]}).encode()
        for start in range(0, len(objects), args.batch)
    ]
    size_kb = sum(len(envelope) for envelope in envelopes) / len(objects) / 1024

    # medallion first: installing it is the only step that may need the network.
    medallion = servers.start_medallion(
        venv=MEDALLION_VENV,
        workdir=RUN,
        user=MEDALLION_USER,
        password=MEDALLION_PASSWORD,
        page_size=args.page,
    )
    state.servers.append(medallion)

    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own command
        [str(Path(sys.executable).with_name("shireito")), "migrate", "--noinput", "-v", "0"],
        check=True,
    )
    print(f"  shireito migrate: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    ours = state.ours = Ours(suffix=uuid.uuid4().hex[:8])
    write_collection = ours.collection("Bench writes")
    shireito = servers.start_shireito(
        workdir=RUN,
        env=dict(os.environ),
        auth=servers.BearerAuth(ours.secret),
        workers=args.workers,
        threads=args.threads,
    )
    state.servers.append(shireito)

    sides = {
        "Shireitō": find_collection(shireito, write_collection.id),
        "medallion": find_collection(medallion, medallion.extra["collection_id"]),
    }
    for collection in sides.values():
        collection.get_objects(limit=1)  # warm: the connection, first queries

    print()
    print(
        f"TAXII 2.1 side by side: {args.objects:,} STIX indicators (~{size_kb:.1f} KB each), "
        f"taxii2-client {client_version}, one request at a time"
    )
    print(
        f"  Shireitō:  gunicorn gthread, {args.workers} worker x {args.threads} threads; writes "
        f"durable: each envelope one transaction, committed ({ours.durability()})"
    )
    print(
        f"  medallion: {servers.MEDALLION_VERSION}, memory backend (nothing written to disk), "
        "Flask's threaded server (one process)"
    )

    def fresh_sides(number: int) -> tuple[dict[str, Collection], servers.ServerProcess]:
        """A new empty collection of ours and a new medallion (its memory backend slows as
        it holds more objects, in any collection) for a later round of writes."""
        server = servers.start_medallion(
            venv=MEDALLION_VENV,
            workdir=RUN,
            user=MEDALLION_USER,
            password=MEDALLION_PASSWORD,
            page_size=args.page,
        )
        state.servers.append(server)
        fresh = {
            "Shireitō": find_collection(shireito, ours.collection(f"Bench writes {number}").id),
            "medallion": find_collection(server, server.extra["collection_id"]),
        }
        for collection in fresh.values():
            collection.get_objects(limit=1)
        return fresh, server

    writes = timed_writes(args, sides, envelopes, fresh_sides=fresh_sides)
    if args.writes_only:
        medallion.stop()
        print_writes(args, writes, len(envelopes))
        return
    expected = {obj["id"] for obj in objects}
    runs: dict[str, list[list[float]]] = {name: [] for name in sides}
    for number in range(args.runs):
        for name, collection in sides.items():
            PROGRESS.show(f"reading back, run {number + 1} of {args.runs}: {name}")
            page_times, ids = timed_read(collection, args.page)
            runs[name].append(page_times)
            if ids != expected:
                print(f"  WARNING {name}: read back {len(ids):,} of the {len(expected):,} ids")
    PROGRESS.done()
    reads = {}
    for name, name_runs in runs.items():
        page_times = sorted(name_runs, key=sum)[len(name_runs) // 2]  # the median run
        reads[name] = (
            args.objects / sum(page_times),
            statistics.mean(page_times) * 1000,
            page_times[0] * 1000,
            statistics.median(page_times[1:]) * 1000 if len(page_times) > 1 else 0.0,
        )
    medallion.stop()

    print_writes(args, writes, len(envelopes))
    ours_name, their_name = sides
    rate_row(
        f"paged read (as_pages, {args.page} a page)",
        reads[ours_name][0],
        reads[their_name][0],
        READ_TARGET,
    )
    ms_row("  per page (mean)", reads[ours_name][1], reads[their_name][1])
    ms_row("  first page", reads[ours_name][2], reads[their_name][2])
    ms_row("  later pages (median)", reads[ours_name][3], reads[their_name][3])
    print(
        f"  o/s = objects per second; reads: the median of {args.runs} full reads per server. "
        "medallion sorts the whole collection on a read's first page and serves the later "
        "pages from that saved result."
    )

    scale(args, ours, shireito)


def timed_writes(
    args, sides: dict[str, Collection], envelopes: list[bytes], *, fresh_sides
) -> dict:
    """Write the envelopes to each server ``--write-rounds`` times, each round into an empty
    collection of ours and an empty medallion (``fresh_sides``) with new indicators, the
    servers taking turns, the first to go alternating; per server the median round's objects
    per second and mean ms per add_objects call."""
    rounds: dict[str, list[list[float]]] = {name: [] for name in sides}
    for number in range(args.write_rounds):
        batch, round_sides, medallion = envelopes, sides, None
        if number:
            round_sides, medallion = fresh_sides(number)
            fresh = make_indicators(args.objects, seed=7 + number)
            batch = [
                json.dumps({"objects": fresh[start : start + args.batch]}).encode()
                for start in range(0, len(fresh), args.batch)
            ]
        order = list(round_sides.items())
        for name, collection in order if number % 2 == 0 else reversed(order):
            PROGRESS.show(f"writing, round {number + 1} of {args.write_rounds}: {name}")
            call_times, problems = timed_write(collection, batch)
            rounds[name].append(call_times)
            for problem in problems[:3]:
                print(f"  WARNING {name}: {problem}")
        if medallion is not None:
            medallion.stop()
    PROGRESS.done()
    writes = {}
    for name, name_rounds in rounds.items():
        call_times = sorted(name_rounds, key=sum)[len(name_rounds) // 2]  # the median round
        writes[name] = (args.objects / sum(call_times), statistics.mean(call_times) * 1000)
        each = ", ".join(f"{args.objects / sum(times):,.0f}" for times in name_rounds)
        first, last = (statistics.mean(times[:3]) * 1000 for times in (call_times, call_times[-3:]))
        print(
            f"  {name}: objects/s by round {each}; in the median round the first three calls "
            f"took {first:.1f} ms each, the last three {last:.1f} ms",
            file=sys.stderr,
        )
    return writes


def rate_row(label, ours_rate, their_rate, target):
    ratio = ours_rate / their_rate
    print(
        f"{label:36}{ours_rate:>9,.0f} o/s{their_rate:>9,.0f} o/s{ratio:>15.2f}x   >= {target:.0f}x"
    )


def ms_row(label, ours_ms, their_ms):
    print(f"{label:36}{ours_ms:>10.1f} ms{their_ms:>10.1f} ms")


def print_writes(args, writes: dict, envelopes: int) -> None:
    ours_name, their_name = writes
    print()
    print(f"{'':36}{'Shireitō':>13}{'medallion':>13}{'ours/medallion':>16}   target")
    rate_row(
        f"write {args.objects:,} ({envelopes} x {args.batch})",
        writes[ours_name][0],
        writes[their_name][0],
        WRITE_TARGET,
    )
    ms_row(f"  per add_objects of {args.batch} (mean)", writes[ours_name][1], writes[their_name][1])
    if args.write_rounds > 1:
        print(
            f"  writes: the median of {args.write_rounds} rounds per server, taken in turns, "
            "each into a new empty collection (a new medallion process each round)"
        )


def prepare_size(args, ours: Ours, shireito: servers.ServerProcess, size: int):
    """Fill a new collection with ``size`` objects and page through it once for the cursors.
    Returns the client's collection, {row: query parameters}, and notes to print."""
    print(f"  collection of {size:,} objects", file=sys.stderr)
    collection = ours.collection(f"Bench {size:,}")
    seconds = ours.fill(collection, size)
    notes = [f"fill_collection({size:,}): {seconds:.1f} s ({size / seconds:,.0f} objects/s)"]
    client = find_collection(shireito, collection.id)
    found = walk(client, size=size, page=args.page, walk_limit=args.walk_limit)
    notes.append(
        f"paging through all {size:,} with next cursors ({args.walk_limit:,} a page, the last "
        f"ones {args.page}): {found['read']:,} read in {found['seconds']:.1f} s "
        f"({found['read'] / found['seconds']:,.0f} o/s)"
    )
    moment, after = ours.middle_date_added(collection, size)
    second = client.get_objects(limit=args.page, added_after=moment).get("next")
    notes.append(
        f"at {size:,}: the middle cursor comes after {found['middle_position']:,} objects, the "
        f"last page's after {found['last_position']:,}; added_after leaves {after:,}"
    )
    queries = {
        "first page": {},
        "middle page (next cursor)": {"next": found["middle"]},
        "last page (next cursor)": {"next": found["last"]},
        "added_after middle: first page": {"added_after": moment},
        "added_after middle: second page": {"added_after": moment, "next": second},
    }
    return client, queries, notes


def scale(args, ours: Ours, shireito: servers.ServerProcess) -> None:
    sizes = (args.small, args.large)
    prepared = {size: prepare_size(args, ours, shireito, size) for size in sizes}
    # Both sizes are timed in turns, request by request, so that a busy moment of the machine
    # falls on both alike.
    timings: dict[str, dict[int, list[float]]] = {}
    for label in prepared[args.small][1]:
        timings[label] = {size: [] for size in sizes}
        for size in sizes:
            client, queries, _notes = prepared[size]
            client.get_objects(limit=args.page, **queries[label])  # warm
        for _repeat in range(args.repeats):
            for size in sizes:
                client, queries, _notes = prepared[size]
                started = time.perf_counter()
                client.get_objects(limit=args.page, **queries[label])
                timings[label][size].append(time.perf_counter() - started)
    print()
    print(
        f"Shireitō, time per page of {args.page} (taxii2-client; median of {args.repeats}, "
        "the two sizes timed in turns) by objects in the collection"
    )
    print(f"{'':36}{args.small:>13,}{args.large:>13,}{'ratio':>16}   target")
    for label, by_size in timings.items():
        small_ms, large_ms = (statistics.median(by_size[size]) * 1000 for size in sizes)
        print(
            f"{label:36}{small_ms:>10.1f} ms{large_ms:>10.1f} ms"
            f"{large_ms / small_ms:>15.2f}x   <= {SCALE_TARGET}x"
        )
    for size in sizes:
        for note in prepared[size][2]:
            print(f"  {note}")


if __name__ == "__main__":
    main()
