"""Filing a regime's stage on a report, and the reporting regimes' pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.core.pages import bound_form, form_page, get_or_404, id_or_404
from shireito.incidents import (
    permissions,
    selectors,
    services,
)
from shireito.incidents.choices import (
    ClockAnchor,
    StageCondition,
)
from shireito.incidents.forms import (
    RegimeForm,
)
from shireito.incidents.views.common import (
    _back,
    _english,
    _field_label,
    _named_errors,
    _offset_text,
    _report,
)
from shireito.organizations.choices import OrganizationKind
from shireito.organizations.selectors import organization_list, sector_list

if TYPE_CHECKING:
    from shireito.accounts.models import User


@login_required
@require_POST
def stage_file(request, number: str, stage: int):
    report = _report(request, number)
    found = get_or_404(selectors.stage_of(report, id_or_404(stage)))
    try:
        services.stage_file(actor=request.user, report=report, stage=found)
    except ValidationError as error:
        for text in _named_errors(error):
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("“%(stage)s” is filed.") % {"stage": found.label_en if _english() else found.label},
        )
    return _back(report)


def _regime_rows(regimes) -> list[dict]:
    rows = []
    for regime in regimes:
        rows.append(
            {
                "regime": regime,
                "name": regime.name_en if _english() else regime.name,
                "authority": regime.in_language("authority", _english()),
                "description": regime.in_language("description", _english()),
                "stages": [
                    {
                        "stage": stage,
                        "label": stage.label_en if _english() else stage.label,
                        "note": (stage.note_en or stage.note) if _english() else stage.note,
                        "anchor": ClockAnchor(stage.anchor).label,
                        "offset": _offset_text(stage.offset),
                        "condition": StageCondition(stage.condition).label,
                        "required": [_field_label(name) for name in stage.required_fields],
                    }
                    for stage in regime.stages.all()
                ],
                "organizations": list(regime.organizations.all()),
            }
        )
    return rows


@login_required
def regime_list(request):
    sectors = {sector.code: str(sector) for sector in sector_list(user=request.user)}
    rows = _regime_rows(selectors.regimes())
    for row in rows:
        regime = row["regime"]
        row["kinds"] = [
            OrganizationKind(kind).label if kind in OrganizationKind.values else kind
            for kind in regime.reporter_kinds or []
        ]
        row["sectors"] = [sectors.get(code, code) for code in regime.sectors or []]
    return render(
        request,
        "incidents/regime_list.html",
        {"rows": rows, "may_change": permissions.may_change_regimes(request.user)},
    )


@login_required
def regime_edit(request, key: str):
    if not permissions.may_change_regimes(request.user):
        raise PermissionDenied
    regime = get_or_404(selectors.regime_get(key))
    form = bound_form(RegimeForm, request, regime=regime)
    name = regime.name_en if _english() else regime.name
    return form_page(
        request,
        form,
        action=lambda data: _regime_save(request.user, regime, form),
        success=_("The reporting regime is saved."),
        redirect_to=f"{reverse('incidents:regimes')}#regime-{regime.key}",
        title=name,
        template="incidents/regime_form.html",
        context={
            "regime": regime,
            "name": name,
            "stage_fields": [(stage, form[form.stage_field(stage)]) for stage in form.stages],
        },
    )


def _regime_save(actor: User, regime, form: RegimeForm) -> None:
    """One transaction: the regime's flag and organisations, and every changed deadline."""
    codes = form.codes()
    found = {org.code: org for org in organization_list(user=actor).filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(
            {"organizations": _("No such organization: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    with transaction.atomic():
        services.regime_update(
            actor=actor,
            regime=regime,
            active=form.cleaned_data["active"],
            organizations=[found[code] for code in codes],
        )
        for stage, offset in form.offsets().items():
            if stage.offset != offset:
                try:
                    services.regime_stage_update(actor=actor, stage=stage, offset=offset)
                except ValidationError as error:
                    # On the stage's own field; raising rolls every change back.
                    raise ValidationError({form.stage_field(stage): error.messages}) from error
