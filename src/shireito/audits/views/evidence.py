"""Evidence: the audit's list with the upload form, one piece with its revisions, and the
download of a revision. The auditors revise and delete any evidence; the audited
organisation only what its own members uploaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.audits import downloads, permissions, selectors
from shireito.audits import evidence as evidence_service
from shireito.audits.forms_work import DeleteForm, EvidenceForm, RevisionForm
from shireito.audits.models import Evidence, EvidenceRevision
from shireito.audits.views.common import audit_or_404
from shireito.core.htmx import paginate
from shireito.core.pages import bound_form, get_or_404, id_or_404, submit
from shireito.core.pagination import parse_id

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from shireito.accounts.models import User
    from shireito.audits.models import Audit


EVIDENCE_PER_PAGE = 50


def _latest(item: Evidence) -> EvidenceRevision | None:
    revisions = list(item.revisions.all())
    return max(revisions, key=lambda r: r.number) if revisions else None


def evidence_rows(items, today: dt.date) -> list[tuple]:
    """(evidence, its latest revision, whether that has expired) for each item."""
    rows = []
    for item in items:
        latest = _latest(item)
        rows.append((item, latest, bool(latest and latest.is_expired(today))))
    return rows


def _result_resolver(user: User, audit: Audit, codes: list[str]) -> Callable[..., Any]:
    def resolve(*, result_id=None, system="", control=""):
        if result_id:
            result_id = parse_id(result_id)
            if not result_id:
                return None
            return selectors.result_find(user=user, audit=audit, result_id=result_id)
        if not system and len(codes) == 1:
            system = codes[0]
        return selectors.result_find(user=user, audit=audit, system=system, control=control)

    return resolve


def evidence_form(request, audit, *, bound: bool, initial=None) -> EvidenceForm:
    scope = selectors.scope_of(audit)
    codes = [item.system.code for item in scope]
    kwargs: dict[str, Any] = {
        "systems": [(i.system.code, f"{i.system.code} {i.system.name}") for i in scope],
        "findings": selectors.finding_choices(user=request.user, audit=audit),
        "resolve_result": _result_resolver(request.user, audit, codes),
        "initial": {"system": codes[0] if codes else "", **(initial or {})},
    }
    if bound:
        return bound_form(EvidenceForm, request, files=True, **kwargs)
    return EvidenceForm(**kwargs)


def _add(request, audit, form: EvidenceForm):
    """Attach the posted file; the redirect on success, else None (the form says why)."""
    user = request.user
    finding = None

    def add(data: dict):
        nonlocal finding
        if data["finding"] is not None:
            finding = selectors.finding_get(
                user=user, audit=audit, number=id_or_404(data["finding"])
            )
        return evidence_service.evidence_add(
            actor=user,
            audit=audit,
            upload=data["file"],
            title=data["title"],
            result=data.get("result_object"),
            finding=finding,
            effective_date=data["effective_date"],
            expiry_date=data["expiry_date"],
        )

    done, item = submit(form, add)
    if not done:
        return None
    messages.success(request, _("Evidence “%(title)s” is added.") % {"title": item.title})
    if finding is not None and request.POST.get("back") == "finding":
        return redirect("audits:finding", number=audit.number, finding=finding.number)
    return redirect("audits:evidence", number=audit.number)


def _filtered(
    user: User, audit: Audit, items: QuerySet[Evidence], result_filter: str, finding_filter: str
) -> tuple[QuerySet[Evidence], Any, Any]:
    """The evidence of one result or one finding (and which), or all of it. An id that cannot
    be one (too large for the database) names nothing, like an unknown one."""
    result = finding = None
    if result_filter:
        result_id = parse_id(result_filter)
        if result_id is None:
            return items.none(), None, None
        result = selectors.result_find(user=user, audit=audit, result_id=result_id)
        return items.filter(result_id=result_id), result, None
    if finding_filter:
        number = parse_id(finding_filter)
        if number is None:
            return items.none(), None, None
        finding = selectors.finding_get(user=user, audit=audit, number=number)
        return items.filter(finding__number=number), None, finding
    return items, None, None


@login_required
def evidence_list(request, number: str):
    """Evidence of the audit, filtered by a result or a finding, with the upload form."""
    user = request.user
    audit = audit_or_404(user, number)
    today = timezone.localdate()
    may_attach = permissions.may_add_evidence(user, audit)
    form = None
    if request.method == "POST":
        if not permissions.may_attach(user, audit):
            raise PermissionDenied
        form = evidence_form(request, audit, bound=True)
        done = _add(request, audit, form)
        if done is not None:
            return done
    result_filter = request.GET.get("result", "")
    finding_filter = request.GET.get("finding", "")
    items, filtered_result, filtered_finding = _filtered(
        user,
        audit,
        selectors.evidence_of(user=user, audit=audit).prefetch_related("revisions__uploaded_by"),
        result_filter,
        finding_filter,
    )
    if form is None and may_attach:
        initial = {}
        if filtered_result is not None:
            initial = {
                "system": filtered_result.system.code,
                "control": filtered_result.control.label,
            }
        elif filtered_finding is not None:
            initial = {"finding": filtered_finding.number}
        form = evidence_form(request, audit, bound=False, initial=initial)
    page = paginate(request, items, per_page=EVIDENCE_PER_PAGE)
    return render(
        request,
        "audits/evidence_list.html",
        {
            "audit": audit,
            "page": page,
            "rows": evidence_rows(page.object_list, today),
            # A refused upload is shown with its reason, even when the audit has just closed.
            "form": form if may_attach or (form is not None and form.is_bound) else None,
            "filtered_result": filtered_result,
            "filtered_finding": filtered_finding,
            "filtering": bool(result_filter or finding_filter),
            "may_import": may_attach,
            "today": today,
        },
    )


@login_required
def evidence_detail(request, number: str, evidence: int):
    """One piece of evidence: its revisions, a new revision, deletion."""
    user = request.user
    audit = audit_or_404(user, number)
    item = get_or_404(
        selectors.evidence_item_get(user=user, audit=audit, evidence_id=id_or_404(evidence))
    )
    may_change = permissions.may_change(user, item)
    do = request.POST.get("do", "") if request.method == "POST" else ""
    if do and not may_change:
        raise PermissionDenied
    revision_form = RevisionForm(
        request.POST if do == "revise" else None,
        request.FILES if do == "revise" else None,
        prefix="revision",
    )
    delete_form = DeleteForm(request.POST if do == "delete" else None, prefix="delete")
    done, revision = submit(
        revision_form,
        lambda data: evidence_service.evidence_revise(
            actor=user,
            evidence=item,
            upload=data["file"],
            effective_date=data["effective_date"],
            expiry_date=data["expiry_date"],
        ),
    )
    if done:
        messages.success(request, _("Revision %(number)d is added.") % {"number": revision.number})
        return redirect("audits:evidence_item", number=audit.number, evidence=item.pk)
    done, _r = submit(
        delete_form, lambda data: evidence_service.evidence_delete(actor=user, evidence=item)
    )
    if done:
        messages.success(request, _("Evidence “%(title)s” is deleted.") % {"title": item.title})
        return redirect("audits:evidence", number=audit.number)
    today = timezone.localdate()
    offer = permissions.may_revise_evidence(user, item)
    return render(
        request,
        "audits/evidence_detail.html",
        {
            "audit": audit,
            "evidence": item,
            "revisions": [
                (r, r.is_expired(today)) for r in selectors.revisions_of(user=user, evidence=item)
            ],
            # A refused form is shown with its reason, even when the audit has just closed.
            "revision_form": revision_form if offer or revision_form.is_bound else None,
            "delete_form": delete_form if offer or delete_form.is_bound else None,
        },
    )


@login_required
def evidence_download(request, number: str, evidence: int, revision: int):
    audit = audit_or_404(request.user, number)
    return downloads.evidence_download(request.user, audit, evidence_id=evidence, number=revision)
