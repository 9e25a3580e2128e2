"""Writes shared by every app: the audit trail and audited create, update and delete.

Every domain service makes its change through ``audited_create``, ``audited_update`` or
``audited_delete`` (or calls ``record_audit_event`` itself) inside one transaction, so a change
and its audit row are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS as NON_FIELD
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shireito.core import concurrency
from shireito.core.audit_hash import event_hash
from shireito.core.choices import AuditAction
from shireito.core.context import current_client_request_id, current_request_id
from shireito.core.models import AuditChainHead, AuditEvent
from shireito.core.scoping import owner_organization_id

REDACTED = "[redacted]"


def _json_value(value: Any) -> Any:
    """Turn a field value into plain JSON, so what is hashed is exactly what is stored."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _audited_fields(instance: models.Model) -> list[models.Field]:
    ignored = getattr(
        instance, "audit_ignored_fields", frozenset({"created_at", "updated_at", "version"})
    )
    return [
        field
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.name not in ignored
    ]


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited field values of an instance, keyed by field name (foreign keys by id)."""
    return {
        field.name: _json_value(field.value_from_object(instance))
        for field in _audited_fields(instance)
    }


def _redact(instance: models.Model, changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    redacted: frozenset[str] = getattr(instance, "audit_redacted_fields", frozenset())
    return {
        name: ([REDACTED if v is not None else None for v in pair] if name in redacted else pair)
        for name, pair in changes.items()
    }


def _actor_values(actor) -> dict[str, Any]:
    if actor is None:
        return {
            "actor_id": None,
            "actor_label": "system",
            "actor_organization_id": None,
            "actor_organization_label": "",
        }
    organization = getattr(actor, "organization", None)
    return {
        "actor_id": actor.pk,
        "actor_label": actor.get_username(),
        "actor_organization_id": getattr(organization, "pk", None),
        "actor_organization_label": str(organization) if organization else "",
    }


def object_type_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def record_audit_event(
    *,
    actor,
    action: str,
    instance: models.Model,
    changes: dict[str, list[Any]],
) -> AuditEvent:
    """Append one row to the audit trail, chained to the one before it.

    Must run inside the transaction that makes the change. The chain head is locked for the
    rest of that transaction, so appends are serialised and the chain never forks.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_audit_event must run inside transaction.atomic()")
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        # The head is created by a migration; a missing head with events means tampering.
        if AuditEvent.objects.exists():
            raise RuntimeError("The audit chain head is missing: run `shireito auditlog verify`")
        head = AuditChainHead.objects.create(id=1)
    with translation.override(settings.LANGUAGE_CODE):
        object_repr = str(instance)[:300]
    values: dict[str, Any] = {
        "sequence": head.last_sequence + 1,
        "occurred_at": timezone.now(),
        **_actor_values(actor),
        "owner_organization_id": owner_organization_id(instance),
        "object_type": object_type_of(instance),
        "object_id": str(instance.pk),
        "object_repr": object_repr,
        "action": action,
        "changes": _json_value(_redact(instance, changes)),
        "request_id": current_request_id(),
        "client_request_id": current_client_request_id(),
        "previous_hash": head.last_hash,
    }
    values["hash"] = event_hash(values)
    event = AuditEvent.objects.create(**values)
    head.last_sequence = event.sequence
    head.last_hash = event.hash
    head.save(update_fields=["last_sequence", "last_hash"])
    return event


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_unstorable(value: str) -> bool:
    """NUL (PostgreSQL cannot store it) or a lone surrogate (no UTF-8 for it; JSON's
    ``\\ud800`` escape decodes to one)."""
    return _UNSTORABLE.search(value) is not None


def _refuse_unstorable_characters(instance: models.Model, names=None) -> None:
    """Refuse text no database can store as a field error, on every database alike."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if names is not None and field.name not in names:
            continue
        value = field.value_from_object(instance)
        if isinstance(value, str) and is_unstorable(value):
            errors[field.name] = _("Null characters and unpaired surrogates are not allowed.")
    if errors:
        raise ValidationError(errors)


def audited_create[M: models.Model](*, actor, instance: M) -> M:
    """Validate, insert and audit a new object (all fields recorded as old=None)."""
    with transaction.atomic():
        _refuse_unstorable_characters(instance)
        instance.full_clean()
        instance.save(force_insert=True)
        changes = {name: [None, value] for name, value in snapshot(instance).items()}
        record_audit_event(
            actor=actor, action=AuditAction.CREATE, instance=instance, changes=changes
        )
    return instance


def audited_update[M: models.Model](
    *, actor, instance: M, **fields: Any
) -> tuple[M, dict[str, list[Any]]]:
    """Set fields, validate and save only what changed; no change writes nothing at all.

    The old values are read again from the database under a row lock, so a stale instance
    never records wrong "before" values. Returns the instance and ``{field: [old, new]}``.
    A versioned record (``core.concurrency``) refuses with ``Conflict`` when the editor started
    from another version than the stored one, and moves to the next version when it changes.
    """
    with transaction.atomic():
        current = instance._meta.model._default_manager.select_for_update().get(pk=instance.pk)
        versioned = concurrency.is_versioned(instance)
        if versioned:
            concurrency.check_expected(instance, current.version)  # type: ignore[attr-defined]
        before = snapshot(current)
        for name, value in fields.items():
            setattr(instance, name, value)
        after = snapshot(instance)
        names = {instance._meta.get_field(name).name for name in fields}
        changes = {
            name: [before[name], after[name]] for name in names if before[name] != after[name]
        }
        if not changes:
            return instance, {}
        _refuse_unstorable_characters(instance, names)
        instance.full_clean()
        if versioned:
            concurrency.advance(instance, current.version)  # type: ignore[attr-defined]
        update_fields = list(changes)
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
        record_audit_event(
            actor=actor, action=AuditAction.UPDATE, instance=instance, changes=changes
        )
    return instance, changes


def audited_delete(*, actor, instance: models.Model) -> None:
    """Delete and audit an object and every row its deletion cascades to, keeping their last
    values in the trail."""
    with transaction.atomic():
        collector = Collector(using=instance._state.db or "default")
        collector.collect([instance])
        doomed = [obj for objs in collector.data.values() for obj in objs]
        doomed += [obj for queryset in collector.fast_deletes for obj in queryset]
        for obj in doomed:
            changes = {name: [value, None] for name, value in snapshot(obj).items()}
            record_audit_event(
                actor=actor, action=AuditAction.DELETE, instance=obj, changes=changes
            )
        pk = instance.pk
        instance.delete()
        instance.pk = pk


class _Rehearsed(Exception):
    def __init__(self, result: Any) -> None:
        super().__init__()
        self.result = result


def rehearse[T](action: Callable[[], T]) -> T:
    """Run ``action`` (a service that writes all or nothing) and roll back everything it wrote:
    the check step of a one-step import makes every check the import makes and writes nothing.
    What ``action`` raises passes through, after the roll-back."""
    try:
        with transaction.atomic():
            raise _Rehearsed(action())
    except _Rehearsed as rehearsed:
        return rehearsed.result


class Rules:
    """Collects a service's validation failures so that one answer names them all.

    A service's ``<entity>_check`` step builds one, runs every rule (``check`` catches each
    rule's ``ValidationError``; ``model`` runs the model's own validation on the fields given)
    and ends with ``raise_all()``. The service calls the same step before it writes, and a
    form page calls it with whatever fields of a submission are valid (``core.pages.submit``),
    so the rules live in one place and a user sees field, cross-field and service problems in
    one answer.
    """

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str | None, message: str) -> None:
        self.errors.setdefault(field or NON_FIELD, []).append(str(message))

    def merge(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add(field, message)
        else:
            for message in error.messages:
                self.add(None, message)

    def check(self, rule, *args, **kwargs) -> Any:
        """Run one rule; its ``ValidationError`` is kept, its answer returned (else None)."""
        try:
            return rule(*args, **kwargs)
        except ValidationError as error:
            self.merge(error)
            return None

    def model(self, instance: models.Model, fields: Iterable[str] | None = None) -> None:
        """The model's validation (fields, ``clean``, uniqueness, constraints), limited to
        ``fields`` when only some are known; the others are neither checked nor blamed."""
        names = None if fields is None else set(fields)
        exclude = None
        if names is not None:
            exclude = {f.name for f in instance._meta.fields if f.name not in names}
        self.check(_refuse_unstorable_characters, instance, names)
        self.check(instance.full_clean, exclude=exclude)

    def raise_all(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
