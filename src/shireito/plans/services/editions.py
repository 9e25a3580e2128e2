"""An edition's life: started (empty or as a copy of an earlier one), written, published
(after every measure has its target and deadline), and from then on fixed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.choices import AuditAction
from shireito.core.services import audited_create, audited_delete, record_audit_event
from shireito.plans.choices import EditionStatus
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    Measure,
    MeasureBudget,
    MeasureControl,
    MeasureSystem,
    Milestone,
    PlanArea,
    PlanEdition,
)
from shireito.plans.permissions import (
    may_delete_edition,
    may_publish,
    may_start_edition,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

EDITION_FIELDS = ("year", "title", "title_en", "decided_on", "report_due_days")


def edition_create(
    *, actor: User | None, author: Organization | None = None, **fields: Any
) -> PlanEdition:
    """Start an empty draft edition, authored by the actor's organisation."""
    if not may_start_edition(actor):
        raise PermissionDenied
    author = author or getattr(actor, "organization", None)
    if author is None:
        raise ValidationError(_("Name the organization that writes the edition."))
    edition = PlanEdition(author=author, status=EditionStatus.DRAFT, **fields)
    return audited_create(actor=actor, instance=edition)


def edition_copy(
    *, actor: User | None, source: PlanEdition, author: Organization | None = None, **fields: Any
) -> PlanEdition:
    """Start a draft edition as a copy of ``source``: its areas, measures (with their parties
    and principles), KPIs (continuing the same series, so measurements carry on), interim
    targets, milestones and links. Progress (reports, ratings, flags) stays with ``source``."""
    with transaction.atomic():
        edition = edition_create(actor=actor, author=author, **fields)
        edition.based_on = source
        edition.save(update_fields=["based_on"])
        counts = copy_content(source, edition)
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=edition,
            changes={"based_on": [None, source.pk], "copied": [None, counts]},
        )
    return edition


def copy_content(source: PlanEdition, target: PlanEdition) -> dict[str, int]:
    """Copy every piece of ``source``'s content into the empty ``target`` in a few bulk
    inserts (an edition of 500 measures copies in one request); the counts copied."""
    areas = list(source.areas.order_by("id"))
    area_ids: dict[int, PlanArea] = {}
    # Parents before children: insert level by level.
    pending = areas
    while pending:
        ready = [a for a in pending if a.parent_id is None or a.parent_id in area_ids]
        if not ready:
            raise ValidationError(_("The edition's areas form a loop."))
        copies = [
            PlanArea(
                edition=target,
                parent=area_ids.get(a.parent_id) if a.parent_id else None,
                code=a.code,
                name=a.name,
                name_en=a.name_en,
                position=a.position,
            )
            for a in ready
        ]
        PlanArea.objects.bulk_create(copies)
        for original, copy in zip(ready, copies, strict=True):
            area_ids[original.pk] = copy
        pending = [a for a in pending if a.pk not in area_ids]
    measures = list(source.measures.order_by("id").prefetch_related("co_responsible", "principles"))
    measure_copies = [
        Measure(
            edition=target,
            area=area_ids[m.area_id],
            **{
                name: getattr(m, name)
                for name in (
                    "code",
                    "name",
                    "name_en",
                    "description",
                    "description_en",
                    "lead_id",
                    "target_state",
                    "target_state_en",
                    "deadline",
                    "status",
                    "position",
                )
            },
        )
        for m in measures
    ]
    Measure.objects.bulk_create(measure_copies)
    measure_ids = {m.pk: c for m, c in zip(measures, measure_copies, strict=True)}
    Parties = Measure.co_responsible.through
    Served = Measure.principles.through
    Parties.objects.bulk_create(
        Parties(measure_id=measure_ids[m.pk].pk, organization_id=o.pk)
        for m in measures
        for o in m.co_responsible.all()
    )
    Served.objects.bulk_create(
        Served(measure_id=measure_ids[m.pk].pk, principle_id=p.pk)
        for m in measures
        for p in m.principles.all()
    )
    kpis = list(Kpi.objects.filter(measure__edition=source).order_by("id"))
    kpi_copies = [
        Kpi(
            measure=measure_ids[k.measure_id],
            **{
                name: getattr(k, name)
                for name in (
                    "series_id",
                    "code",
                    "name",
                    "name_en",
                    "unit",
                    "unit_en",
                    "direction",
                    "baseline_value",
                    "baseline_date",
                    "target_value",
                    "target_date",
                    "source",
                    "position",
                )
            },
        )
        for k in kpis
    ]
    Kpi.objects.bulk_create(kpi_copies)
    kpi_ids = {k.pk: c for k, c in zip(kpis, kpi_copies, strict=True)}
    interims = InterimTarget.objects.filter(kpi__measure__edition=source)
    InterimTarget.objects.bulk_create(
        InterimTarget(kpi=kpi_ids[i.kpi_id], due_on=i.due_on, value=i.value) for i in interims
    )
    milestones = Milestone.objects.filter(measure__edition=source)
    Milestone.objects.bulk_create(
        Milestone(
            measure=measure_ids[m.measure_id],
            name=m.name,
            name_en=m.name_en,
            fiscal_year=m.fiscal_year,
            quarter=m.quarter,
            planned_on=m.planned_on,
            done_on=m.done_on,
            position=m.position,
        )
        for m in milestones
    )
    links: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (MeasureSystem, ("system_id",)),
        (MeasureBudget, ("budget_line_id", "share")),
        (MeasureControl, ("catalog_id", "control_id")),
    )
    for model, fields in links:
        model.objects.bulk_create(
            model(measure=measure_ids[link.measure_id], **{f: getattr(link, f) for f in fields})
            for link in model.objects.filter(measure__edition=source)
        )
    return {"areas": len(areas), "measures": len(measures), "kpis": len(kpis)}


def publication_problems(edition: PlanEdition) -> dict[str, list[str]]:
    """What stops an edition from being published, keyed by where (``measures.<code>.field``):
    the law asks every measure for a target and a deadline."""
    problems: dict[str, list[str]] = {}
    measures = edition.measures.only("code", "target_state", "deadline")
    if not measures.exists():
        problems.setdefault("measures", []).append(_("An edition needs at least one measure."))
    for measure in measures:
        if not measure.target_state.strip():
            problems.setdefault(f"measures.{measure.code}.target_state", []).append(
                _("Measure %(code)s has no target state.") % {"code": measure.code}
            )
        if measure.deadline is None:
            problems.setdefault(f"measures.{measure.code}.deadline", []).append(
                _("Measure %(code)s has no deadline.") % {"code": measure.code}
            )
    return problems


def edition_publish(
    *, actor: User | None, edition: PlanEdition, decided_on: dt.date | None = None
) -> PlanEdition:
    """Publish a draft edition, as decided by the Cabinet on ``decided_on``. Refused, with
    every problem at once, while a measure lacks its target or deadline."""
    with transaction.atomic():
        edition = PlanEdition.objects.select_for_update().get(pk=edition.pk)
        if edition.is_published:
            raise ValidationError(_("The edition is already published."))
        if not may_publish(actor, edition):
            raise PermissionDenied
        problems = publication_problems(edition)
        decided = decided_on or edition.decided_on
        if decided is None:
            problems.setdefault("decided_on", []).append(
                _("Give the date the Cabinet decided the edition.")
            )
        if problems:
            raise ValidationError(problems)
        before = {"status": edition.status, "decided_on": edition.decided_on}
        edition.status = EditionStatus.PUBLISHED
        edition.decided_on = decided
        edition.published_at = timezone.now()
        edition.version += 1
        edition.save(
            update_fields=["status", "decided_on", "published_at", "version", "updated_at"]
        )
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=edition,
            changes={
                "status": [before["status"], edition.status],
                "decided_on": [str(before["decided_on"] or "") or None, str(decided)],
                "published_at": [None, edition.published_at.isoformat()],
            },
        )
    return edition


def edition_delete(*, actor: User | None, edition: PlanEdition) -> None:
    """Throw away a draft edition and its content; a published edition stays."""
    with transaction.atomic():
        if edition.is_published:
            raise ValidationError(_("A published edition is kept."))
        if not may_delete_edition(actor, edition):
            raise PermissionDenied
        # A measure protects its area; the measures go first, then the edition takes the rest.
        for measure in edition.measures.all():
            audited_delete(actor=actor, instance=measure)
        audited_delete(actor=actor, instance=edition)
