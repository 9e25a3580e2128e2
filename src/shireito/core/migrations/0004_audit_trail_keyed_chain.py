"""Key the audit trail's chain, keep the client's request id beside the server's, and refuse
DELETE of audit rows on SQLite as PostgreSQL does.

Existing rows are re-chained once: the unkeyed SHA-256 chain is verified first (a broken one
stops the migration, naming the row, so that tampering is never laundered into a valid keyed
chain), then every row's hash is recomputed as HMAC-SHA256 under the audit key and the head
follows. Going back verifies the keyed chain and restores the unkeyed one. See ADR 0001.
"""

import hashlib
import hmac

from django.db import migrations, models

from shireito.core.audit_hash import canonical_payload
from shireito.core.audit_key import CHAIN_PURPOSE, derived_key

GENESIS = "0" * 64
UNKEYED_FIELDS = (
    "sequence", "occurred_at", "actor_id", "actor_label", "actor_organization_id",
    "actor_organization_label", "owner_organization_id", "object_type", "object_id",
    "object_repr", "action", "changes", "request_id", "previous_hash",
)
KEYED_FIELDS = (*UNKEYED_FIELDS[:-1], "client_request_id", "previous_hash")


def unkeyed(values):
    return hashlib.sha256(canonical_payload(values, UNKEYED_FIELDS)).hexdigest()


def keyed(values):
    return hmac.new(
        derived_key(CHAIN_PURPOSE), canonical_payload(values, KEYED_FIELDS), hashlib.sha256
    ).hexdigest()


# SQLite rebuilds a table to add or remove a column, losing its triggers: put the UPDATE
# guard of migration 0002 back after that, in both directions.
SQLITE_UPDATE_GUARD = (
    "CREATE TRIGGER IF NOT EXISTS core_auditevent_append_only BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
)


def restore_sqlite_update_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UPDATE_GUARD)


def _set_update_guard(schema_editor, enabled):
    if schema_editor.connection.vendor == "postgresql":
        state = "ENABLE" if enabled else "DISABLE"
        schema_editor.execute(f"ALTER TABLE core_auditevent {state} TRIGGER core_auditevent_append_only")
    elif schema_editor.connection.vendor == "sqlite":
        if enabled:
            schema_editor.execute(SQLITE_UPDATE_GUARD)
        else:
            schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_append_only")


def _rechain(apps, schema_editor, *, check, compute):
    event_model = apps.get_model("core", "AuditEvent")
    head_model = apps.get_model("core", "AuditChainHead")
    db = schema_editor.connection.alias
    events = event_model.objects.using(db).order_by("id")
    if not events.exists():
        return
    _set_update_guard(schema_editor, enabled=False)
    old_previous = new_previous = GENESIS
    expected = 1
    for row in events.values().iterator(chunk_size=2000):
        if row["sequence"] != expected or row["previous_hash"] != old_previous or check(row) != row["hash"]:
            raise RuntimeError(
                f"The audit trail does not verify at row id {row['id']} (sequence "
                f"{row['sequence']}): investigate with `shireito auditlog verify` before migrating"
            )
        old_previous = row["hash"]
        new_hash = compute({**row, "previous_hash": new_previous})
        event_model.objects.using(db).filter(id=row["id"]).update(
            previous_hash=new_previous, hash=new_hash
        )
        new_previous = new_hash
        expected += 1
    head_model.objects.using(db).filter(id=1).update(
        last_sequence=expected - 1, last_hash=new_previous
    )
    _set_update_guard(schema_editor, enabled=True)


def rechain_keyed(apps, schema_editor):
    _rechain(apps, schema_editor, check=unkeyed, compute=keyed)


def rechain_unkeyed(apps, schema_editor):
    _rechain(apps, schema_editor, check=keyed, compute=unkeyed)


SQLITE_DELETE_GUARD = """
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
WHEN NOT shireito_audit_delete_allowed()
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
"""


def delete_guard_forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DELETE_GUARD)


def delete_guard_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_chain_head_and_truncate_guard")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_update_guard),
        migrations.AddField(
            model_name="auditevent",
            name="client_request_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="client request id"),
        ),
        migrations.RunPython(restore_sqlite_update_guard, migrations.RunPython.noop),
        migrations.RunPython(rechain_keyed, rechain_unkeyed),
        migrations.RunPython(delete_guard_forward, delete_guard_backward),
    ]
