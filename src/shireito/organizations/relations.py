"""A governance model as a list of relations (who writes, builds, audits, oversees,
coordinates, reports to whom): one source for the diagram, its accessible table, the
comparison of two models and ``shireito governance show``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from shireito.organizations.choices import (
    GovernanceRole,
    LocalGovernmentLevel,
    MandateKind,
    OpenQuestionSetting,
    OrganizationKind,
    SystemCategory,
)
from shireito.organizations.governance import GovernanceModel, split_selector

RELATION_LABELS = {
    "writes": gettext_lazy("writes"),
    "owns": gettext_lazy("owns formally"),
    "coordinates": gettext_lazy("is written in coordination with"),
    "derived_from": gettext_lazy("is derived from"),
    "applies_to": gettext_lazy("applies to"),
    "builds": gettext_lazy("designs and builds"),
    "audits": gettext_lazy("audits"),
    "entrusts": gettext_lazy("entrusts the audit to"),
    "oversees": gettext_lazy("oversees"),
    "recommends_to": gettext_lazy("may issue recommendations to"),
    "coordinates_migration": gettext_lazy("coordinates the move to standard-conformant systems of"),
    "reports_to": gettext_lazy("reports incidents to"),
    "liaises": gettext_lazy("liaises with"),
}
RELATIVE_LABELS = {
    "supervising_ministry": gettext_lazy("its supervising ministry"),
    "sector_ministry": gettext_lazy("the sector's supervising ministry"),
    "prefecture": gettext_lazy("its prefecture"),
    "municipalities": gettext_lazy("its municipalities"),
    "owner": gettext_lazy("each owner itself"),
}
KIND_PLURALS = {
    OrganizationKind.MINISTRY: pgettext_lazy("kind, plural", "ministries"),
    OrganizationKind.INDEPENDENT_AGENCY: pgettext_lazy(
        "kind, plural", "independent administrative agencies"
    ),
    OrganizationKind.LOCAL_GOVERNMENT: pgettext_lazy("kind, plural", "local governments"),
    OrganizationKind.CI_OPERATOR: pgettext_lazy(
        "kind, plural", "critical-infrastructure operators"
    ),
    OrganizationKind.OVERSEAS_COUNTERPART: pgettext_lazy("kind, plural", "overseas counterparts"),
    OrganizationKind.QUASI_PUBLIC: pgettext_lazy("kind, plural", "quasi-public bodies"),
    OrganizationKind.OTHER: pgettext_lazy("kind, plural", "other bodies"),
}
LEVEL_PLURALS = {
    LocalGovernmentLevel.PREFECTURE: pgettext_lazy("level, plural", "prefectures"),
    LocalGovernmentLevel.MUNICIPALITY: pgettext_lazy("level, plural", "municipalities"),
}


@dataclass(frozen=True)
class Relation:
    relation: str
    subject: str  # a selector, "standard:<key>" or "category:<category>"
    object: str
    detail: str = ""  # mandate kind, route key …

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.relation, self.subject, self.object, self.detail)


def token_label(token: str, model: GovernanceModel | None = None) -> str:
    """A person's name for a selector, standard or category, in the active language."""
    prefix, value = split_selector(token)
    if prefix == "role":
        return str(GovernanceRole(value).label)
    if prefix == "kind":
        kind = OrganizationKind(value)
        return str(KIND_PLURALS.get(kind, kind.label))
    if prefix == "level":
        return str(LEVEL_PLURALS[LocalGovernmentLevel(value)])
    if prefix == "category":
        return str(SystemCategory(value).label)
    if prefix == "standard":
        standard = next((s for s in (model.standards if model else []) if s.key == value), None)
        if standard is None:
            return value
        return standard.name_en if get_language() == "en" else standard.name
    return str(RELATIVE_LABELS.get(value, value))


def detail_label(relation: Relation) -> str:
    """The detail column in words: the audit's kind and the system categories it covers (and
    the open-question setting that gives it), or which route and step of it."""
    parts = relation.detail.split("|") if relation.detail else []
    if relation.relation in {"audits", "entrusts"} and parts:
        text = str(MandateKind(parts[0]).label)
        if len(parts) > 1 and parts[1]:
            text += ": " + ", ".join(str(SystemCategory(c).label) for c in parts[1].split(","))
        if len(parts) > 2:
            setting = OpenQuestionSetting(parts[2].removeprefix("option:"))
            text += " " + _("(open question set to “%(setting)s”)") % {"setting": setting.label}
        return text
    if relation.relation == "reports_to" and parts and parts[0] == "route":
        _kind, key, role, step = parts
        if role == "default":
            return _("default route, step %(step)s") % {"step": step}
        return _("alternative route (%(route)s), step %(step)s") % {"route": key, "step": step}
    return relation.detail


def _audit_relations(mandates, tag: str = "") -> list[Relation]:
    relations = []
    for mandate in mandates:
        detail = f"{mandate.kind}|{','.join(mandate.categories)}" + (
            f"|option:{tag}" if tag else ""
        )
        doer = mandate.entrusted_to or mandate.auditor
        if mandate.entrusted_to:
            relations.append(Relation("entrusts", mandate.auditor, mandate.entrusted_to, detail))
        targets = [
            *mandate.auditees,
            *(f"category:{c}" for c in mandate.categories if mandate.builders),
        ]
        relations += [Relation("audits", doer, target, detail) for target in targets]
    return relations


def model_relations(
    model: GovernanceModel, open_question: str | None = None, *, every_option: bool = False
) -> list[Relation]:
    """Every relation the model states, with the open question at ``open_question``; with
    ``every_option``, the mandates of every open-question setting too, each tagged with its
    setting (what a comparison of two models must show)."""
    setting = open_question or (model.open_question.default if model.open_question else "none")
    relations: list[Relation] = []
    for standard in model.standards:
        node = f"standard:{standard.key}"
        relations.append(Relation("writes", standard.author, node))
        if standard.owner:
            relations.append(Relation("owns", standard.owner, node))
        relations += [Relation("coordinates", node, other) for other in standard.coordinated_with]
        relations += [
            Relation("derived_from", node, f"standard:{p}") for p in standard.derived_from
        ]
        relations += [Relation("applies_to", node, target) for target in standard.applies_to]
    for build in model.builds:
        builder = (
            OWNER_KIND.get(build.category, "owner") if build.builder == "owner" else build.builder
        )
        relations.append(Relation("builds", builder, f"category:{build.category}"))
    if every_option and model.open_question:
        relations += _audit_relations(model.audits)
        for option, mandates in model.open_question.options.items():
            relations += _audit_relations(mandates, str(option))
    else:
        relations += _audit_relations(model.audits_for(setting))
    for oversight in model.oversight:
        relations += [Relation("oversees", oversight.overseer, owner) for owner in oversight.owners]
        relations += [
            Relation("recommends_to", oversight.overseer, t) for t in oversight.recommends_to
        ]
    for coordination in model.coordination:
        relations += [
            Relation("coordinates_migration", coordination.coordinator, subject)
            for subject in coordination.subjects
        ]
    for entry in model.report_routes:
        for route in entry.routes:
            previous = entry.reporter
            role = "default" if route.key == entry.default else "alternative"
            for position, hop in enumerate(route.hops, start=1):
                detail = f"route|{route.key}|{role}|{position}"
                relations.append(Relation("reports_to", previous, hop, detail))
                previous = hop
    for liaison in model.liaisons:
        relations.append(Relation("liaises", liaison.party, liaison.counterparts))
    return list(dict.fromkeys(relations))


OWNER_KIND = {
    SystemCategory.MINISTRY_SYSTEM: "kind:ministry",
    SystemCategory.INDEPENDENT_AGENCY_SYSTEM: "kind:independent_agency",
    SystemCategory.LOCAL_GOVERNMENT_SYSTEM: "kind:local_government",
    SystemCategory.CI_SYSTEM: "kind:ci_operator",
    SystemCategory.QUASI_PUBLIC_SYSTEM: "kind:quasi_public",
}


@dataclass(frozen=True)
class Comparison:
    only_a: list[Relation]
    only_b: list[Relation]
    common: list[Relation]


def compare(a: list[Relation], b: list[Relation]) -> Comparison:
    a_keys, b_keys = {r.key for r in a}, {r.key for r in b}
    return Comparison(
        only_a=[r for r in a if r.key not in b_keys],
        only_b=[r for r in b if r.key not in a_keys],
        common=[r for r in a if r.key in b_keys],
    )


def relation_rows(model: GovernanceModel, relations: list[Relation]) -> list[dict]:
    """Relations as table rows in the active language."""
    return [
        {
            "subject": token_label(r.subject, model),
            "relation": str(RELATION_LABELS[r.relation]),
            "object": token_label(r.object, model),
            "detail": detail_label(r),
            "key": r.key,
        }
        for r in relations
    ]
