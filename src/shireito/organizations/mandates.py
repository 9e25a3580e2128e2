"""The mandate engine: answers, from the active governance model and who holds which role on
a given day, who may audit what, who builds what, who coordinates whose migration, where an
organisation reports, and so which organisations' data a user may see. Every answer carries
the rule that decided it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_noop

from shireito.core.scoping import ALL
from shireito.organizations.choices import (
    CATEGORY_OWNER_KINDS,
    LocalGovernmentLevel,
    MandateKind,
    OrganizationKind,
    ScopeClass,
    SystemCategory,
)
from shireito.organizations.governance import (
    AuditMandate,
    GovernanceModel,
    load_model,
    split_selector,
)
from shireito.organizations.models import GovernanceSettings, Organization, RoleHolding
from shireito.organizations.rules import model_name, reason


def _label(choices: type[TextChoices], value: str) -> str:
    """A choice's label, or the value itself when the choices do not hold it."""
    return str(choices(value).label) if value in choices.values else str(value)


# A ministry sees the systems of the agencies it supervises (IPA is one, under METI).
SUPERVISED_AGENCY_KINDS = (OrganizationKind.INDEPENDENT_AGENCY, OrganizationKind.IPA)


@dataclass(frozen=True)
class SystemRef:
    """What the engine needs to know of an information system (the portfolio's systems
    provide the same three attributes)."""

    owner: Organization
    category: str
    builder: Organization | None = None


@dataclass(frozen=True)
class AuditDecision:
    allowed: bool
    rule: str
    mandate: str | None = None
    kind: str | None = None
    capacity: str = ""  # "auditor", "entrusting" (holds it, IPA carries it out) or "entrusted"


@dataclass(frozen=True)
class Decision:
    """A yes or no with the rule that decided it."""

    allowed: bool
    rule: str


@dataclass(frozen=True)
class BuildDecision:
    builders: list[Organization]
    rule: str
    selector: str | None = None


# A hop as shown to a user (``selectors.routes_shown_to``): the organisation only if they may
# see it, and whether one is hidden.
ShownHop = tuple[str, Organization | None, bool]


@dataclass
class RouteAnswer:
    key: str
    # (place, organisation or None) from the engine; a ``ShownHop`` once shown to a user.
    hops: list[tuple[Any, ...]]
    default: bool
    complete: bool = field(init=False)

    def __post_init__(self) -> None:
        self.complete = all(hop[1] is not None for hop in self.hops)


@dataclass
class ReportRouteAnswer:
    reporter: Organization
    routes: list[RouteAnswer]
    rule: str


class MandateEngine:
    """The active model (or any model) evaluated on one day. Cheap to build; caches its
    database reads for its own lifetime (one request)."""

    def __init__(
        self,
        model: GovernanceModel,
        *,
        open_question: str | None = None,
        route_choices: dict | None = None,
        on: dt.date | None = None,
    ):
        self.model = model
        default_setting = model.open_question.default if model.open_question else "none"
        self.open_question = str(open_question or default_setting)
        self.route_choices = route_choices or {}
        self.on = on or timezone.localdate()

    # --- selectors ------------------------------------------------------------------

    @cached_property
    def _holders(self) -> dict[str, list[Organization]]:
        holders: dict[str, list[Organization]] = {}
        holdings = RoleHolding.objects.select_related("organization").filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=self.on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.on),
        )
        for holding in holdings:
            holders.setdefault(holding.role, []).append(holding.organization)
        return holders

    def holders(self, role: str) -> list[Organization]:
        return self._holders.get(role, [])

    def matches(self, org: Organization | None, selector: str) -> bool:
        """Whether ``org`` is what an absolute selector (role:, kind: or level:) names."""
        if org is None:
            return False
        prefix, value = split_selector(selector)
        if prefix == "role":
            return any(holder.pk == org.pk for holder in self.holders(value))
        if prefix == "kind":
            return org.kind == value
        if prefix == "level":
            return (
                org.kind == OrganizationKind.LOCAL_GOVERNMENT
                and org.local_government_level == value
            )
        return False

    def _existing(self):
        return Organization.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=self.on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.on),
        )

    def resolve_ids(self, selector: str) -> set[int]:
        prefix, value = split_selector(selector)
        if prefix == "role":
            return {org.pk for org in self.holders(value)}
        if prefix == "kind":
            return self._kind_ids(value)
        if prefix == "level":
            return set(
                self._existing()
                .filter(kind=OrganizationKind.LOCAL_GOVERNMENT, local_government_level=value)
                .values_list("pk", flat=True)
            )
        return set()

    def _kind_ids(self, kind: str) -> set[int]:
        cache = self.__dict__.setdefault("_kind_cache", {})
        if kind not in cache:
            cache[kind] = set(self._existing().filter(kind=kind).values_list("pk", flat=True))
        return cache[kind]

    def resolve_hop(self, selector: str, context: Organization) -> Organization | None:
        """A hop of a report route, for the reporter ``context``."""
        prefix, value = split_selector(selector)
        if prefix == "role":
            holders = self.holders(value)
            return holders[0] if holders else None
        if value == "supervising_ministry":
            parent = context.parent
            return parent if parent and parent.kind == OrganizationKind.MINISTRY else None
        if value == "sector_ministry":
            return context.sector.supervising_ministry if context.sector else None
        if value == "prefecture":
            parent = context.parent
            return (
                parent
                if parent
                and parent.kind == OrganizationKind.LOCAL_GOVERNMENT
                and parent.local_government_level == LocalGovernmentLevel.PREFECTURE
                else None
            )
        return None

    # --- questions --------------------------------------------------------------------

    @property
    def audit_mandates(self) -> list[AuditMandate]:
        return self.model.audits_for(self.open_question)

    @property
    def _name(self) -> str:
        return f"{self.model.key} v{self.model.version}"

    def _title(self) -> str:
        """The model as a reason names it, in the reader's language (called when shown)."""
        return model_name(self.model)

    def _rule(self, section: str, key: str) -> str:
        return f"{self._name} › {section} › {key}"

    def builder_for(self, category: str, owner: Organization) -> BuildDecision:
        """Who builds a system of ``category`` owned by ``owner``."""
        entry = next((b for b in self.model.builds if b.category == category), None)
        if entry is None:
            return BuildDecision(
                [],
                reason(
                    gettext_noop("%(model)s: this model has no system category “%(category)s”."),
                    model=self._title,
                    category=lambda: _label(SystemCategory, category),
                ),
            )
        rule = self._rule("builds", category)
        owner_kinds = CATEGORY_OWNER_KINDS.get(category, ())
        if owner.kind not in owner_kinds:
            return BuildDecision(
                [],
                reason(
                    gettext_noop(
                        "%(model)s: a system of the category “%(category)s” belongs to "
                        "%(owners)s, not to %(kind)s."
                    ),
                    model=self._title,
                    category=lambda: _label(SystemCategory, category),
                    owners=lambda: " / ".join(_label(OrganizationKind, k) for k in owner_kinds),
                    kind=lambda: _label(OrganizationKind, owner.kind),
                ),
            )
        if entry.builder == "owner":
            return BuildDecision([owner], rule, "owner")
        return BuildDecision(self.holders(split_selector(entry.builder)[1]), rule, entry.builder)

    def check_builder(
        self, category: str, owner: Organization, builder: Organization
    ) -> tuple[bool, BuildDecision]:
        """Whether ``builder`` may build a ``category`` system owned by ``owner``, with the
        rule that says so (the portfolio refuses other builders naming it)."""
        decision = self.builder_for(category, owner)
        return any(b.pk == builder.pk for b in decision.builders), decision

    def audit_decisions(self, auditor: Organization, system: SystemRef) -> list[AuditDecision]:
        """Every mandate under which ``auditor`` may audit ``system`` (a system can be covered
        by several: the Digital Agency's service assurance and its non-security audit)."""
        builder = system.builder
        if builder is None:
            builders = self.builder_for(system.category, system.owner).builders
            builder = builders[0] if builders else None
        decisions = []
        for mandate in self.audit_mandates:
            if system.category not in mandate.categories:
                continue
            covered = any(self.matches(system.owner, s) for s in mandate.auditees) or any(
                self.matches(builder, s) for s in mandate.builders
            )
            if not covered:
                continue
            rule = self._rule("audits", mandate.key)
            if self.matches(auditor, mandate.auditor):
                capacity = "entrusting" if mandate.entrusted_to else "auditor"
                decisions.append(AuditDecision(True, rule, mandate.key, mandate.kind, capacity))
            elif mandate.entrusted_to and self.matches(auditor, mandate.entrusted_to):
                decisions.append(
                    AuditDecision(
                        True, rule, mandate.key, MandateKind.ENTRUSTED_SECURITY_AUDIT, "entrusted"
                    )
                )
        return decisions

    def may_audit(
        self, auditor: Organization, system: SystemRef, kind: str | None = None
    ) -> AuditDecision:
        """Whether ``auditor`` may audit ``system`` (with an audit of ``kind``, if given), and
        under which mandate; the first that applies."""
        for decision in self.audit_decisions(auditor, system):
            if kind is None or decision.kind == kind:
                return decision
        return AuditDecision(
            False,
            reason(
                gettext_noop(
                    "%(model)s: no audit mandate covers this system for this organization."
                ),
                model=self._title,
            ),
        )

    def _coordinates(self, coordinator: Organization, subject: Organization, selector: str) -> bool:
        if selector == "municipalities":
            return (
                subject.kind == OrganizationKind.LOCAL_GOVERNMENT
                and subject.parent_id == coordinator.pk
            )
        return self.matches(subject, selector)

    def may_coordinate(self, coordinator: Organization, subject: Organization) -> Decision:
        """Whether ``coordinator`` may read ``subject``'s migration to standard-conformant
        systems (its systems' business, status and dates, and its profile), and under which
        coordination mandate; the first that applies."""
        for entry in self.model.coordination:
            if not self.matches(coordinator, entry.coordinator):
                continue
            if any(self._coordinates(coordinator, subject, s) for s in entry.subjects):
                return Decision(True, self._rule("coordination", entry.key))
        return Decision(
            False,
            reason(
                gettext_noop(
                    "%(model)s: no coordination mandate covers this organization for this body."
                ),
                model=self._title,
            ),
        )

    def _coordination_ids(self, org: Organization) -> set[int]:
        ids: set[int] = set()
        for entry in self.model.coordination:
            if not self.matches(org, entry.coordinator):
                continue
            for selector in entry.subjects:
                if selector == "municipalities":
                    ids |= set(
                        self._existing()
                        .filter(parent=org, kind=OrganizationKind.LOCAL_GOVERNMENT)
                        .values_list("pk", flat=True)
                    )
                else:
                    ids |= self.resolve_ids(selector)
        return ids

    def reporter_entry(self, reporter: Organization):
        return next(
            (entry for entry in self.model.report_routes if self.matches(reporter, entry.reporter)),
            None,
        )

    def report_routes(self, reporter: Organization) -> ReportRouteAnswer:
        entry = self.reporter_entry(reporter)
        if entry is None:
            return ReportRouteAnswer(
                reporter,
                [],
                reason(
                    gettext_noop("%(model)s: no report route for this organization."),
                    model=self._title,
                ),
            )
        chosen = self.route_choices.get(entry.reporter)
        default = chosen if chosen in {r.key for r in entry.routes} else entry.default
        routes = [
            RouteAnswer(
                route.key,
                [(hop, self.resolve_hop(hop, reporter)) for hop in route.hops],
                route.key == default,
            )
            for route in entry.routes
        ]
        routes.sort(key=lambda r: not r.default)
        return ReportRouteAnswer(reporter, routes, self._rule("report_routes", entry.reporter))

    # --- what users may see -------------------------------------------------------------

    def visible_org_ids(self, org: Organization, scope_class: str):
        """Organisations (besides ``org``) whose data of ``scope_class`` ``org`` may see."""
        if scope_class == ScopeClass.DIRECTORY:
            if org.kind != OrganizationKind.OVERSEAS_COUNTERPART:
                return ALL
            ids: set[int] = set()
            for liaison in self.model.liaisons:
                if self.matches(org, liaison.counterparts):
                    ids |= self.resolve_ids(liaison.party)
            return ids
        if scope_class == ScopeClass.PORTFOLIO:
            return self._portfolio_ids(org)
        if scope_class == ScopeClass.OVERSIGHT:
            # Budgets, ratings, recommendations: the owner's and the overseer's, nobody else's.
            ids = set()
            for oversight in self.model.oversight:
                if self.matches(org, oversight.overseer):
                    for selector in oversight.owners:
                        ids |= self.resolve_ids(selector)
            return ids
        if scope_class == ScopeClass.COORDINATION:
            # Read only through a selector that shows the migration fields alone.
            return self._coordination_ids(org)
        return set()

    def _portfolio_ids(self, org: Organization) -> set[int]:
        ids: set[int] = set()
        if org.kind == OrganizationKind.MINISTRY:
            ids |= set(
                self._existing()
                .filter(parent=org, kind__in=SUPERVISED_AGENCY_KINDS)
                .values_list("pk", flat=True)
            )
        for mandate in self.audit_mandates:
            acts = self.matches(org, mandate.auditor) or (
                mandate.entrusted_to is not None and self.matches(org, mandate.entrusted_to)
            )
            if acts:
                for selector in [*mandate.auditees, *mandate.builders]:
                    ids |= self.resolve_ids(selector)
        for oversight in self.model.oversight:
            if self.matches(org, oversight.overseer):
                for selector in oversight.owners:
                    ids |= self.resolve_ids(selector)
        return ids


def governance_settings() -> GovernanceSettings:
    return GovernanceSettings.objects.filter(id=1).first() or GovernanceSettings()


def active_engine(*, on: dt.date | None = None) -> MandateEngine:
    """The engine of the deployment's active model and settings."""
    settings = governance_settings()
    return MandateEngine(
        load_model(settings.active_model),
        open_question=settings.open_question,
        route_choices=settings.route_choices,
        on=on,
    )


def engine_for(
    key: str, *, open_question: str | None = None, on: dt.date | None = None
) -> MandateEngine:
    return MandateEngine(load_model(key), open_question=open_question, on=on)
