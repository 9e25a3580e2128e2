"""One row of the results sheet saved on its own: the inline edit.

With htmx the row's save button sends the page's form here and gets back just the row (and a
line for the page's status region); without JavaScript the same button sends the form here
and is sent back to the sheet, or shown this one result with what went wrong. Either way the
save is ``services.result_record`` with the version the row was loaded at, so a row someone
else saved meanwhile is a conflict, never overwritten.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shireito.audits import permissions, selectors, services
from shireito.audits.choices import ResultStatus
from shireito.audits.models import ControlResult
from shireito.audits.views.results import RESULT_FIELDS, WAS, ResultRow, _as_loaded, _lines
from shireito.core import concurrency
from shireito.core.pages import get_or_404, id_or_404
from shireito.core.pagination import parse_id


def _posted(post, result: ControlResult) -> tuple[dict[str, str], int | None]:
    """The row's fields as the sheet names them (``r-<id>-status``…) and its version."""
    prefix = f"r-{result.pk}-"
    values = {name: _lines(post[prefix + name]) for name in RESULT_FIELDS if prefix + name in post}
    return values, parse_id(post.get(prefix + "version"))


@login_required
def result_row(request, number: str, result: int):
    """Save one result from its row (POST); a GET shows the row on a page of its own."""
    user = request.user
    found = get_or_404(selectors.result_get(user=user, number=number, result_id=id_or_404(result)))
    audit = found.audit
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    status_line = ""
    if request.method == "POST":
        values, version = _posted(request.POST, found)
        concurrency.expect_version(found, version, concurrency.FROM_FORM)
        try:
            services.result_record(actor=user, audit=audit, result=found, values=values)
        except concurrency.Conflict as exc:
            # The row shows what this editor sent, at the version now stored: saving again
            # overwrites the other change on purpose.
            found.version = exc.current
            errors["__all__"] = [exc.message]
        except services.ProblemsError as exc:
            for problem in exc.problems:
                name = problem.path.removeprefix("$.") if problem.path != "$" else "__all__"
                errors.setdefault(name, []).append(problem.message)
        except ValidationError as exc:
            errors["__all__"] = list(exc.messages)
        if not errors:
            saved = _("Saved: %(control)s.") % {"control": found.control.label}
            if not request.htmx:
                messages.success(request, saved)
                return redirect(_sheet_url(request, audit.number, found.pk))
            values, status_line = {}, saved
        else:
            status_line = _("Not saved: %(control)s. %(problems)s") % {
                "control": found.control.label,
                "problems": " ".join(m for ms in errors.values() for m in ms),
            }
    return _render(request, audit, found, values, errors, status_line)


def _sheet_url(request, number: str, pk: int) -> str:
    query = request.GET.urlencode()
    return reverse("audits:results", args=[number]) + (f"?{query}" if query else "") + f"#row-{pk}"


def _render(request, audit, result, values, errors, status_line):
    user = request.user
    # The row as the sheet shows it: a refused save keeps what was sent, against the values
    # it was loaded with (its ``-was`` twins, sent along); a saved one shows what is stored.
    was = {name: _as_loaded(getattr(result, name)) for name in RESULT_FIELDS}
    if errors:
        for name in RESULT_FIELDS:
            loaded = request.POST.get(f"r-{result.pk}-{name}{WAS}")
            if loaded is not None and isinstance(_json_text(loaded), str):
                was[name] = loaded
    evidence = selectors.evidence_counts(user=user, audit=audit, result_ids=[result.pk])
    row = ResultRow(
        result=result,
        claimed=values.get("claimed", result.claimed),
        claim_note=values.get("claim_note", result.claim_note),
        status=values.get("status", result.status),
        note=values.get("note", result.note),
        evidence=evidence.get(result.pk, 0),
        errors={k: v for k, v in errors.items() if k != "__all__"},
        was=was,
    )
    scope = selectors.scope_of(audit)
    context = {
        "audit": audit,
        "row": row,
        "current": next((i for i in scope if i.system_id == result.system_id), None),
        "auditor_side": permissions.may_assess(user, audit),
        "auditee_side": permissions.may_claim(user, audit),
        "statuses": [(value, str(label)) for value, label in ResultStatus.choices],
        "row_errors": errors.get("__all__", []),
        "status_line": status_line,
        "sheet_url": _sheet_url(request, audit.number, result.pk),
    }
    template = "audits/result_row.html#row" if request.htmx else "audits/result_row.html"
    return render(request, template, context)


def _json_text(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return None
