"""The annual audit plan: who is due an audit in a fiscal year under the cycle rules, who is
covered, the gaps; platform admins set the rules below it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from shireito.audits import permissions, selectors, services
from shireito.audits.forms import AuditPlanFilter, CycleRulesForm
from shireito.core.htmx import render_page
from shireito.core.pages import bound_form, submit

if TYPE_CHECKING:
    from shireito.accounts.models import User


@login_required
def audit_plan(request):
    user = request.user
    year = AuditPlanFilter(request.GET).values()["year"]
    # The form shows the year the page is about, also when none (or a wrong one) was asked.
    filters = AuditPlanFilter({**request.GET.dict(), "year": year})
    rules_form = None
    if permissions.may_set_cycle_rules(user):
        rules = selectors.cycle_rules(user)
        rules_form = bound_form(CycleRulesForm, request, rules=rules)
        done, changed = submit(rules_form, lambda data: _save_rules(user, rules, rules_form))
        if done:
            messages.success(
                request,
                _("The audit cycle is saved (%(count)d kinds changed).") % {"count": changed},
            )
            return redirect(f"{reverse('audits:plan')}?year={year}")
    elif request.method == "POST":
        raise PermissionDenied
    entries = selectors.audit_plan(user=user, fiscal_year=year)
    return render_page(
        request,
        "audits/audit_plan.html",
        {
            "filter_form": filters,
            "year": year,
            "years": range(year - 2, year + 3),
            "entries": entries,
            "due": sum(1 for e in entries if e.due),
            "covered": sum(1 for e in entries if e.due and e.covered),
            "gaps": sum(1 for e in entries if e.gap),
            "rules_form": rules_form,
        },
        partial="results",
    )


def _save_rules(user: User, rules: dict[str, int], form: CycleRulesForm) -> int:
    """Each kind whose interval changed, set through the service; how many changed."""
    changed = 0
    for kind, interval in form.intervals().items():
        if rules.get(kind) != interval:
            services.cycle_rule_set(actor=user, organization_kind=kind, interval_years=interval)
            changed += 1
    return changed
