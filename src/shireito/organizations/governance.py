"""Governance models: the declarative division of roles, shipped as TOML files and validated on
load with errors that name the file and the path inside it (e.g. ``audits[2].auditor``).

A model says who writes which standard and what it derives from, which role builds which system
category, who audits whom under which mandate (directly or entrusted), who oversees the
national systems, who coordinates local governments' move to standard-conformant systems, the
report routes per reporter (with their alternatives) and international liaison. The seed's
open question (論点) is a parameter whose options add audit mandates.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from shireito.organizations.choices import (
    GovernanceRole,
    LocalGovernmentLevel,
    MandateKind,
    OpenQuestionSetting,
    OpenStatistic,
    OrganizationKind,
    SystemCategory,
)

MODELS_DIR = Path(__file__).with_name("governance_models")

_ROLE = "|".join(GovernanceRole.values)
_KIND = "|".join(OrganizationKind.values)
_LEVEL = "|".join(LocalGovernmentLevel.values)
# ``level:prefecture`` / ``level:municipality``: the local governments of that level (a
# prefecture and a municipality report along different routes, for example).
ABSOLUTE = rf"role:(?:{_ROLE})|kind:(?:{_KIND})|level:(?:{_LEVEL})"
RELATIVE = "supervising_ministry|sector_ministry|prefecture"


def _selector(pattern: str, description: str) -> Any:
    """The constraint of a selector string (an alias per kind below, which type checkers read
    as ``str``)."""
    return Field(pattern=rf"^(?:{pattern})$", description=description)


Absolute = Annotated[
    str, _selector(ABSOLUTE, "role:<role>, kind:<kind> or level:<local government level>")
]
RoleSelector = Annotated[str, _selector(rf"role:(?:{_ROLE})", "role:<role>")]
Hop = Annotated[
    str,
    _selector(
        rf"{ABSOLUTE}|{RELATIVE}",
        "role:, kind:, supervising_ministry, sector_ministry or prefecture",
    ),
]
Author = Annotated[
    str, _selector(rf"{ABSOLUTE}|sector_ministry", "role:, kind: or sector_ministry")
]
Builder = Annotated[str, _selector(rf"role:(?:{_ROLE})|owner", "role:<role> or owner")]
# ``municipalities``: the local governments whose prefecture (parent) is the coordinator.
Coordinated = Annotated[
    str, _selector(rf"{ABSOLUTE}|municipalities", "role:, kind: or municipalities")
]
Key = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Standard(_Strict):
    key: Key
    name: str
    name_en: str
    author: Author
    owner: Absolute | None = None
    coordinated_with: list[Absolute] = []
    derived_from: list[Key] = []
    applies_to: list[Absolute] = []


class Build(_Strict):
    category: SystemCategory
    builder: Builder
    note_en: str = ""


class AuditMandate(_Strict):
    key: Key
    kind: MandateKind
    auditor: Absolute
    entrusted_to: RoleSelector | None = None
    auditees: list[Absolute] = []
    builders: list[RoleSelector] = []
    categories: list[SystemCategory] = Field(min_length=1)
    note_en: str = ""

    @model_validator(mode="after")
    def _who(self):
        if not self.auditees and not self.builders:
            raise ValueError("name the auditees (owners) or the builders whose systems it covers")
        if self.kind == MandateKind.ENTRUSTED_SECURITY_AUDIT and not self.entrusted_to:
            raise ValueError("an entrusted audit names who it is entrusted to (entrusted_to)")
        return self


class Oversight(_Strict):
    overseer: RoleSelector
    owners: list[Absolute] = Field(min_length=1)
    categories: list[SystemCategory] = Field(min_length=1)
    recommends_to: list[Absolute] = []


class Coordination(_Strict):
    """A coordination mandate: the coordinator reads, of its subjects' systems in
    ``categories``, the standard business, the migration status and its dates, and the
    owner's profile; never their security details, contacts, budgets, audits or incidents."""

    key: Key
    coordinator: Absolute
    subjects: list[Coordinated] = Field(min_length=1)
    categories: list[SystemCategory] = Field(min_length=1)
    note_en: str = ""

    @field_validator("categories")
    @classmethod
    def _local_only(cls, categories):
        other = [str(c) for c in categories if c != SystemCategory.LOCAL_GOVERNMENT_SYSTEM]
        if other:
            raise ValueError(
                "only local-government systems move to standard-conformant systems; "
                f"coordination cannot cover {other}"
            )
        return categories


class Route(_Strict):
    key: Key
    hops: list[Hop] = Field(min_length=1)


class ReportRoutes(_Strict):
    reporter: Absolute
    default: Key
    routes: list[Route] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_exists(self):
        keys = [route.key for route in self.routes]
        if len(set(keys)) != len(keys):
            raise ValueError("route keys must be unique")
        if self.default not in keys:
            raise ValueError(f"default {self.default!r} is not one of the routes {keys}")
        return self


class Liaison(_Strict):
    party: Absolute
    counterparts: Absolute


class OpenQuestion(_Strict):
    key: Key
    question: str
    question_en: str
    default: OpenQuestionSetting
    options: dict[OpenQuestionSetting, list[AuditMandate]]

    @field_validator("options")
    @classmethod
    def _every_setting(cls, options):
        missing = set(OpenQuestionSetting.values) - {str(k) for k in options}
        if missing:
            raise ValueError(f"give the mandates of every setting; missing: {sorted(missing)}")
        return options


class GovernanceModel(_Strict):
    key: Key
    version: int = Field(ge=1)
    title: str
    title_en: str
    description: str = ""
    description_en: str = ""
    standards: list[Standard] = []
    builds: list[Build] = []
    audits: list[AuditMandate] = []
    oversight: list[Oversight] = []
    coordination: list[Coordination] = []
    report_routes: list[ReportRoutes] = []
    liaisons: list[Liaison] = []
    open_question: OpenQuestion | None = None
    # The control tower's aggregate figures published without sign-in.
    open_statistics: list[OpenStatistic] = []

    @model_validator(mode="after")
    def _references(self):
        standard_keys = [s.key for s in self.standards]
        for index, standard in enumerate(self.standards):
            for parent in standard.derived_from:
                if parent not in standard_keys:
                    raise ValueError(f"standards[{index}].derived_from: no standard {parent!r}")
        if len(set(standard_keys)) != len(standard_keys):
            raise ValueError("standard keys must be unique")
        base_keys = [a.key for a in self.audits]
        option_lists = self.open_question.options.values() if self.open_question else []
        for keys in [base_keys, *([a.key for a in option] for option in option_lists)]:
            if len(set(keys)) != len(keys):
                raise ValueError(f"audit keys must be unique: {sorted(keys)}")
        for option in option_lists:
            clash = {a.key for a in option} & set(base_keys)
            if clash:
                raise ValueError(f"open_question mandates repeat audits: {sorted(clash)}")
        categories = [b.category for b in self.builds]
        if len(set(categories)) != len(categories):
            raise ValueError("each system category has one builds entry")
        coordination_keys = [c.key for c in self.coordination]
        if len(set(coordination_keys)) != len(coordination_keys):
            raise ValueError("coordination keys must be unique")
        reporters = [r.reporter for r in self.report_routes]
        if len(set(reporters)) != len(reporters):
            raise ValueError("each reporter has one report_routes entry")
        return self

    def audits_for(self, setting: str) -> list[AuditMandate]:
        """The audit mandates in force with the open question at ``setting``."""
        extra = (
            self.open_question.options.get(OpenQuestionSetting(setting), [])
            if self.open_question
            else []
        )
        return [*self.audits, *extra]

    def routes_for(self, reporter: str) -> ReportRoutes | None:
        return next((r for r in self.report_routes if r.reporter == reporter), None)


@dataclass(frozen=True)
class ModelProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class GovernanceModelError(ValueError):
    """A model file that cannot be used, with every problem and where it is."""

    def __init__(self, source: str, problems: list[ModelProblem]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(str(p) for p in problems))


def _path(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not re.match(r"^[a-z_]+$", str(part)) or str(part) in {"str", "function-after"}:
            continue  # pydantic's union branch names are noise for the reader
        else:
            text += f".{part}" if text else str(part)
    return text


def _message(error: ErrorDetails) -> str:
    if error["type"] == "string_pattern_mismatch":
        return (
            f"{error['input']!r} is not a selector this field takes "
            "(role:<role>, kind:<kind>, level:<local government level>, or a relative "
            "place such as supervising_ministry)"
        )
    return error["msg"].removeprefix("Value error, ")


def parse_model(text: str, *, source: str = "<model>") -> GovernanceModel:
    """Parse and validate a model; raise GovernanceModelError naming each problem's path."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GovernanceModelError(source, [ModelProblem("", f"not valid TOML: {exc}")]) from exc
    try:
        return GovernanceModel.model_validate(data)
    except ValidationError as exc:
        problems = [
            ModelProblem(_path(tuple(error["loc"])), _message(error)) for error in exc.errors()
        ]
        raise GovernanceModelError(source, problems) from exc


def available_model_keys() -> list[str]:
    return sorted(path.stem for path in MODELS_DIR.glob("*.toml"))


@functools.cache
def load_model(key: str) -> GovernanceModel:
    """The built-in model ``key`` (cached: the files ship with the package)."""
    path = MODELS_DIR / f"{key}.toml"
    if not path.is_file():
        raise GovernanceModelError(key, [ModelProblem("", f"no governance model named {key!r}")])
    model = parse_model(path.read_text(encoding="utf-8"), source=path.name)
    if model.key != key:
        raise GovernanceModelError(
            path.name, [ModelProblem("key", f"must be {key!r}, the file's name")]
        )
    return model


Selector = Literal["role", "kind", "level"]


def split_selector(selector: str) -> tuple[str, str]:
    """``role:ipa`` → (``role``, ``ipa``); relative selectors come back as (``relative``, name)."""
    if ":" in selector:
        prefix, value = selector.split(":", 1)
        return prefix, value
    return "relative", selector
