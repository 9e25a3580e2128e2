"""The audit trail as an official reads it: every change shown in the reader's language.

The trail stores plain JSON (ids, choice keys, ISO times, lists) so that its hash chain never
depends on a translation or a name that may change later. This module is the one place that
turns a stored change into text, at read time: the field's verbose name, the related object's
name (looked up for a whole page at once, one query per kind of object), the choice's label,
yes/no, times in the display time zone, lists and routes as text, secrets never.

Changes recorded under a name that is not a model field, or whose values are codes rather than
ids, are described on the model by ``audit_change_keys`` (``{name: ChangeKey}``); a name
``"*.suffix"`` describes every ``prefix.suffix`` (a control result's status in an audit, say).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import ForeignObjectRel, Q
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shireito.core.languages import list_separator
from shireito.core.selectors import redacted
from shireito.core.services import REDACTED

# What a change redactor writes in place of a value the reader may not see.
HIDDEN = "[hidden]"
_JSON_LIMIT = 300


@dataclass(frozen=True)
class Ref:
    """A row named in the trail: ``model`` (``app_label.model``) where ``by`` equals ``value``
    (``by`` may join several fields with ``+``, ``value`` then a tuple)."""

    model: str
    by: str
    value: Any


@dataclass(frozen=True)
class Joined:
    parts: tuple[Any, ...]
    separator: str = ""  # empty: the list separator of the reader's language


# A value as shown, before names are looked up: text, a Ref, or Joined parts.
type Node = str | Ref | Joined


@dataclass(frozen=True)
class ChangeKey:
    """How to read one recorded change.

    ``label``: its translatable name (else the ``like`` field's verbose name); ``like``:
    ``app_label.model.field`` whose values these are (choices, foreign keys, dates…);
    ``read``: a function of one stored value to what is shown (for routes and composite
    values); ``refers_to``/``by``: the values name rows of that model by that field (an integer
    is always a primary key).
    """

    label: Any = None
    like: str = ""
    read: Callable[[Any], Node] | None = field(default=None, compare=False)
    refers_to: str = ""
    by: str = "pk"


def refs(model: str, by: str = "pk") -> Callable[[Any], Node]:
    """A reader of values that name rows of ``model`` by ``by`` (a single one or a list);
    ``by=""``: only integers name rows (primary keys), text is shown as it is."""

    def read(value: Any) -> Node:
        if isinstance(value, list):
            return Joined(tuple(read(item) for item in value))
        if value == HIDDEN:
            return _("(not visible to you)")
        if isinstance(value, int) and not isinstance(value, bool):
            return Ref(model, "pk", value)
        if not by:
            return str(value)
        return Ref(model, by, value)

    return read


def route_of_codes(model: str = "organizations.organization", by: str = "code"):
    """A route recorded as ``place=code`` items, shown as ``A → B → C``."""

    def read(value: Any) -> Node:
        if not isinstance(value, list):
            return read([value])
        hops = [str(item).rpartition("=")[2] for item in value]
        return Joined(tuple(Ref(model, by, code) for code in hops), " → ")

    return read


def pairs(separator: str, *readers: Callable[[Any], Node]):
    """Values ``a<separator>b`` (one or a list) whose parts each name something, read in turn."""

    def read(value: Any) -> Node:
        if isinstance(value, list):
            return Joined(tuple(read(item) for item in value))
        parts = str(value).split(separator, len(readers) - 1)
        if len(parts) != len(readers):
            return str(value)
        return Joined(
            tuple(reader(part.strip()) for reader, part in zip(readers, parts, strict=True)),
            separator,
        )

    return read


def labels_of(choices: Iterable[tuple[Any, Any]]) -> Callable[[Any], Node]:
    """Values that are keys of ``choices`` (one or a list), read as their labels."""
    table = {str(key): label for key, label in choices}

    def read(value: Any) -> Node:
        if isinstance(value, list):
            return Joined(tuple(read(item) for item in value))
        return str(table.get(str(value), value))

    return read


@dataclass
class ChangeRow:
    label: str
    old: str
    new: str


# --- reading a stored value -------------------------------------------------------------------


# A model field, or the reverse side of a relation (a set of rows, counted in the trail).
type AnyField = models.Field | ForeignObjectRel


def _field_of(like: str) -> AnyField | None:
    try:
        app_label, model_name, name = like.split(".")
        return apps.get_model(app_label, model_name)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _natural_key(model: type[models.Model]) -> str:
    """The unique text field a trail names rows of ``model`` by (a code or key), if any."""
    for name in ("code", "key"):
        try:
            candidate = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(candidate, "unique", False):
            return name
    return ""


def _parse_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def _json_text(value: Any) -> str:
    """A list or mapping as plain text: items joined as a list is in the reader's language,
    mappings as ``key: value``."""
    if isinstance(value, dict):
        text = list_separator().join(f"{key}: {_json_text(item)}" for key, item in value.items())
    elif isinstance(value, list | tuple):
        text = list_separator().join(_json_text(item) for item in value)
    elif isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif value is None:
        text = "—"
    else:
        text = str(value)
    return text if len(text) <= _JSON_LIMIT else text[: _JSON_LIMIT - 1] + "…"


def _read_by_field(value: Any, model_field: AnyField | None) -> Node:
    if model_field is None:
        return _json_text(value)
    if model_field.many_to_one or model_field.one_to_one:
        related = model_field.related_model._meta  # type: ignore[union-attr]
        target = model_field.target_field.name  # type: ignore[union-attr]
        return refs(related.label_lower, target)(value)
    if model_field.many_to_many:
        related = model_field.related_model
        natural = _natural_key(related)  # type: ignore[arg-type]
        return refs(related._meta.label_lower, natural)(value)  # type: ignore[union-attr]
    if isinstance(value, list):
        return Joined(tuple(_read_by_field(item, model_field) for item in value))
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        labels = {str(key): label for key, label in choices}
        return str(labels.get(str(value), value))
    # A plain text field that sometimes holds a choice's key (a link's key naming a standard
    # business): the model names those choices in ``history_labels``.
    extra = getattr(model_field.model, "history_labels", {}).get(model_field.name)
    if extra and isinstance(value, str):
        labels = {str(key): label for key, label in extra}
        return str(labels.get(value, value))
    if isinstance(model_field, models.BooleanField) or isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateTimeField):
        moment = _parse_datetime(value)
        if moment is not None:
            return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")
    if isinstance(value, dict):
        return _json_text(value)
    if isinstance(value, int) and abs(value) >= 10000:
        return formats.number_format(value, force_grouping=True)
    return str(value)


def read_value(value: Any, *, model_field: AnyField | None, key: ChangeKey | None) -> Node:
    """One stored value as shown (names still to be looked up)."""
    if value is None or value == "" or value == []:
        return "—"
    if value == REDACTED:
        return _("(recorded, not shown)")
    if value == HIDDEN:
        return _("(not visible to you)")
    if isinstance(value, list) and REDACTED in value:
        return _("(recorded, not shown)")
    if key is not None and key.read is not None:
        return key.read(value)
    if key is not None and key.refers_to:
        return refs(key.refers_to, key.by)(value)
    if key is not None and key.like:
        model_field = _field_of(key.like)
    return _read_by_field(value, model_field)


def _key_of(model: type[models.Model] | None, name: str) -> tuple[ChangeKey | None, str]:
    """The declared reading of a change name, and the prefix a ``*.suffix`` name matched."""
    declared: dict[str, ChangeKey] = getattr(model, "audit_change_keys", {}) if model else {}
    if name in declared:
        return declared[name], ""
    prefix, dot, suffix = name.rpartition(".")
    if dot and f"*.{suffix}" in declared:
        return declared[f"*.{suffix}"], prefix
    return None, ""


def _label(model_field, key: ChangeKey | None, prefix: str, name: str) -> str:
    label: Any = None
    if key is not None and key.label is not None:
        label = key.label
    elif key is not None and key.like and (like := _field_of(key.like)) is not None:
        label = getattr(like, "verbose_name", None)
    elif model_field is not None:
        label = getattr(model_field, "verbose_name", None)
        if _is_link_table(getattr(model_field, "model", None)) and model_field.is_relation:
            # Django names a link table's columns after the classes, in English.
            label = model_field.related_model._meta.verbose_name
    if label is None:
        # A name no model describes: never shown as an internal key.
        label = _("other change")
    label = capfirst(str(label))
    return f"{prefix}: {label}" if prefix else label


# --- looking names up, a page at a time -------------------------------------------------------


def _collect(node: Node, into: dict[tuple[str, str], set]) -> None:
    if isinstance(node, Ref):
        into[(node.model, node.by)].add(node.value)
    elif isinstance(node, Joined):
        for part in node.parts:
            _collect(part, into)


def _lookup(wanted: dict[tuple[str, str], set]) -> dict[tuple[str, str, str], str]:
    """Names of every row wanted: one query per model and field."""
    names: dict[tuple[str, str, str], str] = {}
    for (label, by), values in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        fields = by.split("+")
        if len(fields) == 1:
            column = "pk" if by == "pk" else by
            try:
                rows = model._default_manager.filter(**{f"{column}__in": list(values)})
                if related := getattr(model, "display_related", ()):
                    rows = rows.select_related(*related)
                for row in rows:
                    key = row.pk if by == "pk" else getattr(row, by)
                    names[(label, by, str(key))] = _name(row)
            except (ValueError, TypeError, ValidationError):  # a value of the wrong type: no name
                continue
        else:
            query = Q()
            for value in values:
                query |= Q(**dict(zip(fields, value, strict=False)))
            through = {name.split("__")[0] for name in fields if "__" in name}
            for row in model._default_manager.filter(query).select_related(*through):
                key = tuple(str(_follow(row, name)) for name in fields)
                names[(label, by, str(key))] = _name(row)
    return names


def _name(row: models.Model) -> str:
    """A row as the reader calls it: its name in the reader's language where it has one."""
    return str(getattr(row, "display_name", None) or row)


def _follow(row: models.Model, path: str) -> Any:
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _text(node: Node, names: dict[tuple[str, str, str], str]) -> str:
    if isinstance(node, Ref):
        value = tuple(str(v) for v in node.value) if "+" in node.by else node.value
        found = names.get((node.model, node.by, str(value)))
        if found is not None:
            return found
        if node.by == "pk":
            return pgettext("deleted object", "deleted")
        return " ".join(str(v) for v in node.value) if "+" in node.by else str(node.value)
    if isinstance(node, Joined):
        separator = node.separator or list_separator()
        return separator.join(_text(part, names) for part in node.parts) or "—"
    return node


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _is_link_table(model) -> bool:
    """A table Django made for a many-to-many field (a measure's principles): its names are
    the classes' in English, never the reader's words."""
    return bool(model is not None and model._meta.auto_created)


def object_kind(object_type: str) -> str:
    """The kind of object an event is about, as the reader calls it."""
    model = _model(object_type)
    if model is None:
        return _("record")
    if _is_link_table(model):
        ends = [f.related_model for f in model._meta.fields if f.related_model is not None]
        if len(ends) == 2:
            return capfirst(
                _("link between %(one)s and %(other)s")
                % {"one": ends[0]._meta.verbose_name, "other": ends[1]._meta.verbose_name}
            )
    return capfirst(str(model._meta.verbose_name))


def describe(events: Iterable[Any]) -> list[Any]:
    """Events with ``shown_changes`` (rows of label, before, after as text), ``object_kind``
    and ``actor_shown`` set for display; related names are looked up once for all of them."""
    shown = list(events)
    pending: list[tuple[Any, list[tuple[Node, Node, Node]]]] = []
    wanted: dict[tuple[str, str], set] = defaultdict(set)
    for event in shown:
        model = _model(event.object_type)
        rows = []
        for name, pair in (event.changes or {}).items():
            model_field = None
            if model is not None:
                try:
                    model_field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    model_field = None
            key, prefix = _key_of(model, name)
            label: Node = _label(model_field, key, prefix, name)
            old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            nodes = (
                label,
                read_value(old, model_field=model_field, key=key),
                read_value(new, model_field=model_field, key=key),
            )
            for node in nodes:
                _collect(node, wanted)
            rows.append(nodes)
        pending.append((event, rows))
    names = _lookup(wanted)
    for event, rows in pending:
        event.shown_changes = [
            ChangeRow(_text(label, names), _text(old, names), _text(new, names))
            for label, old, new in rows
        ]
        event.object_kind = object_kind(event.object_type)
        system = event.actor_id is None and event.actor_label == "system"
        event.actor_shown = _("the system") if system else event.actor_label
    return shown


def readable_history(user, events: Iterable[Any]) -> list[Any]:
    """What every history view shows: the events ``user`` may read, redacted for that reader,
    then described in the reader's language."""
    return describe(redacted(user, events))
