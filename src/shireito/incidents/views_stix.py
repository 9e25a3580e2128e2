"""The STIX pages: import a bundle as a new draft, download a report's bundle (its parties
only), and the national centre's publication of the sanitised report into a TAXII collection.

Each page looks the report up through the incident selectors (404 for anyone who is no party)
and hands the write to one service call; the pages only show what the services refuse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shireito.core.pages import bound_form, file_response, get_or_404, submit
from shireito.core.problems import ProblemsError
from shireito.incidents import permissions, selectors, services, stix, stix_intake
from shireito.incidents.choices import IndicatorKind
from shireito.incidents.forms_stix import BundleUploadForm, PublishForm
from shireito.organizations.choices import OrganizationKind
from shireito.sharing.selectors import collections_writable_by

if TYPE_CHECKING:
    from shireito.accounts.models import User


@login_required
def bundle_import(request):
    """A STIX 2.1 bundle as a new draft of the user's organisation; every problem listed by
    object and property, nothing written."""
    if not permissions.may_start_report(request.user, getattr(request.user, "organization", None)):
        raise PermissionDenied
    form = bound_form(BundleUploadForm, request, files=True)
    problems = []  # filled by _import
    done, report = submit(form, lambda data: _import(request.user, data["file"], problems))
    if done and report is not None:
        messages.success(
            request,
            _(
                "The bundle is imported as the draft %(number)s. Check it, add the "
                "affected systems and submit it."
            )
            % {"number": report.number},
        )
        return redirect("incidents:detail", number=report.number)
    return render(
        request,
        "incidents/stix_import.html",
        {"form": form, "problems": problems[: stix_intake.MAX_PROBLEMS]},
    )


def _import(user: User, upload, problems: list):
    """The new draft, or None with the bundle's ``problems`` (listed beside the form, object
    by object, rather than on a field)."""
    data = stix_intake.read_bundle_upload(upload)
    try:
        return stix_intake.import_bundle(actor=user, data=data, location="file")
    except ProblemsError as exc:
        problems.extend(exc.problems)
        return None
    except PermissionDenied as exc:
        raise ValidationError(str(exc) or _("You may not report for this organization.")) from exc


@login_required
def bundle_download(request, number: str):
    """The whole report as a STIX 2.1 bundle, for the parties on its route."""
    report = get_or_404(selectors.report_get(request.user, number))
    return file_response(
        stix.dumps(stix.report_bundle(report, sanitised=False)),
        filename=f"{report.number}.stix.json",
        content_type=stix.STIX_MEDIA_TYPE,
    )


# The reporter's kind as the sanitised bundle says it (stix.shared_kind).
SHARED_KIND_LABELS = {
    "ministry": OrganizationKind.MINISTRY.label,
    "independent_agency": OrganizationKind.INDEPENDENT_AGENCY.label,
    "local_government": OrganizationKind.LOCAL_GOVERNMENT.label,
    "ci_operator": OrganizationKind.CI_OPERATOR.label,
    "national_body": gettext_lazy("a national government body (the kind alone would name it)"),
    "other": gettext_lazy("another body (the kind alone would name it)"),
}


def _shared_preview(report) -> dict:
    """What the sanitised bundle will carry besides the centre's own text."""
    reporter = report.reporter
    kind = stix.shared_kind(reporter)
    shareable = [i for i in report.indicators.all() if i.shareable]
    return {
        "reporter_kind": SHARED_KIND_LABELS[kind],
        "reporter_sector": reporter.sector
        if kind == "ci_operator" and reporter.sector_id
        else None,
        "detected_on": report.detected_at,
        "aware_on": report.aware_at,
        "indicators": [
            (IndicatorKind(i.kind).label, i.value)
            for i in shareable
            if not stix.pattern_problem(i.kind, i.value)
        ],
        "withheld": len(report.indicators.all()) - len(shareable),
    }


@login_required
def report_publish(request, number: str):
    """The national centre writes the title, summary and TLP for sharing and publishes the
    sanitised report into a TAXII collection it may write to."""
    report = get_or_404(selectors.report_get(request.user, number))
    if not permissions.may_publish(request.user, report):
        raise PermissionDenied
    collections = list(collections_writable_by(request.user))
    initial = {
        "shared_title": report.shared_title,
        "shared_summary": report.shared_summary,
        "shared_tlp": report.shared_tlp or report.tlp,
    }
    form = bound_form(PublishForm, request, initial=initial, collections=collections)
    done, _status = submit(form, lambda data: _publish(request.user, report, collections, data))
    if done:
        messages.success(request, _("The sanitised report is published."))
        return redirect("incidents:detail", number=report.number)
    return render(
        request,
        "incidents/stix_publish.html",
        {
            "report": report,
            "form": form,
            "preview": _shared_preview(report),
            "has_collections": bool(collections),
        },
    )


def _publish(user: User, report, collections: list, data: dict):
    by_id = {str(c.pk): c for c in collections}
    try:
        return services.report_publish(
            actor=user,
            report=report,
            collection=by_id.get(data["collection"]),
            shared_title=data["shared_title"],
            shared_summary=data["shared_summary"],
            shared_tlp=data["shared_tlp"],
        )
    except PermissionDenied as exc:
        # Lost the role since the page was shown: said above the form, not as a 403.
        raise ValidationError(str(exc) or _("You may not publish this report.")) from exc
