"""The keyed audit chain and its checkpoints outside the database: what someone with write
access to the database, or with an older copy of it, cannot do unnoticed."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from shireito.core import audit_key
from shireito.core.audit_anchor import (
    CheckpointRefused,
    read_checkpoints,
    write_checkpoint,
)
from shireito.core.audit_hash import GENESIS_HASH, canonical_payload, event_hash
from shireito.core.models import AuditChainHead, AuditEvent
from shireito.core.selectors import verify_audit_chain
from shireito.organizations.services import organization_update
from tests.core.test_audit_trail import tampering

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(organization):
    """Five events from real service calls."""
    for number in range(4):
        organization_update(actor=None, organization=organization, name_en=f"Renamed {number}")
    return list(AuditEvent.objects.order_by("sequence"))


def unkeyed_sha256(values) -> str:
    return hashlib.sha256(canonical_payload(values)).hexdigest()


def keyed_with(secret: bytes):
    chain_key = hmac.new(secret, audit_key.CHAIN_PURPOSE, hashlib.sha256).digest()
    return lambda values: event_hash(values, key=chain_key)


def rewrite_chain(cursor, hasher, *, change=None, keep=None) -> None:
    """Act as an attacker who edits rows (``change``: id -> {field: value}), keeps only the
    first ``keep`` rows, and recomputes every hash and the head with ``hasher``."""
    rows = list(AuditEvent.objects.order_by("sequence").values())
    if keep is not None:
        for row in rows[keep:]:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [row["id"]])
        rows = rows[:keep]
    previous = GENESIS_HASH
    for row in rows:
        row.update((change or {}).get(row["id"], {}))
        row["previous_hash"] = previous
        row["hash"] = hasher(row)
        cursor.execute(
            "UPDATE core_auditevent SET actor_label = %s, previous_hash = %s, hash = %s "
            "WHERE id = %s",
            [row["actor_label"], row["previous_hash"], row["hash"], row["id"]],
        )
        previous = row["hash"]
    cursor.execute(
        "UPDATE core_auditchainhead SET last_sequence = %s, last_hash = %s WHERE id = 1",
        [len(rows), previous],
    )


def run(*args) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("auditlog", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


# --- The key ---------------------------------------------------------------------------------


def test_rows_rewritten_with_recomputed_unkeyed_hashes_are_detected(chain):
    # given an attacker who edits a row and recomputes the whole chain and the head with the
    # plain SHA-256 that the trail used before it was keyed
    with tampering() as cursor:
        rewrite_chain(cursor, unkeyed_sha256, change={chain[1].id: {"actor_label": "forged"}})

    # when the trail is verified
    report = verify_audit_chain()

    # then the very first row fails: without the key no hash fits
    assert not report.ok
    assert report.problem.event_id == chain[0].id
    assert "content changed" in report.problem.reason


def test_rows_rewritten_under_another_key_are_detected(chain):
    # given an attacker who guessed at a key and re-chained the trail with it
    with tampering() as cursor:
        rewrite_chain(
            cursor, keyed_with(b"g" * 64), change={chain[3].id: {"actor_label": "forged"}}
        )

    # then verification with the real key fails at the first row
    assert verify_audit_chain().problem.event_id == chain[0].id


def test_verifying_with_the_wrong_key_fails(chain, settings):
    # given an intact trail, when it is verified under another key
    settings.SHIREITO_AUDIT_KEY = "another-key-" + "x" * 40

    # then no row verifies, and the command says the key may be the cause
    report = verify_audit_chain()
    assert report.problem.event_id == chain[0].id
    code, output = run("verify")
    assert code == 1
    assert "audit key" in output


def test_the_key_comes_from_the_environment_setting_before_the_file(chain, settings, tmp_path):
    # given a key set in the environment and a key file path that does not exist
    settings.SHIREITO_AUDIT_KEY = "k" * 40
    settings.SHIREITO_AUDIT_KEY_FILE = tmp_path / "audit_key"

    # then the configured key is used and no file is created
    assert audit_key.master_key() == b"k" * 40
    assert not (tmp_path / "audit_key").exists()


def test_a_missing_key_file_is_created_private_and_kept(settings, tmp_path):
    # given no key in the environment and no key file yet
    settings.SHIREITO_AUDIT_KEY = ""
    key_file = tmp_path / "keys" / "audit_key"
    settings.SHIREITO_AUDIT_KEY_FILE = key_file

    # when the key is first needed
    first = audit_key.master_key()

    # then a random key is written, readable by the owner only, and used from then on
    assert len(first) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    audit_key._master_key.cache_clear()
    assert audit_key.master_key() == first


def test_a_short_key_is_refused(settings):
    settings.SHIREITO_AUDIT_KEY = "too-short"
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        audit_key.master_key()


# --- Checkpoints -------------------------------------------------------------------------------


def test_checkpoints_are_appended_signed_and_verified(chain, organization, settings):
    # given a checkpoint, one more change, and a second checkpoint from the command
    first = write_checkpoint()
    organization_update(actor=None, organization=organization, name_en="After the first")
    code, output = run("checkpoint")

    # then the log holds two signed lines naming the newest row and the count then
    assert code == 0
    assert "Checkpoint 2" in output
    lines = settings.SHIREITO_AUDIT_ANCHOR_FILE.read_text().splitlines()
    assert len(lines) == 2
    second = json.loads(lines[1])
    assert first.count == 5
    assert first.last_id == chain[-1].id
    assert first.head == chain[-1].hash
    assert second["count"] == 6
    assert set(second) == {"v", "time", "last_id", "count", "head", "key_id", "mac"}
    # and the chain verifies against both
    report = verify_audit_chain()
    assert report.ok
    assert report.checkpoints == 2
    assert "checked against 2 checkpoints" in run("verify")[1]


def test_deleting_the_newest_rows_and_rewinding_the_head_is_detected(chain):
    # given a checkpoint of five rows, and an attacker (or a restored older copy) that drops
    # the two newest rows and sets the head back so the chain itself is consistent
    write_checkpoint()
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence > 3")
        cursor.execute(
            "UPDATE core_auditchainhead SET last_sequence = 3, last_hash = %s WHERE id = 1",
            [chain[2].hash],
        )
    # (without the checkpoint this trail would verify)
    # when verified, then the checkpoint names the missing rows
    report = verify_audit_chain()
    assert not report.ok
    assert "anchors 5 rows but the chain head says 3" in report.problem.reason
    code, output = run("verify")
    assert code == 1
    assert "checkpoint line 1" in output


def test_rows_rewritten_before_a_checkpoint_with_the_key_are_detected(chain, settings):
    # given a checkpoint, then someone holding the key who rewrites an older row and
    # recomputes a perfectly keyed chain and head
    write_checkpoint()
    real_key = audit_key.master_key()
    with tampering() as cursor:
        rewrite_chain(cursor, keyed_with(real_key), change={chain[1].id: {"actor_label": "forged"}})

    # when verified, then the row the checkpoint anchors no longer matches it
    report = verify_audit_chain()
    assert report.problem.event_id == chain[-1].id
    assert "rewritten" in report.problem.reason


def test_a_rewrite_before_a_checkpoint_is_detected_though_rows_followed(chain, organization):
    # given a checkpoint at five rows, a sixth row, and then the whole chain rewritten with the key
    write_checkpoint()
    organization_update(actor=None, organization=organization, name_en="later")
    with tampering() as cursor:
        rewrite_chain(
            cursor,
            keyed_with(audit_key.master_key()),
            change={chain[0].id: {"actor_label": "forged"}},
        )
    report = verify_audit_chain()
    assert report.problem.event_id == chain[-1].id


@pytest.mark.parametrize(
    "forge",
    [
        lambda line: {**line, "count": 4},
        lambda line: {**line, "head": "f" * 64},
        lambda line: {**line, "mac": "0" * 64},
        lambda line: "not json",
    ],
    ids=["count", "head", "signature", "garbage"],
)
def test_a_forged_checkpoint_is_detected(chain, settings, forge):
    # given a checkpoint whose line is altered without the key
    write_checkpoint()
    path = settings.SHIREITO_AUDIT_ANCHOR_FILE
    forged = forge(json.loads(path.read_text()))
    path.write_text((forged if isinstance(forged, str) else json.dumps(forged)) + "\n")

    # when verified, then the line is named as forged
    report = verify_audit_chain()
    assert not report.ok
    assert str(report.problem).startswith("checkpoint line 1:")


def test_a_checkpoint_signed_with_another_key_is_named_so(chain, settings):
    write_checkpoint()
    settings.SHIREITO_AUDIT_KEY = "another-key-" + "y" * 40
    report = verify_audit_chain()
    assert "another key" in report.problem.reason


def test_no_checkpoint_is_written_over_a_rewritten_trail(chain):
    # given a checkpoint, and the anchored row changed afterwards
    write_checkpoint()
    with tampering() as cursor:
        rewrite_chain(
            cursor, keyed_with(audit_key.master_key()), change={chain[4].id: {"actor_label": "x"}}
        )

    # when the next checkpoint is due, then it is refused rather than anchoring the rewrite
    with pytest.raises(CheckpointRefused, match="no longer matches checkpoint line 1"):
        write_checkpoint()
    code, output = run("checkpoint")
    assert code == 1
    assert "Checkpoint refused" in output
    assert len(read_checkpoints()) == 1


def test_a_checkpoint_of_an_empty_trail_verifies():
    # given the migrations' head and no events
    AuditChainHead.objects.get(id=1)
    checkpoint = write_checkpoint()
    assert checkpoint.count == 0
    assert checkpoint.last_id is None
    assert verify_audit_chain().ok


# --- The migration that keyed the chain ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_keying_migration_rechains_existing_rows_both_ways(organization):
    # given a trail written with the keyed chain
    for number in range(3):
        organization_update(actor=None, organization=organization, name_en=f"Step {number}")
    count = AuditEvent.objects.count()
    keyed_hashes = list(AuditEvent.objects.order_by("sequence").values_list("hash", flat=True))

    try:
        # when the migration is reversed, the trail is the unkeyed SHA-256 chain of before
        call_command("migrate", "core", "0003", verbosity=0)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sequence, occurred_at, hash, previous_hash FROM core_auditevent "
                "ORDER BY sequence"
            )
            rows = cursor.fetchall()
        assert len(rows) == count
        assert [row[2] for row in rows] != keyed_hashes
        assert rows[0][3] == GENESIS_HASH
        assert all(rows[i + 1][3] == rows[i][2] for i in range(len(rows) - 1))
    finally:
        # and migrating forward verifies that chain and keys it again, identically
        call_command("migrate", "core", verbosity=0)
    assert list(AuditEvent.objects.order_by("sequence").values_list("hash", flat=True)) == (
        keyed_hashes
    )
    assert verify_audit_chain().ok
    # and the database still refuses to change the rows (SQLite rebuilt the table)
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_label = 'x'")


def test_the_deploy_check_warns_of_a_key_beside_the_database(settings):
    from shireito.core.apps import audit_key_kept_apart

    # given the embedded default: no key set, the key file in the data directory
    settings.SHIREITO_AUDIT_KEY = ""
    settings.SHIREITO_AUDIT_KEY_FILE = settings.DATA_DIR / "audit_key"
    assert [message.id for message in audit_key_kept_apart(None)] == ["shireito.W001"]

    # when production sets the key, then the warning goes
    settings.SHIREITO_AUDIT_KEY = "p" * 40
    assert audit_key_kept_apart(None) == []
