"""The shape of an OSCAL profile, checked before anything is looked up, so that a file of the
wrong shape is answered with JSON paths rather than failing half-way. Constructs we do not
resolve are named as problems instead of being dropped silently."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from shireito.core.problems import Problem

STRING = str


def _is_list_of(value, kind) -> bool:
    return isinstance(value, list) and all(isinstance(v, kind) for v in value)


def check_profile_shape(profile: dict) -> list[Problem]:
    problems: list[Problem] = []

    def need(path, ok, message):
        if not ok:
            problems.append(Problem(path, message))
        return ok

    def unsupported(path, what):
        problems.append(Problem(path, _("%s is not supported here yet.") % what))

    text = _("Expected text.")
    a_list = _("Expected a list of objects.")
    an_object = _("Expected an object.")
    try:
        uuid.UUID(str(profile.get("uuid", "")))
    except ValueError:
        problems.append(Problem("$.profile.uuid", _("Expected a UUID.")))
    metadata = profile.get("metadata", {})
    if need("$.profile.metadata", isinstance(metadata, dict), an_object):
        for name, limit in (("title", 300), ("version", 100)):
            value = metadata.get(name, "")
            if need(f"$.profile.metadata.{name}", isinstance(value, str), text):
                need(
                    f"$.profile.metadata.{name}",
                    len(value) <= limit,
                    _("At most %d characters.") % limit,
                )
    back_matter = profile.get("back-matter", {})
    if need("$.profile.back-matter", isinstance(back_matter, dict), an_object):
        resources = back_matter.get("resources", [])
        if need("$.profile.back-matter.resources", _is_list_of(resources, dict), a_list):
            for r_index, resource in enumerate(resources):
                need(
                    f"$.profile.back-matter.resources[{r_index}].rlinks",
                    _is_list_of(resource.get("rlinks", []), dict),
                    a_list,
                )
    imports = profile.get("imports", [])
    if need("$.profile.imports", _is_list_of(imports, dict), a_list):
        for index, entry in enumerate(imports):
            path = f"$.profile.imports[{index}]"
            need(f"{path}.href", isinstance(entry.get("href", ""), str), text)
            if "include-all" in entry:
                need(f"{path}.include-all", isinstance(entry["include-all"], dict), an_object)
            for rule_name in ("include-controls", "exclude-controls"):
                rules = entry.get(rule_name, [])
                if not need(f"{path}.{rule_name}", _is_list_of(rules, dict), a_list):
                    continue
                for r_index, rule in enumerate(rules):
                    r_path = f"{path}.{rule_name}[{r_index}]"
                    need(
                        f"{r_path}.with-ids",
                        _is_list_of(rule.get("with-ids", []), str),
                        _("Expected a list of control ids."),
                    )
                    if "matching" in rule:
                        unsupported(f"{r_path}.matching", "matching")
                    children = rule.get("with-child-controls")
                    if children is not None and (
                        rule_name == "exclude-controls" or children not in ("yes", "no")
                    ):
                        unsupported(f"{r_path}.with-child-controls", "with-child-controls")
    merge = profile.get("merge")
    if isinstance(merge, dict) and set(merge) - {"as-is"}:
        unsupported("$.profile.merge", _("A structure other than as-is"))
    modify = profile.get("modify", {})
    if not need("$.profile.modify", isinstance(modify, dict), an_object):
        return problems
    settings = modify.get("set-parameters", [])
    if need("$.profile.modify.set-parameters", _is_list_of(settings, dict), a_list):
        for s_index, setting in enumerate(settings):
            s_path = f"$.profile.modify.set-parameters[{s_index}]"
            need(f"{s_path}.param-id", isinstance(setting.get("param-id"), str), text)
            if "values" in setting:
                need(
                    f"{s_path}.values",
                    _is_list_of(setting["values"], str),
                    _("Expected a list of text values."),
                )
    alters = modify.get("alters", [])
    if need("$.profile.modify.alters", _is_list_of(alters, dict), a_list):
        for a_index, alter in enumerate(alters):
            a_path = f"$.profile.modify.alters[{a_index}]"
            need(f"{a_path}.control-id", isinstance(alter.get("control-id"), str), text)
            if alter.get("removes"):
                unsupported(f"{a_path}.removes", "removes")
            adds = alter.get("adds", [])
            if not need(f"{a_path}.adds", _is_list_of(adds, dict), a_list):
                continue
            for d_index, add in enumerate(adds):
                d_path = f"{a_path}.adds[{d_index}]"
                if "by-id" in add:
                    unsupported(f"{d_path}.by-id", "by-id")
                if add.get("position", "ending") not in ("starting", "ending"):
                    unsupported(f"{d_path}.position", add.get("position"))
                for name in ("parts", "props"):
                    need(f"{d_path}.{name}", _is_list_of(add.get(name, []), dict), a_list)
    return problems
