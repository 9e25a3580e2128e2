"""Who may do what with the priority plan: one rule per question, asked by the services,
the pages, the API and the templates alike.

The Digital Agency (the body holding its role in the governance model in force) writes the
editions and reviews what is reported; a measure's lead organisation reports on it; the lead
and the co-responsible organisations enter their KPIs' measurements; every signed-in user
reads what is published, the public too (without signing in, through the public pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shireito.core.permissions import rule
from shireito.core.scoping import is_platform_admin
from shireito.organizations.choices import GovernanceRole
from shireito.organizations.mandates import active_engine
from shireito.organizations.permissions import may_use_national_areas
from shireito.plans.choices import MeasurementStatus, ReportStatus

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization
    from shireito.plans.models import Measure, Measurement, PlanEdition, ProgressReport

ROLE = f"role:{GovernanceRole.DIGITAL_AGENCY}"


def _is_editor(user: User) -> bool:
    return user.has_role("editor") or user.has_role("org_admin")


def is_digital_agency(organization: Organization | None, engine=None) -> bool:
    """Whether an organisation holds the Digital Agency's role today."""
    if organization is None:
        return False
    return (engine or active_engine()).matches(organization, ROLE)


def _user_is_digital_agency(user) -> bool:
    key = "_shireito_plans_da"
    if key not in user.__dict__:
        user.__dict__[key] = is_digital_agency(getattr(user, "organization", None))
    return user.__dict__[key]


@rule
def may_read_plan(actor: User) -> bool:
    """Every signed-in user of a domestic body reads the published plan (and the drafts the
    selectors let them see); the plan is in their main menu."""
    return may_use_national_areas(actor)


@rule
def may_author_plan(actor: User) -> bool:
    """Editors and organisation admins of the Digital Agency write editions."""
    return _is_editor(actor) and _user_is_digital_agency(actor)


@rule
def may_review(actor: User) -> bool:
    """Editors and organisation admins of the Digital Agency review reports and
    measurements."""
    return _is_editor(actor) and _user_is_digital_agency(actor)


def may_edit_edition(actor: User | None, edition: PlanEdition) -> bool:
    """A draft edition's content, by its author's editors; a published one by nobody."""
    if edition.is_published:
        return False
    if not may_author_plan(actor):
        return False
    return actor is None or is_platform_admin(actor) or actor.organization_id == edition.author_id


def may_publish(actor: User | None, edition: PlanEdition) -> bool:
    return may_edit_edition(actor, edition)


def may_delete_edition(actor: User | None, edition: PlanEdition) -> bool:
    """A draft may be thrown away; a published edition is the record."""
    return may_edit_edition(actor, edition)


def may_start_edition(actor: User | None) -> bool:
    """Start a new edition (empty, or as a copy of an earlier one)."""
    return may_author_plan(actor)


def reads_internal(actor, measure: Measure) -> bool:
    """Draft ratings, review comments and values not yet accepted: the Digital Agency and the
    measure's responsible organisations only."""
    if actor is None:
        return True
    if not (actor.is_authenticated and actor.is_active):
        return False
    if is_platform_admin(actor) or _user_is_digital_agency(actor):
        return True
    return _is_responsible(actor, measure)


def _is_responsible(actor, measure: Measure) -> bool:
    organization_id = getattr(actor, "organization_id", None)
    if organization_id is None:
        return False
    if organization_id == measure.lead_id:
        return True
    return organization_id in _co_responsible_ids(measure)


def _co_responsible_ids(measure: Measure) -> set[int]:
    cached = getattr(measure, "_prefetched_objects_cache", {}).get("co_responsible")
    if cached is not None:
        return {organization.pk for organization in cached}
    return set(measure.co_responsible.values_list("pk", flat=True))


@rule
def _leads(actor: User, measure: Measure) -> bool:
    return _is_editor(actor) and actor.organization_id == measure.lead_id


@rule
def _responsible_editor(actor: User, measure: Measure) -> bool:
    return _is_editor(actor) and _is_responsible(actor, measure)


def may_report(actor: User | None, measure: Measure) -> bool:
    """The lead organisation's editors file the quarterly report on a measure of a published
    edition."""
    return measure.edition.is_published and _leads(actor, measure)


def may_change_report(actor: User | None, report: ProgressReport) -> bool:
    """A report is the lead's to change until it is submitted (or returned to draft)."""
    return report.status == ReportStatus.DRAFT and may_report(actor, report.measure)


def may_review_report(actor: User | None, report: ProgressReport) -> bool:
    """A submitted report, or a reviewed one whose rating the Digital Agency revises."""
    return report.status in (ReportStatus.SUBMITTED, ReportStatus.REVIEWED) and may_review(actor)


def may_enter_measurement(actor: User | None, measure: Measure) -> bool:
    """The lead's and co-responsible organisations' editors enter KPI values for a measure
    of a published edition."""
    return measure.edition.is_published and _responsible_editor(actor, measure)


def may_review_measurement(actor: User | None, measurement: Measurement) -> bool:
    return measurement.status == MeasurementStatus.ENTERED and may_review(actor)


def may_change_milestone_dates(actor: User | None, measure: Measure) -> bool:
    """Milestones' actual dates are progress: the lead records them on a published edition."""
    return may_report(actor, measure)


def may_see_flags(actor: User | None) -> bool:
    """The Digital Agency's list of every flagged measure."""
    return may_review(actor)


def may_read_tracking(actor, measure: Measure) -> bool:
    """A measure's progress in full (reports in every state, values not yet accepted, its
    flags): the Digital Agency and the responsible organisations (``reads_internal``). Every
    other reader sees the reviewed ratings and the accepted values only."""
    return reads_internal(actor, measure)


def may_return_report(actor: User | None, report: ProgressReport) -> bool:
    """A submitted report goes back to the lead's draft with the Digital Agency's reason (a
    reviewed one is revised by a new review instead)."""
    return report.status == ReportStatus.SUBMITTED and may_review(actor)


def may_see_own_measures(actor: User | None) -> bool:
    """'My measures': a signed-in user of an organisation."""
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and getattr(actor, "organization_id", None)
    )


def may_import_edition(actor: User | None, edition: PlanEdition) -> bool:
    """Replace a draft's whole content from a file: its author's editors, as for any change."""
    return may_edit_edition(actor, edition)


def may_import_new_edition(actor: User | None) -> bool:
    """Load a new draft edition from a file: whoever may start an edition."""
    return may_start_edition(actor)


def may_export_edition(actor: User | None, edition: PlanEdition) -> bool:
    """Whoever may read an edition downloads it (the file holds what they may see)."""
    return actor is None or bool(actor.is_authenticated and actor.is_active)
