"""OSCAL profiles: a catalog derived from others by selecting, modifying and adding. A profile
is resolved against catalogs already held (matched through its back-matter links to their
source file names, or named explicitly); its resolved form is a catalog of its own whose
every control links back to the control it comes from."""

from __future__ import annotations

import copy
import hashlib
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from shireito.core.choices import AuditAction
from shireito.core.problems import Problem
from shireito.core.services import audited_create, record_audit_event
from shireito.standards import selectors
from shireito.standards.bulk import insert_nodes
from shireito.standards.importers import load_json, oscal_version_problem
from shireito.standards.models import Catalog, CatalogNode
from shireito.standards.profile_shape import check_profile_shape
from shireito.standards.tree import CatalogImportError

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


@dataclass
class ProfileSummary:
    catalog: Catalog
    controls: int
    nodes: int


def _resource_names(profile: dict) -> dict[str, list[str]]:
    """``#uuid`` → the file names its links point at."""
    names = {}
    for resource in profile.get("back-matter", {}).get("resources", []):
        hrefs = [link.get("href", "") for link in resource.get("rlinks", [])]
        names[f"#{resource.get('uuid')}"] = [
            posixpath.basename(h.split("?")[0]) for h in hrefs if h
        ]
    return names


def _source_for(href: str, names: dict, candidates, default: Catalog | None):
    """The catalog an import names: the one chosen explicitly wins; otherwise the one held
    (among those the importer may see) whose file name the back-matter link names. Returns
    the catalog, or a problem message."""
    if default is not None:
        return default, None
    for name in names.get(href, [posixpath.basename(href)]):
        found = list(candidates.filter(source_name=name).order_by("-created_at")[:2])
        if len(found) > 1:
            return None, _("Several catalogs came from %s: choose one.") % name
        if found:
            return found[0], None
    return None, _("No catalog held for %s: import it first or name it.") % href


type Selection = list[tuple[Catalog, set[int]]]
type Alters = dict[str, list[tuple[int, dict]]]


def resolve_profile(
    raw: bytes,
    *,
    actor: User | None,
    key: str,
    title: str = "",
    edition: str = "",
    owner: Organization | None = None,
    catalog: Catalog | None = None,
    source_name: str = "",
) -> ProfileSummary:
    """Check a profile, then write its resolved catalog. ``catalog``, when given, answers
    every import; otherwise imports are matched by file name among the catalogs ``actor``
    may see (the command line, ``actor=None``, sees all)."""
    data = _profile_document(raw)
    profile = data["profile"]
    metadata = profile.get("metadata") or {}
    problems = _version_problems(metadata)
    imports = profile.get("imports") or []
    if not imports:
        problems.append(Problem("$.profile.imports", _("A profile imports at least one catalog.")))
    selected = _select_all(
        imports,
        names=_resource_names(profile),
        candidates=selectors.profile_sources(actor),
        default=catalog,
        problems=problems,
    )
    if not problems and not any(pks for _source, pks in selected):
        problems.append(Problem("$.profile.imports", _("The profile selects no control.")))
    modify = profile.get("modify") or {}
    set_parameters = {p["param-id"]: p for p in modify.get("set-parameters", [])}
    alters: Alters = {}
    for index, alter in enumerate(modify.get("alters", [])):
        alters.setdefault(alter["control-id"], []).append((index, alter))
    problems += _modify_problems(modify, alters, selected)
    if problems:
        raise CatalogImportError(problems)
    resolved = Catalog(
        key=key,
        title=title or metadata.get("title", key),
        edition=edition or metadata.get("version", ""),
        owner=owner,
        oscal_uuid=profile.get("uuid") or None,
        oscal_version=metadata.get("oscal-version", ""),
        source_format="oscal-profile",
        source_name=source_name,
        source_sha256=hashlib.sha256(raw).hexdigest(),
        metadata=metadata,
        profile=data,
    )
    return _write_resolved(resolved, selected, set_parameters, alters, actor=actor)


def _profile_document(raw: bytes) -> dict:
    """The parsed document, once it is shaped like an OSCAL profile; else every problem."""
    data = load_json(raw)
    if not isinstance(data, dict) or not isinstance(data.get("profile"), dict):
        raise CatalogImportError(
            [Problem("$", _("An OSCAL profile document has a top-level 'profile' object."))]
        )
    problems = check_profile_shape(data["profile"])
    if problems:
        raise CatalogImportError(problems)
    return data


def _version_problems(metadata: dict) -> list[Problem]:
    found = oscal_version_problem("$.profile.metadata.oscal-version", metadata.get("oscal-version"))
    return [] if found is None else [found]


def _select_all(
    imports: list[dict],
    *,
    names: dict[str, list[str]],
    candidates: QuerySet[Catalog],
    default: Catalog | None,
    problems: list[Problem],
) -> Selection:
    """Each import's catalog with the pks of the controls it selects; an import whose catalog
    is not held, or that names a control its catalog lacks, adds to ``problems``."""
    selected: Selection = []
    for index, entry in enumerate(imports):
        path = f"$.profile.imports[{index}]"
        source, message = _source_for(entry.get("href", ""), names, candidates, default)
        if source is None:
            problems.append(Problem(f"{path}.href", message))
            continue
        selected.append((source, _select(entry, source, path, problems)))
    return selected


def _select(entry: dict, source: Catalog, path: str, problems: list[Problem]) -> set[int]:
    """The controls one import takes from ``source``: all, or those named (with their child
    controls when asked), less those excluded."""
    nodes = {n.oscal_id: n for n in source.nodes.all()}
    children: dict[int | None, list[CatalogNode]] = {}
    for each in nodes.values():
        children.setdefault(each.parent_id, []).append(each)
    chosen: set[int] = set()
    if entry.get("include-all") is not None:
        chosen = {n.pk for n in nodes.values() if not n.is_group}
    for c_index, rule in enumerate(entry.get("include-controls", [])):
        for i_index, control_id in enumerate(rule.get("with-ids", [])):
            wanted = nodes.get(control_id)
            if wanted is None or wanted.is_group:
                problems.append(
                    Problem(
                        f"{path}.include-controls[{c_index}].with-ids[{i_index}]",
                        _("No control %(id)s in %(catalog)s.")
                        % {"id": control_id, "catalog": source.key},
                    )
                )
                continue
            chosen.add(wanted.pk)
            if rule.get("with-child-controls") == "yes":
                chosen |= _controls_below(wanted, children)
    for rule in entry.get("exclude-controls", []):
        for control_id in rule.get("with-ids", []):
            excluded = nodes.get(control_id)
            if excluded is not None:
                chosen.discard(excluded.pk)
    return chosen


def _controls_below(node: CatalogNode, children: dict[int | None, list[CatalogNode]]) -> set[int]:
    below: set[int] = set()
    stack = list(children.get(node.pk, []))
    while stack:
        child = stack.pop()
        if not child.is_group:
            below.add(child.pk)
        stack.extend(children.get(child.pk, []))
    return below


def _modify_problems(modify: dict, alters: Alters, selected: Selection) -> list[Problem]:
    """Alterations and parameter settings must be about what the profile selects."""
    problems = []
    chosen_nodes = [n for source, pks in selected for n in source.nodes.filter(pk__in=pks)]
    chosen_ids = {n.oscal_id for n in chosen_nodes}
    for control_id, entries in alters.items():
        if control_id not in chosen_ids:
            for index, _alter in entries:
                problems.append(
                    Problem(
                        f"$.profile.modify.alters[{index}].control-id",
                        _("Alters %s, which the profile does not select.") % control_id,
                    )
                )
    param_ids = {p.get("id") for n in chosen_nodes for p in n.params}
    for index, setting in enumerate(modify.get("set-parameters", [])):
        if setting["param-id"] not in param_ids:
            problems.append(
                Problem(
                    f"$.profile.modify.set-parameters[{index}].param-id",
                    _("No selected control has the parameter %s.") % setting["param-id"],
                )
            )
    return problems


def _write_resolved(
    resolved: Catalog,
    selected: Selection,
    set_parameters: dict[str, dict],
    alters: Alters,
    *,
    actor: User | None,
) -> ProfileSummary:
    """The resolved catalog and its copied nodes, audited as one creation and one update."""
    with transaction.atomic():
        resolved = audited_create(actor=actor, instance=resolved)
        total = controls = 0
        position = 0
        for source, pks in selected:
            resolved.derived_from.add(source)
            position, added, added_controls = _copy_selection(
                resolved, source, pks, set_parameters, alters, position
            )
            total += added
            controls += added_controls
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=resolved,
            changes={
                "nodes": [0, total],
                "derived_from": [[], sorted(s.key for s, _p in selected)],
            },
        )
    return ProfileSummary(catalog=resolved, controls=controls, nodes=total)


def _copy_selection(
    resolved: Catalog,
    source: Catalog,
    pks: set[int],
    set_parameters: dict[str, dict],
    alters: Alters,
    position: int,
) -> tuple[int, int, int]:
    """Copy the chosen controls with the groups around them (structure as-is), applying the
    profile's parameter settings and alterations; every copy links to its source. A control
    left out is not brought back for its selected enhancements: they move up to the nearest
    group kept, so the resolved catalog holds exactly the controls the profile selects.
    Returns the next free position, the nodes copied and the controls among them."""
    nodes = list(source.nodes.order_by("position"))
    by_pk = {n.pk: n for n in nodes}
    keep: set[int] = set(pks)
    for pk in pks:
        current = by_pk[pk]
        while current.parent_id is not None:
            current = by_pk[current.parent_id]
            if current.is_group:
                keep.add(current.pk)
    copies: dict[int, CatalogNode] = {}
    used = set(resolved.nodes.values_list("oscal_id", flat=True))
    levels: dict[int, list[CatalogNode]] = {}
    for node in nodes:
        if node.pk in keep:
            levels.setdefault(node.depth, []).append(node)
    added_controls = 0
    for depth in sorted(levels):  # parents first, so each copy's parent is already written
        rows = []
        for node in levels[depth]:
            oscal_id, suffix = node.oscal_id, 2
            while oscal_id in used:  # the same control selected through two imports
                oscal_id, suffix = f"{node.oscal_id}-{suffix}", suffix + 1
            used.add(oscal_id)
            parent = _nearest_copy(node, by_pk, copies)
            copied = _tailored(node, set_parameters, alters.get(node.oscal_id, []))
            copied.catalog, copied.parent, copied.oscal_id = resolved, parent, oscal_id
            copied.position = position + node.position
            copied.depth = 0 if parent is None else parent.depth + 1
            rows.append(copied)
            added_controls += 0 if node.is_group else 1
        insert_nodes(rows)
        for row in rows:
            assert row.source_id is not None
            copies[row.source_id] = row
    last = max((n.position for n in nodes), default=0)
    return position + last + 1, len(copies), added_controls


def _tailored(
    node: CatalogNode, set_parameters: dict[str, dict], alters: list[tuple[int, dict]]
) -> CatalogNode:
    """An unsaved copy of ``node`` (its place in the new catalog still to set) with the
    profile's parameter settings and additions applied."""
    params = copy.deepcopy(node.params)
    for param in params:
        if param.get("id") in set_parameters:
            setting = {k: v for k, v in set_parameters[param["id"]].items() if k != "param-id"}
            param.update(setting)
    parts, props = copy.deepcopy(node.parts), copy.deepcopy(node.props)
    statement, guidance = node.statement, node.guidance
    for _index, alter in alters:
        for add in alter.get("adds", []):
            where = add.get("position", "ending")
            new_parts, new_props = add.get("parts", []), add.get("props", [])
            parts = [*new_parts, *parts] if where == "starting" else [*parts, *new_parts]
            props = [*new_props, *props] if where == "starting" else [*props, *new_props]
            # the tailored text shows where a reader looks: statement and guidance
            statement = _join(statement, new_parts, "statement", where)
            guidance = _join(guidance, new_parts, "guidance", where)
    return CatalogNode(
        is_group=node.is_group,
        kind=node.kind,
        label=node.label,
        title=node.title,
        statement=statement,
        guidance=guidance,
        oscal_class=node.oscal_class,
        params=params,
        props=props,
        links=node.links,
        parts=parts,
        source=node,
    )


def _nearest_copy(
    node: CatalogNode, by_pk: dict[int, CatalogNode], copies: dict[int, CatalogNode]
) -> CatalogNode | None:
    current = node
    while current.parent_id is not None:
        if current.parent_id in copies:
            return copies[current.parent_id]
        current = by_pk[current.parent_id]
    return None


def _join(text: str, parts: list, name: str, where: str) -> str:
    added = "\n\n".join(p.get("prose", "") for p in parts if p.get("name") == name)
    if not added:
        return text
    if not text:
        return added
    return f"{added}\n\n{text}" if where == "starting" else f"{text}\n\n{added}"
