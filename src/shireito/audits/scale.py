"""Audits at national scale, for ``shireito demo scale``: for a share of the scale systems
(``SHARE``), last fiscal year's audit (closed, every control assessed, with the auditee's
self-assessment beside each result) and this year's cycle started from it (planned, in
fieldwork or reporting, with last year's result beside each control), both against a synthetic
baseline of 1,040 controls in 20 areas. With the default 40,000 systems that is 4,000 systems
and 8.3 million control results.

Written with bulk loads (``bulk.load_results``: PostgreSQL's COPY, else executemany in large
batches, with the results' secondary indexes and constraints set aside and built again at the
end), not through ``services.audit_create``: one audit-trail event and a mandate check per
audit would take far too long at this size. The compliance tallies are counted from each batch
while it is in memory (``tallies.insert_tallies_of``): regrouping 8 million rows in the
database afterwards (``rebuild_compliance_tallies``) took three minutes more on SQLite.
``shireito audit tallies --check`` compares them with a fresh count. Audits are made only where the
mandate engine allows: each kind of system is checked once with ``services.check_mandate`` (see
``_plans``). Systems no audit mandate covers (local governments' and operators' under the
current model) get their owner's own check (自己点検), which needs none.

Audits are numbered ``SCALE-A<year>-NNNNNN`` (``SCALE-S…`` for self-assessments) so they
never take a number the services would hand out, and are removed with the rest of the scale
data. Runs inside the caller's transaction: interrupted, it leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from shireito.audits.bulk import load_results, results_indexes_set_aside
from shireito.audits.choices import (
    STAGE_OWNED_BY_AUDITEE,
    AuditKind,
    AuditStatus,
    ResultStatus,
    StageKind,
)
from shireito.audits.models import (
    AreaTally,
    Audit,
    AuditStage,
    ComplianceTally,
    ControlResult,
    Evidence,
    ScopeItem,
)
from shireito.audits.services import check_mandate, default_stage_dues
from shireito.audits.tallies import areas_of, insert_tallies_of
from shireito.core.textfiles import csv_text
from shireito.organizations.choices import GovernanceRole
from shireito.organizations.mandates import active_engine
from shireito.organizations.models import Organization
from shireito.registry.models import InformationSystem
from shireito.registry.selectors import current_fiscal_year
from shireito.standards.importers import import_catalog
from shireito.standards.models import Catalog

NUMBER_PREFIX = "SCALE-"
SYSTEM_PREFIX = "scale-"
CATALOG_KEY = "scale-baseline-1040"
# The share of scale systems audited: 4,000 of the default 40,000, 2,080 results each.
SHARE = 0.1
# Audits are written in batches of about this many control results (memory stays flat).
BATCH_RESULTS = 200_000

# The synthetic baseline: 20 areas, each of four sections of 13 requirements: 1,040 controls
# to assess. Our own words, in the Common Standards' shape.
AREAS = [
    "体制と責任",
    "規程と見直し",
    "情報の格付け",
    "情報の保存と廃棄",
    "利用者の認証",
    "権限の管理",
    "端末の管理",
    "サーバの管理",
    "ネットワークの管理",
    "更新と脆弱性",
    "記録と監視",
    "事案への対処",
    "業務の継続",
    "物理的な対策",
    "調達の要件",
    "委託先の管理",
    "クラウドの利用",
    "教育と訓練",
    "開発と変更",
    "外部との連携",
]
SECTIONS = ["方針", "手順", "実施", "点検"]
REQUIREMENTS_PER_SECTION = 13


@dataclass
class AuditScaleResult:
    audits: int = 0
    control_results: int = 0
    systems: int = 0
    self_assessments: int = 0


def baseline_csv() -> bytes:
    rows: list[list[str]] = []
    for a, area in enumerate(AREAS, start=1):
        rows.append([str(a), "", "part", f"{area}（合成）", "", ""])
        for s, section in enumerate(SECTIONS, start=1):
            section_id = f"{a}.{s}"
            rows.append([section_id, str(a), "section", f"{area}の{section}", "", ""])
            for r in range(1, REQUIREMENTS_PER_SECTION + 1):
                requirement = f"{section_id}({r})"
                statement = (
                    f"「{area}」の{section}について、定めたとおりに行い、その記録を残すこと"
                    f"（合成データの要件 {requirement}）。"
                )
                rows.append([requirement, section_id, "requirement", "", statement, ""])
    return csv_text(["id", "parent", "kind", "title", "statement", "guidance"], rows).encode()


def scale_baseline(owner: Organization | None):
    """The baseline every scale audit is held to; imported once and kept."""
    catalog = Catalog.objects.filter(key=CATALOG_KEY).first()
    if catalog is None:
        catalog = import_catalog(
            baseline_csv(),
            fmt="csv",
            actor=None,
            key=CATALOG_KEY,
            title="大規模データ用ベースライン（合成）",
            edition="試験用",
            owner=owner,
            source_name="scale",
        ).catalog
    return catalog


def clear_scale_audits() -> int:
    """Remove the scale audits before their systems go. An audit someone planned of a scale
    system is not generated data: it is never removed silently, the run stops naming it.
    Control results go by a plain DELETE: the ORM would load millions of rows first."""
    planned = list(
        Audit.objects.filter(scope_items__system__code__startswith=SYSTEM_PREFIX)
        .exclude(number__startswith=NUMBER_PREFIX)
        .values_list("number", flat=True)
        .distinct()[:20]
    )
    if planned:
        raise ValueError(
            "Audits planned by people cover scale systems; delete them first or keep the "
            "scale data: " + ", ".join(planned)
        )
    scale = Audit.objects.filter(number__startswith=NUMBER_PREFIX)
    count = scale.count()
    if not count:
        return 0
    with transaction.atomic():
        Evidence.objects.filter(audit__in=scale).delete()
        quote = connection.ops.quote_name
        audits_sql, params = scale.values("pk").query.sql_with_params()
        # Millions of results go: without their secondary indexes, rebuilt at the end over
        # the few rows left, the delete is one pass over the table.
        with results_indexes_set_aside():
            for model in (ControlResult, ComplianceTally, AreaTally):
                table = quote(model._meta.db_table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"DELETE FROM {table} WHERE audit_id IN ({audits_sql})",  # noqa: S608
                        params,
                    )
        ids = list(scale.values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            Audit.objects.filter(pk__in=ids[start : start + 500]).delete()
    return count


# --- which audit each system gets ------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    kind: str
    auditor_id: int | None  # None: the owner checks itself
    entrusting_id: int | None = None
    mandate_key: str = ""
    rule: str = ""


def _plans(
    systems: list[tuple], organizations: dict[int, Organization], engine, centre
) -> dict[int, Plan]:
    """The plan for every system (by pk), asking the mandate engine once per kind of system.

    The engine decides on a system by its category and by its owner and builder only through
    selectors: ``kind:`` (the organisation's kind) and ``role:`` (whether it holds a role on
    the day). Two systems alike in (category, owner kind, owner if it holds a role, builder
    kind, builder if it holds a role) get the same answer, so one check per such signature
    is the check of every system that has it."""
    holder_ids = {org.pk for role in GovernanceRole.values for org in engine.holders(role)}

    def signature(owner_id, category, builder_id):
        owner, builder = organizations[owner_id], organizations.get(builder_id)
        return (
            category,
            owner.kind,
            owner.pk if owner.pk in holder_ids else None,
            builder.kind if builder else None,
            builder.pk if builder and builder.pk in holder_ids else None,
        )

    decided: dict[tuple, Plan] = {}
    plans: dict[int, Plan] = {}
    for pk, _code, owner_id, category, builder_id in systems:
        key = signature(owner_id, category, builder_id)
        if key not in decided:
            decided[key] = _decide(check_mandate, engine, centre, pk)
        plans[pk] = decided[key]
    return plans


def _decide(check_mandate, engine, centre, system_pk) -> Plan:
    if centre is not None:
        system = InformationSystem.objects.select_related("owner", "builder").get(pk=system_pk)
        for kind in (AuditKind.SECURITY_AUDIT, AuditKind.ENTRUSTED_SECURITY_AUDIT):
            try:
                found = check_mandate(kind=kind, auditor=centre, systems=[system], engine=engine)
            except ValidationError:
                continue
            return Plan(
                kind,
                found.auditor.pk,
                found.entrusting.pk if found.entrusting else None,
                found.mandate_key,
                found.rule,
            )
    return Plan(AuditKind.SELF_ASSESSMENT, None)


# --- writing -------------------------------------------------------------------------------

# Weights of (claimed, status) in last year's closed audits: mostly met; the auditors mark
# some claims down.
RESULTS = [ResultStatus.SATISFIED] * 14 + [
    ResultStatus.PARTIALLY,
    ResultStatus.PARTIALLY,
    ResultStatus.PARTIALLY,
    ResultStatus.NOT_SATISFIED,
    ResultStatus.NOT_SATISFIED,
    ResultStatus.NOT_APPLICABLE,
]
DOWNGRADE = {
    ResultStatus.SATISFIED: ResultStatus.PARTIALLY,
    ResultStatus.PARTIALLY: ResultStatus.NOT_SATISFIED,
}
STRICTNESS = [0.05] * 6 + [0.15] * 3 + [0.5]
CURRENT_STATUSES = (
    [AuditStatus.PLANNED] * 3 + [AuditStatus.FIELDWORK] * 5 + [AuditStatus.REPORTING] * 2
)


def generate_audits(
    *,
    seed: int = 1,
    share: float | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> AuditScaleResult:
    """Write the scale audits for the scale systems already there (after clearing earlier
    ones), then count their tallies. All in one transaction (the caller's, if it has one)."""
    share = SHARE if share is None else share
    rng = random.Random(f"audits-{seed}")  # noqa: S311 - reproducible test data, not secrets
    today = timezone.localdate()
    year = current_fiscal_year(today)

    with transaction.atomic():
        clear_scale_audits()
        systems = list(
            InformationSystem.objects.filter(code__startswith=SYSTEM_PREFIX)
            .order_by("code")
            .values_list("pk", "code", "owner_id", "category", "builder_id")
        )
        # Exactly the share (at least one system), spread evenly over the list.
        wanted = sorted(rng.sample(range(len(systems)), max(1, round(len(systems) * share))))
        chosen = [systems[i] for i in wanted] if systems else []
        involved = {s[2] for s in chosen} | {s[4] for s in chosen if s[4]}
        organizations = Organization.objects.in_bulk(involved)
        engine = active_engine()
        centres = engine.holders(GovernanceRole.NATIONAL_CYBER_CENTRE)
        centre = centres[0] if centres else None
        plans = _plans(chosen, organizations, engine, centre)
        catalog = scale_baseline(centre)
        controls = list(
            catalog.nodes.filter(is_group=False).order_by("position").values_list("pk", "position")
        )
        groups: dict[tuple[int, Plan], list[int]] = {}
        for pk, _code, owner_id, _category, _builder in chosen:
            groups.setdefault((owner_id, plans[pk]), []).append(pk)
        total = 2 * len(chosen) * len(controls)
        writer = _Writer(rng, year, today, catalog, controls, organizations)
        done = 0
        with results_indexes_set_aside():
            batch: list[tuple[int, Plan, list[int]]] = []
            size = 0
            for (owner_id, plan), members in groups.items():
                batch.append((owner_id, plan, members))
                size += 2 * len(members) * len(controls)
                if size >= BATCH_RESULTS:
                    done += writer.write(batch)
                    batch, size = [], 0
                    if progress and done < total:
                        progress("control results", done, total)
            done += writer.write(batch)
            if progress:
                progress("control results", done, total)
                progress("indexes of the results", 0, 1)
        if progress:
            progress("indexes of the results", 1, 1)
    return AuditScaleResult(
        audits=writer.audits,
        control_results=done,
        systems=len(chosen),
        self_assessments=writer.self_assessments,
    )


class _Writer:
    def __init__(self, rng, year, today, catalog, controls, organizations):
        self.rng = rng
        self.year = year
        self.today = today
        self.catalog = catalog
        self.controls = controls
        self.organizations = organizations
        self.audits = 0
        self.self_assessments = 0
        self.numbers = {"A": 0, "S": 0}
        self.at = connection.ops.adapt_datetimefield_value(timezone.now())
        self.area_of = areas_of(catalog.pk)

    def _number(self, plan: Plan, fiscal_year: int) -> str:
        letter = "S" if plan.kind == AuditKind.SELF_ASSESSMENT else "A"
        self.numbers[letter] += 1
        return f"{NUMBER_PREFIX}{letter}{fiscal_year}-{self.numbers[letter]:06d}"

    def _audit(self, owner_id, plan, fiscal_year, status, previous=None) -> Audit:
        owner = self.organizations[owner_id]
        self_assessment = plan.kind == AuditKind.SELF_ASSESSMENT
        label = "自己点検" if self_assessment else AuditKind(plan.kind).label
        start = dt.date(fiscal_year, 6, 1)
        end = dt.date(fiscal_year + 1, 2, 28)
        closed = status == AuditStatus.CLOSED
        return Audit(
            number=self._number(plan, fiscal_year),
            title=f"{fiscal_year}年度 {label}：{owner.name}（合成）",
            kind=plan.kind,
            mandate_key=plan.mandate_key,
            mandate_rule=plan.rule,
            auditor_id=owner_id if self_assessment else plan.auditor_id,
            entrusting_id=plan.entrusting_id,
            auditee_id=owner_id,
            baseline=self.catalog,
            fiscal_year=fiscal_year,
            period_start=start,
            period_end=end,
            status=status,
            previous=previous,
            conclusion="合成データ：おおむね基準を満たしている。" if closed else "",
            closed_on=min(end + dt.timedelta(days=30), self.today) if closed else None,
        )

    def write(self, batch: list[tuple[int, Plan, list[int]]]) -> int:
        if not batch:
            return 0
        rng = self.rng
        closed = [self._audit(o, p, self.year - 1, AuditStatus.CLOSED) for o, p, _m in batch]
        # SQLite and PostgreSQL hand the new ids back, so this year's audits can point at them.
        Audit.objects.bulk_create(closed, batch_size=500)
        current = [
            self._audit(o, p, self.year, rng.choice(CURRENT_STATUSES), previous=last)
            for (o, p, _m), last in zip(batch, closed, strict=True)
        ]
        Audit.objects.bulk_create(current, batch_size=500)
        scope: list[ScopeItem] = []
        stages: list[AuditStage] = []
        results: list[tuple] = []  # rows for insert_results
        for (_owner, _plan, members), last, now in zip(batch, closed, current, strict=True):
            for audit in (last, now):
                scope.extend(
                    ScopeItem(audit_id=audit.pk, system_id=s, baseline=self.catalog)
                    for s in members
                )
                stages.extend(self._stages(audit))
            # How far the auditors mark this auditee's claims down: a few claim much more
            # than the audit finds (the tower flags them).
            strictness = rng.choice(STRICTNESS)
            for system in members:
                for control, position in self.controls:
                    claimed = rng.choice(RESULTS)
                    status = claimed
                    if claimed in DOWNGRADE and rng.random() < strictness:
                        status = DOWNGRADE[claimed]
                    results.append(
                        (last.pk, system, control, position, claimed, "", status, "", "", self.at)
                    )
                    results.append(self._current_result(now, system, control, position, status))
        ScopeItem.objects.bulk_create(scope, batch_size=2000)
        AuditStage.objects.bulk_create(stages, batch_size=2000)
        load_results(results)
        heads = {
            a.pk: (a.auditee_id, a.auditor_id, a.entrusting_id, a.fiscal_year, a.kind)
            for a in (*closed, *current)
        }
        insert_tallies_of(results, area_of=self.area_of, heads=heads)
        self.audits += len(closed) + len(current)
        self.self_assessments += 2 * sum(
            1 for _o, p, _m in batch if p.kind == AuditKind.SELF_ASSESSMENT
        )
        return len(results)

    def _current_result(self, audit, system, control, position, last) -> tuple:
        """This year's result: nothing yet when planned; in fieldwork most claims and some
        results; in reporting every claim and nearly every result."""
        rng = self.rng
        claimed = status = ResultStatus.NOT_ASSESSED
        if audit.status != AuditStatus.PLANNED:
            reporting = audit.status == AuditStatus.REPORTING
            if reporting or rng.random() < 0.8:
                claimed = rng.choice(RESULTS)
            if rng.random() < (0.95 if reporting else 0.4):
                status = claimed if claimed != ResultStatus.NOT_ASSESSED else rng.choice(RESULTS)
                if status in DOWNGRADE and rng.random() < 0.12:
                    status = DOWNGRADE[status]
        touched = claimed != ResultStatus.NOT_ASSESSED or status != ResultStatus.NOT_ASSESSED
        at = self.at if touched else None
        return (audit.pk, system, control, position, claimed, "", status, "", last, at)

    def _stages(self, audit: Audit) -> list[AuditStage]:
        dues = default_stage_dues(audit.period_start, audit.period_end)
        stages_done: dict[str, int] = {
            AuditStatus.PLANNED: 0,
            AuditStatus.FIELDWORK: 1,
            AuditStatus.REPORTING: 3,
            AuditStatus.CLOSED: 5,
        }
        done = stages_done[audit.status]
        return [
            AuditStage(
                audit_id=audit.pk,
                stage=stage,
                position=position,
                owner_id=audit.auditee_id if stage in STAGE_OWNED_BY_AUDITEE else audit.auditor_id,
                due_date=dues[stage],
                completed_on=min(dues[stage], self.today) if position < done else None,
            )
            for position, stage in enumerate(StageKind.values)
        ]
