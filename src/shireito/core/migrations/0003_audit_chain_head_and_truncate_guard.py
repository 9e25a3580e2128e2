"""Create the audit chain's head row with the schema, and refuse TRUNCATE on PostgreSQL.

With the head created here, a head that is missing later means the trail was wiped, and
``shireito auditlog verify`` says so. TRUNCATE skips row triggers, so PostgreSQL gets a
statement trigger too; a database may allow it explicitly (the test suite's database does,
for Django's flush) with ``ALTER DATABASE … SET shireito.allow_audit_truncate = 'on'``.
"""

from django.db import migrations

POSTGRESQL_FORWARD = """
CREATE OR REPLACE FUNCTION core_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('shireito.allow_audit_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail may not be truncated';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_refuse_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();
CREATE TRIGGER core_auditchainhead_refuse_truncate BEFORE TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();
"""
POSTGRESQL_BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_refuse_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditchainhead_refuse_truncate ON core_auditchainhead;
DROP FUNCTION IF EXISTS core_audit_refuse_truncate();
"""


def create_head(apps, schema_editor):
    head_model = apps.get_model("core", "AuditChainHead")
    head_model.objects.using(schema_editor.connection.alias).get_or_create(id=1)


def guard_forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARD)


def guard_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_event_append_only")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(guard_forward, guard_backward),
    ]
