"""A fast way to put N objects in a collection, for benchmarks and the scale self-check.

``fill_collection`` writes realistic STIX 2.1 indicators (an IPv4, domain, URL or file-hash
pattern; a TLP 2.0 marking within the collection's ceiling; a creator identity) with plain
``INSERT``s in chunks inside one transaction, ``date_added`` ascending after whatever the
collection already holds, one version per object. It skips the per-object checks of
``objects_add`` (the objects are made right) and writes one audit row for the whole fill.
Deterministic for a given ``seed``.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable

from django.db import connections, transaction
from django.db.models import Max
from django.utils import timezone

from shireito.core.choices import AuditAction
from shireito.core.services import record_audit_event
from shireito.sharing.bulk import stored_fields
from shireito.sharing.choices import TLP_RANK, Tlp
from shireito.sharing.identity import organization_identity_id
from shireito.sharing.models import Collection, StixObject
from shireito.sharing.stix import format_version
from shireito.sharing.tlp import TLP2_IDS

CHUNK = 5000
# Roughly what a national feed carries: mostly GREEN, some CLEAR and AMBER, few stricter.
_TLP_WEIGHTS = ((Tlp.CLEAR, 20), (Tlp.GREEN, 50), (Tlp.AMBER, 25), (Tlp.AMBER_STRICT, 5))


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _pattern(rng: random.Random, number: int) -> tuple[str, str]:
    kind = number % 4
    if kind == 0:
        octets = (
            rng.randrange(1, 224),
            rng.randrange(256),
            rng.randrange(256),
            rng.randrange(1, 255),
        )
        address = ".".join(map(str, octets))
        return f"[ipv4-addr:value = '{address}']", f"C2 address {address}"
    if kind == 1:
        domain = f"update-{rng.getrandbits(32):08x}.example.net"
        return f"[domain-name:value = '{domain}']", f"Phishing domain {domain}"
    if kind == 2:
        url = f"https://cdn-{rng.getrandbits(24):06x}.example.org/{rng.getrandbits(32):08x}.php"
        return f"[url:value = '{url}']", "Malware download URL"
    digest = f"{rng.getrandbits(256):064x}"
    return f"[file:hashes.'SHA-256' = '{digest}']", "Ransomware sample"


def make_indicator(
    rng: random.Random, number: int, *, when: dt.datetime, ceiling: str, author: str
) -> tuple[dict, str]:
    """One realistic indicator by ``author`` (an identity id), marked with a TLP level the
    collection accepts, and that level."""
    levels = [
        (level, weight) for level, weight in _TLP_WEIGHTS if TLP_RANK[level] <= TLP_RANK[ceiling]
    ]
    tlp = rng.choices([level for level, _w in levels], [w for _l, w in levels])[0]
    pattern, name = _pattern(rng, number)
    stamp = format_version(when.replace(microsecond=when.microsecond // 1000 * 1000))
    body = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{_uuid(rng)}",
        "created_by_ref": author,
        "created": stamp,
        "modified": stamp,
        "name": name,
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": stamp,
        "labels": ["shireito-scale"],
        "object_marking_refs": [TLP2_IDS[tlp]],
    }
    return body, tlp


def fill_collection(
    collection: Collection,
    count: int,
    *,
    progress: Callable[[int, int], None] | None = None,
    seed: int = 1,
    step: dt.timedelta = dt.timedelta(milliseconds=1),
) -> int:
    """Add ``count`` indicators to ``collection``, ``date_added`` ascending by ``step`` after
    what it holds; returns how many were added. ``progress(done, count)`` after each chunk."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
    db = connections[StixObject.objects.db]
    fields = stored_fields()
    table = db.ops.quote_name(StixObject._meta.db_table)
    columns = ", ".join(db.ops.quote_name(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only quoted model names go into the text; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with transaction.atomic(using=db.alias):
        Collection.objects.select_for_update().filter(pk=collection.pk).values("pk").first()
        last = StixObject.objects.filter(collection_id=collection.pk).aggregate(
            last=Max("date_added")
        )["last"]
        start = timezone.now() - step * count
        if last is not None and start <= last:
            start = last + dt.timedelta(microseconds=1)
        done = 0
        # Values that never change are prepared once; the rest with the backend's adapters
        # (this loop is the whole cost of a fill).
        adapt_datetime = db.ops.adapt_datetimefield_value
        adapt_json = db.ops.adapt_json_value
        prep = {field.name: field for field in fields}
        collection_key = prep["collection"].get_db_prep_save(collection.pk, db)
        # The command line writes for the collection's owner, as ``objects_add`` does.
        creator_key = prep["creator"].get_db_prep_save(collection.owner_id, db)
        author = organization_identity_id(collection.owner)
        kind = prep["type"].get_db_prep_save("indicator", db)
        spec_version = prep["spec_version"].get_db_prep_save("2.1", db)
        latest = prep["is_latest"].get_db_prep_save(True, db)
        with db.cursor() as cursor:
            while done < count:
                size = min(CHUNK, count - done)
                rows = []
                for number in range(done, done + size):
                    added = start + step * number
                    body, level = make_indicator(
                        rng, number, when=added, ceiling=collection.max_tlp, author=author
                    )
                    version = added.replace(microsecond=added.microsecond // 1000 * 1000)
                    rows.append(
                        [
                            collection_key,
                            creator_key,
                            body["id"],
                            kind,
                            spec_version,
                            adapt_datetime(version),
                            adapt_datetime(added),
                            latest,
                            level,
                            adapt_json(body, None),
                        ]
                    )
                cursor.executemany(sql, rows)
                done += size
                if progress is not None:
                    progress(done, count)
        record_audit_event(
            actor=None,
            action=AuditAction.UPDATE,
            instance=collection,
            changes={"objects_filled": [None, count], "seed": [None, seed]},
        )
    return count
