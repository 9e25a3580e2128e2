"""Platform admins adjust the reporting regimes: a stage's deadline, whether a regime is in
force, and the organisations it names one by one. Each change is in the audit trail.

Regimes fixed on a report when it was submitted stay on it; a changed deadline moves the
deadlines of every report the stage is open on (``incidents.deadlines``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shireito.core.services import audited_update, record_audit_event
from shireito.incidents import deadlines
from shireito.incidents.models import RegimeStage, ReportingRegime
from shireito.incidents.permissions import may_change_regimes

if TYPE_CHECKING:
    from shireito.accounts.models import User

# The longest deadline a stage may have (NIS2's final report is a month after another stage).
MAX_OFFSET = dt.timedelta(days=366)


def _require_platform_admin(actor: User | None) -> None:
    if not may_change_regimes(actor):
        raise PermissionDenied(_("Only platform admins change the reporting regimes."))


def regime_stage_update(*, actor: User, stage: RegimeStage, offset: dt.timedelta) -> RegimeStage:
    """Set how long after its clock starts a stage is due."""
    _require_platform_admin(actor)
    if not isinstance(offset, dt.timedelta):
        raise ValidationError({"offset": _("Give the deadline in hours.")})
    if offset < dt.timedelta(hours=1) or offset > MAX_OFFSET:
        raise ValidationError(
            {"offset": _("Give a deadline from 1 hour to %(days)d days.") % {"days": 366}}
        )
    with transaction.atomic():
        before = RegimeStage.objects.select_for_update().get(pk=stage.pk).offset
        stage, _changes = audited_update(actor=actor, instance=stage, offset=offset)
        deadlines.shift(stage, offset - before)
    return stage


def regime_update(
    *, actor, regime: ReportingRegime, active: bool | None = None, organizations=None
) -> ReportingRegime:
    """Turn a regime on or off, and set the organisations it names one by one (an operator
    with business in the EU opts into NIS2, say)."""
    _require_platform_admin(actor)
    if active is not None and not isinstance(active, bool):
        raise ValidationError({"active": _("Give true or false.")})
    with transaction.atomic():
        if active is not None:
            regime, _changes = audited_update(actor=actor, instance=regime, active=active)
        if organizations is not None:
            chosen = {org.pk: org for org in organizations}
            before = sorted(regime.organizations.values_list("code", flat=True))
            after = sorted(org.code for org in chosen.values())
            if before != after:
                regime.organizations.set(chosen.values())
                record_audit_event(
                    actor=actor,
                    action="update",
                    instance=regime,
                    changes={"organizations": [before, after]},
                )
    return regime
