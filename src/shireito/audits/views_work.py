"""The pages of the work inside an audit: the bulk results sheet and its import, findings and
their follow-up, corrective actions with milestones and verification, and evidence.

Every page looks the audit up through the scoped selectors (a user who is no party gets 404)
and hands each write to one service call; the services decide who may do what, the pages only
offer what the user may do and show the services' refusals as errors.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shireito.audits import evidence as evidence_service
from shireito.audits import permissions, selectors, services
from shireito.audits.choices import ActionStatus, AuditStatus, ResultStatus
from shireito.audits.forms_work import (
    ActionForm,
    DeleteForm,
    EvidenceForm,
    FindingForm,
    FollowUpForm,
    MilestoneForm,
    ProgressForm,
    ResultsImportForm,
    RevisionForm,
    VerifyForm,
)
from shireito.audits.models import ControlResult, Evidence, EvidenceRevision
from shireito.core.htmx import paginate
from shireito.core.pagination import parse_id
from shireito.core.problems import Problem
from shireito.core.scoping import visible_to
from shireito.registry.models import InformationSystem
from shireito.standards.importers import MAX_BYTES as IMPORT_MAX_BYTES
from shireito.standards.importers import CatalogImportError

RESULTS_PER_PAGE = 200
EVIDENCE_PER_PAGE = 50
ROW_FIELD = re.compile(r"^r-([0-9]+)-(claimed|claim_note|status|note)$")
WAS = "-was"
PROBLEM_PATH = re.compile(r"^\$\[(\d+)\]\.(\w+)$")
IMPORT_COLUMNS = ("system", "control", "status", "note", "claimed", "claim_note")

logger = logging.getLogger(__name__)


# --- lookups ---------------------------------------------------------------------------------


def _id_or_404(value) -> int:
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


def _audit(request, number: str):
    audit = selectors.audit_get(user=request.user, number=number)
    if audit is None:
        raise Http404
    return audit


def _finding(request, audit, number: int):
    finding = selectors.finding_get(user=request.user, audit=audit, number=_id_or_404(number))
    if finding is None:
        raise Http404
    return finding


def _service_errors(form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """A service's refusal on the form: beside the field it names when the form has it
    (``milestones[2]`` goes to ``milestones``), otherwise above the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages_ in error.message_dict.items():
        target = (aliases or {}).get(name, name).split("[", 1)[0]
        for message in messages_:
            form.add_error(target if target in form.fields else None, message)


def _evidence_counts(user, audit, result_ids) -> dict[int, int]:
    """Evidence per control result, in one grouped query."""
    rows = (
        visible_to(user, Evidence.objects.filter(audit=audit, result_id__in=list(result_ids)))
        .values("result_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["result_id"]: row["n"] for row in rows}


def _scope_systems(audit):
    return InformationSystem.objects.filter(pk__in=audit.scope_items.values("system_id")).order_by(
        "code"
    )


def _control_resolver(user, audit):
    """Resolve control ids (as published, or OSCAL ids) against the audit's baselines; ids
    typed on one line with spaces ("1.1 1.2") count when every part is a control."""

    def resolve(ids: list[str]) -> tuple[list, list[str]]:
        nodes, unknown = selectors.baseline_controls(user=user, audit=audit, ids=ids)
        spaced = [i for i in unknown if len(i.split()) > 1]
        if spaced:
            parts = [p for i in spaced for p in i.split()]
            more, _missing = selectors.baseline_controls(user=user, audit=audit, ids=parts)
            more_known = {n.label for n in more} | {n.oscal_id for n in more}
            for item in spaced:
                if all(p in more_known for p in item.split()):
                    unknown.remove(item)
                    nodes += [n for n in more if {n.label, n.oscal_id} & set(item.split())]
        return list({n.pk: n for n in nodes}.values()), unknown

    return resolve


# --- control results -------------------------------------------------------------------------


RESULT_FIELDS = ("claimed", "claim_note", "status", "note")


@dataclass
class ResultRow:
    result: ControlResult
    claimed: str
    claim_note: str
    status: str
    note: str
    evidence: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)
    # Each field's value as the page was loaded (for its hidden ``-was`` input), JSON-encoded.
    was: dict[str, str] = field(default_factory=dict)


def _lines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _as_loaded(value: str) -> str:
    """A value for a hidden ``-was`` input: JSON, so it comes back exactly as stored (a form
    submission would turn its line breaks into CRLF)."""
    return json.dumps(value, ensure_ascii=False)


def _loaded(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _entries_from_post(post) -> list[dict]:
    """The rows of the sheet as service entries. Only what the user changed is sent: a field
    whose posted value is the one it was loaded with (its hidden ``-was`` twin) is left out,
    and a changed one carries that value in ``expected``, so that saving an old copy of the
    page never overwrites what someone else saved meanwhile (the service refuses the field).
    A field posted without its twin is passed on as it is. Every changed field is passed on,
    so one the user may not change is refused by the service, not silently dropped."""
    rows: dict[int, dict] = {}
    expected: dict[int, dict] = {}
    for key in post:
        match = ROW_FIELD.match(key)
        if not match:
            continue
        # A row id that cannot be one goes on as 0, which the service names as no such result.
        pk, name = parse_id(match[1]) or 0, match[2]
        value = _lines(post.get(key, ""))
        was = _loaded(post.get(key + WAS))
        if was is not None:
            if _lines(was) == value:
                continue
            expected.setdefault(pk, {})[name] = was
        rows.setdefault(pk, {})[name] = value
    entries = []
    for pk, values in sorted(rows.items()):
        entry = {"id": pk, **values}
        if pk in expected:
            entry["expected"] = expected[pk]
        entries.append(entry)
    return entries


def _filter_value(request, name: str, allowed) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


@login_required
def results_entry(request, number: str):
    """The bulk sheet: 200 controls a page, the auditee's claim and the auditor's result side by
    side, each side editable only by its party."""
    audit = _audit(request, number)
    user = request.user
    scope = selectors.scope_of(audit)
    codes = [item.system.code for item in scope]
    system = request.GET.get("system", "")
    if system not in codes:
        system = codes[0] if codes else ""
    status = _filter_value(request, "status", ResultStatus.values)
    claimed = _filter_value(request, "claimed", ResultStatus.values)
    search = request.GET.get("search", "").strip()[:200]
    auditor_side = permissions.acts_as_auditor(user, audit) and not audit.is_closed
    auditee_side = permissions.acts_as_auditee(user, audit) and audit.status not in (
        AuditStatus.REPORTING,
        AuditStatus.CLOSED,
    )

    posted: dict[int, dict] = {}
    row_errors: dict[int, dict[str, list[str]]] = {}
    summary: list[dict] = []
    if request.method == "POST":
        if not permissions.acts_for_a_party(user, audit):
            raise PermissionDenied
        entries = _entries_from_post(request.POST)
        try:
            count = services.results_record(actor=user, audit=audit, entries=entries)
        except services.ProblemsError as exc:
            posted = {entry["id"]: entry for entry in entries}
            for problem in exc.problems:
                match = PROBLEM_PATH.match(problem.path)
                if match and int(match[1]) < len(entries):
                    pk, name = entries[int(match[1])]["id"], match[2]
                    row_errors.setdefault(pk, {}).setdefault(name, []).append(problem.message)
                    summary.append({"pk": pk, "field": name, "message": problem.message})
                else:
                    summary.append({"pk": None, "field": "", "message": str(problem)})
        except ValidationError as exc:
            posted = {entry["id"]: entry for entry in entries}
            summary = [{"pk": None, "field": "", "message": m} for m in exc.messages]
        else:
            messages.success(
                request,
                ngettext("%(count)d result saved", "%(count)d results saved", count)
                % {"count": count},
            )
            return redirect(request.get_full_path())

    results = selectors.results_of(
        user=user, audit=audit, system=system, status=status, claimed=claimed, search=search
    )
    page = paginate(request, results, per_page=RESULTS_PER_PAGE)
    evidence = _evidence_counts(user, audit, (r.pk for r in page.object_list))
    rows = []
    labels = {}
    for result in page.object_list:
        values = posted.get(result.pk, {})
        errors = row_errors.get(result.pk, {})
        labels[result.pk] = result.control.label
        # A refused save keeps what the user changed, against the value it was changed from;
        # where the field has an error (someone else saved it meanwhile) against the value it
        # holds now, which the error names: saving again then overwrites it on purpose.
        was = {}
        for name in RESULT_FIELDS:
            loaded = values.get("expected", {}).get(name)
            if name in errors or name not in values or not isinstance(loaded, str):
                loaded = getattr(result, name)
            was[name] = _as_loaded(loaded)
        rows.append(
            ResultRow(
                result=result,
                claimed=values.get("claimed", result.claimed),
                claim_note=values.get("claim_note", result.claim_note),
                status=values.get("status", result.status),
                note=values.get("note", result.note),
                evidence=evidence.get(result.pk, 0),
                errors=errors,
                was=was,
            )
        )
    editable = set()
    if auditee_side:
        editable |= {"claimed", "claim_note"}
    if auditor_side:
        editable |= {"status", "note"}
    names = {
        "claimed": _("Self-assessment"),
        "claim_note": _("Self-assessment note"),
        "status": _("Result"),
        "note": _("Note"),
    }
    for item in summary:
        item["label"] = labels.get(item["pk"], "")
        item["field_label"] = names.get(item["field"], item["field"])
        item["anchor"] = (
            f"r-{item['pk']}-{item['field']}"
            if item["pk"] in labels and item["field"] in editable
            else (f"row-{item['pk']}" if item["pk"] in labels else "")
        )
    current = next((item for item in scope if item.system.code == system), None)
    return render(
        request,
        "audits/results_entry.html",
        {
            "audit": audit,
            "scope": scope,
            "current": current,
            "system": system,
            "status": status,
            "claimed": claimed,
            "search": search,
            "statuses": [(value, str(label)) for value, label in ResultStatus.choices],
            "page": page,
            "rows": rows,
            "auditor_side": auditor_side,
            "auditee_side": auditee_side,
            "editable": bool(editable),
            "summary": summary,
            "may_import": bool(editable),
        },
    )


@login_required
def results_import(request, number: str):
    """Results from a sheet or an OSCAL file, all or nothing, problems named by row or path."""
    audit = _audit(request, number)
    if not permissions.acts_for_a_party(request.user, audit):
        raise PermissionDenied
    form = ResultsImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(limit)d MB.")
                % {"limit": IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        else:
            from shireito.audits import importers

            try:
                count = importers.results_import(
                    actor=request.user,
                    audit=audit,
                    raw=upload.read(),
                    fmt=form.cleaned_data["format"],
                )
            except (services.ProblemsError, CatalogImportError) as exc:
                for problem in exc.problems:
                    if problem.path in form.fields:
                        form.add_error(problem.path, problem.message)
                    else:
                        problems.append(problem)
            except ValidationError as exc:
                _service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("You may not record results in this audit."))
            except Exception:
                # A file the importers did not foresee is the user's problem to see, not a 500.
                logger.exception("Results import of %s failed", audit.number)
                form.add_error("file", _("The file could not be read; nothing was written."))
            else:
                messages.success(
                    request,
                    ngettext(
                        "The file is imported: %(count)d result changed.",
                        "The file is imported: %(count)d results changed.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("audits:results", number=audit.number)
    return render(
        request,
        "audits/results_import.html",
        {
            "audit": audit,
            "form": form,
            "problems": problems[:500],
            "columns": IMPORT_COLUMNS,
            "may_import": True,
        },
    )


# --- findings --------------------------------------------------------------------------------


def _finding_form(request, audit, **kwargs):
    return FindingForm(
        request.POST if request.method == "POST" else None,
        systems=_scope_systems(audit),
        resolve_controls=_control_resolver(request.user, audit),
        **kwargs,
    )


FINDING_FIELDS = ("title", "severity", "grade", "risk", "root_cause", "recommendation")


def _finding_fields(data) -> dict:
    return {name: data[name] for name in FINDING_FIELDS}


@login_required
def finding_create(request, number: str):
    audit = _audit(request, number)
    if not permissions.acts_as_auditor(request.user, audit):
        raise PermissionDenied
    form = _finding_form(request, audit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.finding_create(
                actor=request.user,
                audit=audit,
                controls=data["controls"],
                systems=list(data["systems"]),
                **_finding_fields(data),
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(
                request, _("Finding %(label)s is recorded.") % {"label": finding.label}
            )
            return redirect("audits:finding", number=audit.number, finding=finding.number)
    return render(
        request, "audits/finding_form.html", {"audit": audit, "form": form, "finding": None}
    )


@login_required
def finding_edit(request, number: str, finding: int):
    audit = _audit(request, number)
    item = _finding(request, audit, finding)
    if not permissions.acts_as_auditor(request.user, audit):
        raise PermissionDenied
    initial = {name: getattr(item, name) for name in FINDING_FIELDS}
    initial["controls"] = "\n".join(c.label for c in item.controls.all())
    initial["systems"] = list(item.systems.all())
    form = _finding_form(request, audit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_update(
                actor=request.user,
                finding=item,
                controls=data["controls"],
                systems=list(data["systems"]),
                **_finding_fields(data),
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Finding %(label)s is saved.") % {"label": item.label})
            return redirect("audits:finding", number=audit.number, finding=item.number)
    return render(
        request, "audits/finding_form.html", {"audit": audit, "form": form, "finding": item}
    )


def _finding_page(request, audit, finding, *, follow_up_form=None):
    from shireito.registry.oversight import acts_for_digital_agency

    user = request.user
    today = timezone.localdate()
    may_attach = permissions.acts_for_a_party(user, audit) and not audit.is_closed
    may_follow_up = not finding.follow_up_id and acts_for_digital_agency(user)
    if may_follow_up and follow_up_form is None:
        follow_up_form = FollowUpForm(prefix="follow-up")
    evidence_form = None
    if may_attach:
        evidence_form = _evidence_form(
            request, audit, bound=False, initial={"finding": finding.number}
        )
    evidence = [
        (item, latest, bool(latest and latest.is_expired(today)))
        for item, latest in (
            (item, _latest(item))
            for item in selectors.evidence_of(user=user, audit=audit)
            .filter(finding=finding)
            .prefetch_related("revisions__uploaded_by")
        )
    ]
    return render(
        request,
        "audits/finding_detail.html",
        {
            "audit": audit,
            "finding": finding,
            "controls": finding.controls.select_related("catalog").order_by(
                "catalog_id", "position"
            ),
            "systems": finding.systems.order_by("code"),
            "actions": [(a, a.is_overdue(today)) for a in finding.actions.all()],
            "evidence": evidence,
            "today": today,
            "may_edit": permissions.acts_as_auditor(user, audit) and not audit.is_closed,
            "may_plan": permissions.acts_for_a_party(user, audit),
            "may_follow_up": may_follow_up,
            "follow_up_form": follow_up_form,
            "evidence_form": evidence_form,
        },
    )


@login_required
def finding_detail(request, number: str, finding: int):
    audit = _audit(request, number)
    return _finding_page(request, audit, _finding(request, audit, finding))


@login_required
def finding_follow_up(request, number: str, finding: int):
    """Raise a Digital Agency recommendation from a finding. Whether it may is the
    recommendation service's to say; its refusal is shown with the form."""
    audit = _audit(request, number)
    item = _finding(request, audit, finding)
    if request.method != "POST":
        return redirect("audits:finding", number=audit.number, finding=item.number)
    form = FollowUpForm(request.POST, prefix="follow-up")
    if form.is_valid():
        try:
            item = services.finding_raise_recommendation(
                actor=request.user,
                finding=item,
                reason=form.cleaned_data["reason"],
                due_date=form.cleaned_data["due_date"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not follow this finding up."))
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Recommendation %(number)s is raised.") % {"number": item.follow_up.number},
            )
            return redirect("audits:finding", number=audit.number, finding=item.number)
    # Shown even to someone the form was not offered to, so a refusal is never a bare 403.
    item = _finding(request, audit, finding)
    return _finding_page(request, audit, item, follow_up_form=form)


# --- corrective actions ----------------------------------------------------------------------


@login_required
def action_create(request, number: str, finding: int):
    audit = _audit(request, number)
    item = _finding(request, audit, finding)
    if not permissions.acts_for_a_party(request.user, audit):
        raise PermissionDenied
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.action_create(
                actor=request.user,
                finding=item,
                milestones=data["milestones"],
                title=data["title"],
                description=data["description"],
                owner_contact=data["owner_contact"],
                due_date=data["due_date"],
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("The corrective action is planned."))
            return redirect("audits:action", number=audit.number, action=action.pk)
    return render(
        request, "audits/action_form.html", {"audit": audit, "finding": item, "form": form}
    )


@login_required
def action_detail(request, number: str, action: int):
    """One corrective action; its forms are told apart by ``do``: progress (the audited
    organisation), milestone and milestone_done, verify (the auditors)."""
    audit = _audit(request, number)
    user = request.user
    item = selectors.actions_of(user=user, audit=audit).filter(pk=_id_or_404(action)).first()
    if item is None:
        raise Http404
    closed = item.status == ActionStatus.CLOSED
    auditee = permissions.acts_as_auditee(user, audit)
    auditor = permissions.acts_as_auditor(user, audit)
    progress_form = ProgressForm(
        prefix="progress",
        initial={
            "status": item.status,
            "title": item.title,
            "description": item.description,
            "owner_contact": item.owner_contact,
            "due_date": item.due_date,
        },
    )
    milestone_form = MilestoneForm(prefix="milestone")
    verify_form = VerifyForm(prefix="verify")
    errors: list[str] = []
    do = request.POST.get("do", "") if request.method == "POST" else ""
    if do:
        if do == "progress":
            progress_form = ProgressForm(request.POST, prefix="progress")
            if progress_form.is_valid():
                _run(progress_form, lambda d: services.action_update(actor=user, action=item, **d))
                if not progress_form.errors:
                    return _done(request, audit, item, _("The progress is saved."))
        elif do == "milestone":
            milestone_form = MilestoneForm(request.POST, prefix="milestone")
            if milestone_form.is_valid():
                _run(
                    milestone_form,
                    lambda d: services.milestone_add(actor=user, action=item, **d),
                )
                if not milestone_form.errors:
                    return _done(request, audit, item, _("The milestone is added."))
        elif do == "milestone_done":
            milestone = next(
                (m for m in item.milestones.all() if str(m.pk) == request.POST.get("milestone")),
                None,
            )
            if milestone is None:
                raise Http404
            done = request.POST.get("done", "1") != "0"
            try:
                services.milestone_done(actor=user, milestone=milestone, done=done)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                return _done(
                    request,
                    audit,
                    item,
                    _("The milestone is marked done.")
                    if done
                    else _("The milestone is marked not done."),
                )
        elif do == "verify":
            verify_form = VerifyForm(request.POST, prefix="verify")
            if verify_form.is_valid():
                _run(
                    verify_form,
                    lambda d: services.action_verify(
                        actor=user, action=item, accepted=d["accepted"], note=d["note"]
                    ),
                    aliases={"verification_note": "note"},
                )
                if not verify_form.errors:
                    return _done(request, audit, item, _("The verification is recorded."))
        else:
            errors.append(_("Unknown request."))
    bound = any(f.is_bound and f.errors for f in (progress_form, milestone_form, verify_form))
    if errors or bound:
        # What a refused write may have touched in memory is read again.
        item = selectors.actions_of(user=user, audit=audit).get(pk=item.pk)
    today = timezone.localdate()
    milestones = list(item.milestones.all())
    return render(
        request,
        "audits/action_detail.html",
        {
            "audit": audit,
            "action": item,
            "finding": item.finding,
            "overdue": item.is_overdue(today),
            "milestones": [
                (m, m.is_overdue(today) and item.status != ActionStatus.CLOSED) for m in milestones
            ],
            "progress_form": progress_form if auditee and not closed else None,
            "milestone_form": milestone_form if (auditee or auditor) and not closed else None,
            "may_tick": auditee and not closed,
            "verify_form": verify_form
            if auditor and item.status == ActionStatus.AWAITING_VERIFICATION
            else None,
            "errors": errors,
        },
    )


def _run(form, call, aliases=None) -> None:
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        _service_errors(form, exc, aliases)


def _done(request, audit, action, message):
    messages.success(request, message)
    return redirect("audits:action", number=audit.number, action=action.pk)


# --- evidence --------------------------------------------------------------------------------


def _latest(item: Evidence) -> EvidenceRevision | None:
    revisions = list(item.revisions.all())
    return max(revisions, key=lambda r: r.number) if revisions else None


def _result_resolver(user, audit, codes: list[str]):
    def resolve(*, result_id=None, system="", control=""):
        results = visible_to(user, ControlResult.objects.filter(audit=audit))
        if result_id:
            result_id = parse_id(result_id)
            return results.filter(pk=result_id).first() if result_id else None
        if not system and len(codes) == 1:
            system = codes[0]
        matches = results.filter(Q(control__label=control) | Q(control__oscal_id=control))
        if system:
            matches = matches.filter(system__code=system)
        found = list(matches[:2])
        return found[0] if len(found) == 1 else None

    return resolve


def _evidence_form(request, audit, *, bound: bool, initial=None):
    scope = selectors.scope_of(audit)
    codes = [item.system.code for item in scope]
    findings = [
        (f.number, f"{f.label} {f.title}")
        for f in visible_to(request.user, audit.findings.all()).order_by("number")
    ]
    return EvidenceForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        systems=[(item.system.code, f"{item.system.code} {item.system.name}") for item in scope],
        findings=findings,
        resolve_result=_result_resolver(request.user, audit, codes),
        initial={"system": codes[0] if codes else "", **(initial or {})},
    )


@login_required
def evidence_list(request, number: str):
    """Evidence of the audit, filtered by a result or a finding, with the upload form."""
    audit = _audit(request, number)
    user = request.user
    today = timezone.localdate()
    may_attach = permissions.acts_for_a_party(user, audit) and not audit.is_closed
    form = None
    if request.method == "POST":
        if not permissions.acts_for_a_party(user, audit):
            raise PermissionDenied
        form = _evidence_form(request, audit, bound=True)
        if form.is_valid():
            data = form.cleaned_data
            finding = None
            if data["finding"] is not None:
                finding = selectors.finding_get(
                    user=user, audit=audit, number=_id_or_404(data["finding"])
                )
            try:
                item = evidence_service.evidence_add(
                    actor=user,
                    audit=audit,
                    upload=data["file"],
                    title=data["title"],
                    result=data.get("result_object"),
                    finding=finding,
                    effective_date=data["effective_date"],
                    expiry_date=data["expiry_date"],
                )
            except ValidationError as exc:
                _service_errors(form, exc)
            else:
                messages.success(
                    request, _("Evidence “%(title)s” is added.") % {"title": item.title}
                )
                if finding is not None and request.POST.get("back") == "finding":
                    return redirect("audits:finding", number=audit.number, finding=finding.number)
                return redirect("audits:evidence", number=audit.number)
    result_filter = request.GET.get("result", "")
    finding_filter = request.GET.get("finding", "")
    items = selectors.evidence_of(user=user, audit=audit).prefetch_related("revisions__uploaded_by")
    filtered_result = filtered_finding = None
    if result_filter:
        # An id that cannot be one (too large for the database) names nothing, like an unknown one.
        result_id = parse_id(result_filter)
        if result_id is None:
            items = items.none()
        else:
            filtered_result = (
                selectors.results_of(user=user, audit=audit).filter(pk=result_id).first()
            )
            items = items.filter(result_id=result_id)
    elif finding_filter:
        finding_number = parse_id(finding_filter)
        if finding_number is None:
            items = items.none()
        else:
            filtered_finding = selectors.finding_get(user=user, audit=audit, number=finding_number)
            items = items.filter(finding__number=finding_number)
    if form is None and may_attach:
        initial = {}
        if filtered_result is not None:
            initial = {
                "system": filtered_result.system.code,
                "control": filtered_result.control.label,
            }
        elif filtered_finding is not None:
            initial = {"finding": filtered_finding.number}
        form = _evidence_form(request, audit, bound=False, initial=initial)
    page = paginate(request, items, per_page=EVIDENCE_PER_PAGE)
    rows = []
    for item in page.object_list:
        latest = _latest(item)
        rows.append((item, latest, bool(latest and latest.is_expired(today))))
    return render(
        request,
        "audits/evidence_list.html",
        {
            "audit": audit,
            "page": page,
            "rows": rows,
            # A refused upload is shown with its reason, even when the audit has just closed.
            "form": form if may_attach or (form is not None and form.is_bound) else None,
            "filtered_result": filtered_result,
            "filtered_finding": filtered_finding,
            "filtering": bool(result_filter or finding_filter),
            "may_import": permissions.acts_for_a_party(user, audit) and not audit.is_closed,
            "today": today,
        },
    )


@login_required
def evidence_detail(request, number: str, evidence: int):
    """One piece of evidence: its revisions, a new revision, deletion. The auditors revise and
    delete any evidence; the audited organization only what its own members uploaded."""
    audit = _audit(request, number)
    user = request.user
    item = (
        selectors.evidence_of(user=user, audit=audit)
        .prefetch_related("revisions__uploaded_by")
        .filter(pk=_id_or_404(evidence))
        .first()
    )
    if item is None:
        raise Http404
    may_change = evidence_service.may_change(user, item)
    revision_form = RevisionForm(prefix="revision")
    delete_form = DeleteForm(prefix="delete")
    do = request.POST.get("do", "") if request.method == "POST" else ""
    if do:
        if not may_change:
            raise PermissionDenied
        if do == "revise":
            revision_form = RevisionForm(request.POST, request.FILES, prefix="revision")
            if revision_form.is_valid():
                data = revision_form.cleaned_data
                try:
                    revision = evidence_service.evidence_revise(
                        actor=user,
                        evidence=item,
                        upload=data["file"],
                        effective_date=data["effective_date"],
                        expiry_date=data["expiry_date"],
                    )
                except ValidationError as exc:
                    _service_errors(revision_form, exc)
                else:
                    messages.success(
                        request, _("Revision %(number)d is added.") % {"number": revision.number}
                    )
                    return redirect("audits:evidence_item", number=audit.number, evidence=item.pk)
        elif do == "delete":
            delete_form = DeleteForm(request.POST, prefix="delete")
            if delete_form.is_valid():
                try:
                    evidence_service.evidence_delete(actor=user, evidence=item)
                except ValidationError as exc:
                    _service_errors(delete_form, exc)
                else:
                    messages.success(
                        request, _("Evidence “%(title)s” is deleted.") % {"title": item.title}
                    )
                    return redirect("audits:evidence", number=audit.number)
    today = timezone.localdate()
    revisions = visible_to(user, EvidenceRevision.objects.filter(evidence=item)).select_related(
        "uploaded_by"
    )
    offer = may_change and not audit.is_closed
    return render(
        request,
        "audits/evidence_detail.html",
        {
            "audit": audit,
            "evidence": item,
            "revisions": [(r, r.is_expired(today)) for r in revisions.order_by("-number")],
            # A refused form is shown with its reason, even when the audit has just closed.
            "revision_form": revision_form if offer or revision_form.is_bound else None,
            "delete_form": delete_form if offer or delete_form.is_bound else None,
        },
    )


@login_required
def evidence_download(request, number: str, evidence: int, revision: int):
    audit = _audit(request, number)
    found = selectors.evidence_revision_get(
        user=request.user,
        audit=audit,
        evidence_id=_id_or_404(evidence),
        number=_id_or_404(revision),
    )
    if found is None:
        raise Http404
    try:
        handle = evidence_service.open_blob(found)
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=found.filename or f"evidence-{found.evidence_id}-r{found.number}",
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
