"""The shape of an OSCAL profile, checked before anything is looked up, so that a file of the
wrong shape is answered with JSON paths rather than failing half-way. Constructs we do not
resolve are named as problems instead of being dropped silently."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from shireito.core.problems import Problem

STRING = str


def _is_list_of(value: object, kind: type) -> bool:
    return isinstance(value, list) and all(isinstance(v, kind) for v in value)


def check_profile_shape(profile: dict) -> list[Problem]:
    """Every problem with the profile's shape, part by part."""
    shape = _Shape()
    try:
        uuid.UUID(str(profile.get("uuid", "")))
    except ValueError:
        shape.problems.append(Problem("$.profile.uuid", _("Expected a UUID.")))
    shape.metadata(profile.get("metadata", {}))
    shape.back_matter(profile.get("back-matter", {}))
    shape.imports(profile.get("imports", []))
    merge = profile.get("merge")
    if isinstance(merge, dict) and set(merge) - {"as-is"}:
        shape.unsupported("$.profile.merge", _("A structure other than as-is"))
    modify = profile.get("modify", {})
    if shape.need("$.profile.modify", isinstance(modify, dict), shape.an_object):
        shape.set_parameters(modify.get("set-parameters", []))
        shape.alters(modify.get("alters", []))
    return shape.problems


class _Shape:
    """The problems found so far, and a check for each part of a profile."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.text = _("Expected text.")
        self.a_list = _("Expected a list of objects.")
        self.an_object = _("Expected an object.")

    def need(self, path: str, ok: bool, message: str) -> bool:
        if not ok:
            self.problems.append(Problem(path, message))
        return ok

    def unsupported(self, path: str, what: str) -> None:
        self.problems.append(Problem(path, _("%s is not supported here yet.") % what))

    def metadata(self, metadata: object) -> None:
        if not self.need("$.profile.metadata", isinstance(metadata, dict), self.an_object):
            return
        assert isinstance(metadata, dict)
        for name, limit in (("title", 300), ("version", 100)):
            value = metadata.get(name, "")
            if self.need(f"$.profile.metadata.{name}", isinstance(value, str), self.text):
                self.need(
                    f"$.profile.metadata.{name}",
                    len(value) <= limit,
                    _("At most %d characters.") % limit,
                )

    def back_matter(self, back_matter: object) -> None:
        if not self.need("$.profile.back-matter", isinstance(back_matter, dict), self.an_object):
            return
        assert isinstance(back_matter, dict)
        resources = back_matter.get("resources", [])
        if self.need("$.profile.back-matter.resources", _is_list_of(resources, dict), self.a_list):
            for r_index, resource in enumerate(resources):
                self.need(
                    f"$.profile.back-matter.resources[{r_index}].rlinks",
                    _is_list_of(resource.get("rlinks", []), dict),
                    self.a_list,
                )

    def imports(self, imports: object) -> None:
        if not self.need("$.profile.imports", _is_list_of(imports, dict), self.a_list):
            return
        assert isinstance(imports, list)
        for index, entry in enumerate(imports):
            path = f"$.profile.imports[{index}]"
            self.need(f"{path}.href", isinstance(entry.get("href", ""), str), self.text)
            if "include-all" in entry:
                self.need(
                    f"{path}.include-all", isinstance(entry["include-all"], dict), self.an_object
                )
            for rule_name in ("include-controls", "exclude-controls"):
                rules = entry.get(rule_name, [])
                if self.need(f"{path}.{rule_name}", _is_list_of(rules, dict), self.a_list):
                    for r_index, rule in enumerate(rules):
                        self.rule(f"{path}.{rule_name}[{r_index}]", rule, rule_name)

    def rule(self, path: str, rule: dict, rule_name: str) -> None:
        self.need(
            f"{path}.with-ids",
            _is_list_of(rule.get("with-ids", []), str),
            _("Expected a list of control ids."),
        )
        if "matching" in rule:
            self.unsupported(f"{path}.matching", "matching")
        children = rule.get("with-child-controls")
        if children is not None and (
            rule_name == "exclude-controls" or children not in ("yes", "no")
        ):
            self.unsupported(f"{path}.with-child-controls", "with-child-controls")

    def set_parameters(self, settings: object) -> None:
        path = "$.profile.modify.set-parameters"
        if not self.need(path, _is_list_of(settings, dict), self.a_list):
            return
        assert isinstance(settings, list)
        for s_index, setting in enumerate(settings):
            s_path = f"{path}[{s_index}]"
            self.need(f"{s_path}.param-id", isinstance(setting.get("param-id"), str), self.text)
            if "values" in setting:
                self.need(
                    f"{s_path}.values",
                    _is_list_of(setting["values"], str),
                    _("Expected a list of text values."),
                )

    def alters(self, alters: object) -> None:
        if not self.need("$.profile.modify.alters", _is_list_of(alters, dict), self.a_list):
            return
        assert isinstance(alters, list)
        for a_index, alter in enumerate(alters):
            a_path = f"$.profile.modify.alters[{a_index}]"
            self.need(f"{a_path}.control-id", isinstance(alter.get("control-id"), str), self.text)
            if alter.get("removes"):
                self.unsupported(f"{a_path}.removes", "removes")
            adds = alter.get("adds", [])
            if not self.need(f"{a_path}.adds", _is_list_of(adds, dict), self.a_list):
                continue
            for d_index, add in enumerate(adds):
                d_path = f"{a_path}.adds[{d_index}]"
                if "by-id" in add:
                    self.unsupported(f"{d_path}.by-id", "by-id")
                if add.get("position", "ending") not in ("starting", "ending"):
                    self.unsupported(f"{d_path}.position", add.get("position"))
                for name in ("parts", "props"):
                    self.need(f"{d_path}.{name}", _is_list_of(add.get(name, []), dict), self.a_list)
