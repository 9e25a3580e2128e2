"""The audit trail: what services write, and that tampering in the database is detected."""

from __future__ import annotations

import contextlib

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shireito.core.audit_hash import event_hash
from shireito.core.models import AuditChainHead, AuditEvent
from shireito.core.selectors import object_history, verify_audit_chain
from shireito.core.services import REDACTED
from shireito.organizations.services import organization_update
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def tampering():
    """Act as someone with direct database access who first disables the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
        else:
            cursor.execute("DROP TRIGGER core_auditevent_append_only")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
    yield connection.cursor()


def _run_verify() -> tuple[int, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("auditlog", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


@pytest.fixture
def chain(organization):
    """Five events from real service calls."""
    for number in range(4):
        organization_update(actor=None, organization=organization, name_en=f"Renamed {number}")
    events = list(AuditEvent.objects.order_by("sequence"))
    assert len(events) == 5
    return events


def test_create_update_delete_each_write_one_row_with_actor_changes_and_request_id(org_admin):
    # given an organisation and an acting user
    organization = org_admin.organization
    before = AuditEvent.objects.count()

    # when the actor renames it
    organization_update(actor=org_admin, organization=organization, name_en="New name")

    # then one row records who, from which organisation, what changed old→new
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.action == "update"
    assert event.actor_label == org_admin.username
    assert event.actor_organization_id == organization.pk
    assert event.owner_organization_id == organization.pk
    assert event.object_type == "organizations.organization"
    assert event.object_id == str(organization.pk)
    assert event.changes == {"name_en": ["Test Ministry", "New name"]}


def test_update_without_change_writes_nothing(organization):
    before = AuditEvent.objects.count()
    organization_update(actor=None, organization=organization, name_en=organization.name_en)
    assert AuditEvent.objects.count() == before


def test_secrets_are_redacted_in_the_trail(organization):
    user = make_user(organization=organization)
    created = object_history(user, user=None).filter(action="create").get()
    assert created.changes["password"] == [None, REDACTED]
    assert user.password not in str(created.changes)


def test_the_servers_request_id_is_recorded_and_the_clients_beside_it(signed_in, viewer, client):
    # given a client that names its request
    signed_in(viewer)

    # when it makes a change
    response = client.post(
        "/accounts/tokens/",
        {"name": "script", "expires_in_days": "30", "scope": "read_only"},
        HTTP_X_REQUEST_ID="req-12345678",
    )

    # then the trail and the response carry the server's own id, the client's stays beside it
    assert response.status_code == 200
    server_id = response["X-Request-ID"]
    assert server_id != "req-12345678"
    assert len(server_id) == 32
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.object_type == "accounts.apitoken"
    assert event.request_id == server_id
    assert event.client_request_id == "req-12345678"
    assert verify_audit_chain().ok


@pytest.mark.parametrize(
    "offered",
    ["x" * 65, "has space", "<script>", "line\u2028break", "semi;colon", "ünïcode"],
)
def test_a_malformed_client_request_id_is_not_recorded(signed_in, viewer, client, offered):
    # given a client request id that is too long or holds unsafe characters
    signed_in(viewer)

    # when the client makes a change with it
    client.post(
        "/accounts/tokens/",
        {"name": "script", "expires_in_days": "30", "scope": "read_only"},
        HTTP_X_REQUEST_ID=offered.encode().decode("latin-1"),
    )

    # then nothing of it reaches the trail
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.object_type == "accounts.apitoken"
    assert event.client_request_id == ""
    assert len(event.request_id) == 32


def test_intact_chain_verifies(chain):
    report = verify_audit_chain()
    assert report.ok
    assert report.checked == 5
    assert _run_verify()[0] == 0


def test_changed_row_is_detected_and_named(chain):
    victim = chain[2]
    with tampering() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["someone else", victim.id]
        )
    report = verify_audit_chain()
    assert not report.ok
    assert report.problem.event_id == victim.id
    assert "content changed" in report.problem.reason
    code, output = _run_verify()
    assert code != 0
    assert f"row id {victim.id}, sequence {victim.sequence}" in output


def test_changed_json_changes_is_detected(chain):
    victim = chain[1]
    with tampering() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET changes = %s WHERE id = %s",
            ['{"name_en": ["a", "b"]}', victim.id],
        )
    assert verify_audit_chain().problem.event_id == victim.id


def test_rehashed_row_is_still_detected_by_the_next_row(chain):
    # given an attacker who changes a row and recomputes its own hash
    victim = chain[1]
    with tampering() as cursor:
        values = AuditEvent.objects.filter(id=victim.id).values().get()
        values["actor_label"] = "forged"
        cursor.execute(
            "UPDATE core_auditevent SET actor_label = %s, hash = %s WHERE id = %s",
            ["forged", event_hash(values), victim.id],
        )
    # then the following row no longer chains to it
    report = verify_audit_chain()
    assert report.problem.event_id == chain[2].id
    assert "previous hash" in report.problem.reason


def test_deleted_row_is_detected_at_the_next_row(chain):
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [chain[2].id])
    report = verify_audit_chain()
    assert report.problem.event_id == chain[3].id
    code, output = _run_verify()
    assert code != 0
    assert f"row id {chain[3].id}" in output


def test_deleted_newest_rows_are_detected_by_the_head(chain):
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [chain[-1].id])
    report = verify_audit_chain()
    assert not report.ok
    assert report.problem.event_id is None
    assert "should end at sequence 5" in report.problem.reason


def test_reordered_rows_are_detected(chain):
    first, second = chain[1], chain[2]
    with tampering() as cursor:
        # swap the sequence numbers (through a free value: sequence is unique)
        cursor.execute("UPDATE core_auditevent SET sequence = 999999 WHERE id = %s", [first.id])
        cursor.execute(
            "UPDATE core_auditevent SET sequence = %s WHERE id = %s", [first.sequence, second.id]
        )
        cursor.execute(
            "UPDATE core_auditevent SET sequence = %s WHERE id = %s", [second.sequence, first.id]
        )
    report = verify_audit_chain()
    assert report.problem.event_id == first.id
    assert "deleted or reordered" in report.problem.reason


def test_database_refuses_updates_of_audit_rows(chain):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_label = 'x' WHERE id = %s", [chain[0].id])


@pytest.mark.parametrize("where", ["WHERE id = %s", "WHERE id >= %s"])
def test_database_refuses_deletes_of_audit_rows(chain, settings, where):
    # given the production setting (only the test suite's flush may delete on SQLite)
    settings.SHIREITO_AUDIT_DELETE_ALLOWED = False

    # when someone deletes one row or all of them with SQL
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM core_auditevent {where}", [chain[0].id])

    # then every row is still there and the chain verifies
    assert AuditEvent.objects.count() == len(chain)
    assert verify_audit_chain().ok


def test_orm_refuses_to_change_or_delete_events(chain):
    event = chain[0]
    event.actor_label = "x"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(organization):
    from shireito.core.services import record_audit_event

    with pytest.raises(RuntimeError):
        record_audit_event(actor=None, action="update", instance=organization, changes={})


def test_head_follows_the_last_event(chain):
    head = AuditChainHead.objects.get()
    assert head.last_sequence == chain[-1].sequence
    assert head.last_hash == chain[-1].hash


# NUL is refused at the door (PostgreSQL cannot store it); every other character must survive.
text = st.text(
    alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40
)
json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4), max_leaves=8)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(old=json_values, new=json_values)
def test_any_recorded_values_survive_the_database_round_trip(organization, old, new):
    """Whatever JSON a change holds (Unicode, nesting, big integers), the hash recomputed from
    what the database gives back matches: storage never breaks the chain by itself."""
    from shireito.core.services import record_audit_event

    with transaction.atomic():
        record_audit_event(
            actor=None, action="update", instance=organization, changes={"x": [old, new]}
        )
    assert verify_audit_chain().ok


@given(
    values=st.fixed_dictionaries({"a": json_values, "b": json_values}),
    field=st.sampled_from(
        ["actor_label", "object_id", "request_id", "client_request_id", "previous_hash"]
    ),
    replacement=st.text(min_size=1, max_size=10),
)
def test_hash_changes_when_any_hashed_field_changes(values, field, replacement):
    import datetime as dt

    row = {
        "sequence": 1,
        "occurred_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "actor_id": 1,
        "actor_label": "a",
        "actor_organization_id": 1,
        "actor_organization_label": "o",
        "owner_organization_id": 1,
        "object_type": "t",
        "object_id": "1",
        "object_repr": "r",
        "action": "update",
        "changes": values,
        "request_id": "r",
        "client_request_id": "c",
        "previous_hash": "0" * 64,
    }
    changed = {**row, field: row[field] + replacement}
    assert event_hash(row) != event_hash(changed)
    assert event_hash(row) == event_hash(dict(reversed(list(row.items()))))


def test_deleted_head_is_detected(chain):
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditchainhead")
    report = verify_audit_chain()
    assert not report.ok
    assert "head is missing" in report.problem.reason


def test_a_wiped_trail_is_detected():
    # given the head the migrations created, and someone who deletes every row
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
        cursor.execute("DELETE FROM core_auditchainhead")
    code, output = _run_verify()
    assert code != 0
    assert "head is missing" in output


def test_appending_after_a_missing_head_is_refused(chain):
    from shireito.core.services import record_audit_event

    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditchainhead")
    with pytest.raises(RuntimeError, match="head is missing"), transaction.atomic():
        record_audit_event(actor=None, action="update", instance=chain[0], changes={})


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncating_the_trail(chain):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL shireito.allow_audit_truncate = 'off'")
        cursor.execute("TRUNCATE core_auditevent")


def test_rows_written_while_verifying_are_not_a_false_alarm(chain, organization, monkeypatch):
    """The head is read first; a row committed during the walk is left for the next run."""
    from shireito.core import selectors

    original = selectors._events_in_storage_order

    def rows_with_a_late_append(batch_size):
        yield from original(batch_size)
        organization_update(actor=None, organization=organization, name_en="appended meanwhile")
        yield from AuditEvent.objects.filter(sequence=6).values(*selectors._VALUE_FIELDS)

    monkeypatch.setattr(selectors, "_events_in_storage_order", rows_with_a_late_append)
    report = verify_audit_chain()
    assert report.ok
    assert report.checked == 5


def test_null_characters_are_a_field_error_not_a_crash(organization):
    from django.core.exceptions import ValidationError

    before = AuditEvent.objects.count()
    for bad in ["bad\x00name", "lone \ud800 surrogate"]:
        with pytest.raises(ValidationError) as error:
            organization_update(actor=None, organization=organization, name_en=bad)
        assert "name_en" in error.value.message_dict
    assert AuditEvent.objects.count() == before


def test_stale_instances_record_the_real_old_value(organization):
    from shireito.organizations.models import Organization

    stale = Organization.objects.get(pk=organization.pk)
    organization_update(actor=None, organization=organization, name_en="First")
    organization_update(actor=None, organization=stale, name_en="Second")
    event = object_history(organization, user=None).first()
    assert event.changes == {"name_en": ["First", "Second"]}


def test_cascaded_deletes_are_audited_too(viewer):
    from shireito.accounts.services import api_token_create
    from shireito.core.services import audited_delete

    token, _secret = api_token_create(actor=None, user=viewer, name="t")
    audited_delete(actor=None, instance=viewer)
    deleted = set(
        AuditEvent.objects.filter(action="delete").values_list("object_type", "object_id")
    )
    assert ("accounts.user", str(viewer.pk)) in deleted
    assert ("accounts.apitoken", str(token.pk)) in deleted
    assert any(kind == "accounts.rolegrant" for kind, _id in deleted)
    assert verify_audit_chain().ok
