"""The STIX pages: import a bundle as a new draft, download a report's bundle (its parties
only), and the national centre's publication of the sanitised report into a TAXII collection.

Each page looks the report up through the incident selectors (404 for anyone who is no party)
and hands the write to one service call; the pages only show what the services refuse.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shireito.core.problems import ProblemsError
from shireito.incidents import permissions, selectors, services, stix, stix_intake
from shireito.incidents.choices import IndicatorKind
from shireito.incidents.forms_stix import BundleUploadForm, PublishForm
from shireito.organizations.choices import OrganizationKind


@login_required
def bundle_import(request):
    """A STIX 2.1 bundle as a new draft of the user's organisation; every problem listed by
    object and property, nothing written."""
    if not permissions.may_report_for(request.user, getattr(request.user, "organization", None)):
        raise PermissionDenied
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > stix_intake.MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %d MB.") % (stix_intake.MAX_BYTES // 2**20),
            )
        else:
            try:
                report = stix_intake.import_bundle(
                    actor=request.user, data=upload.read(), location="file"
                )
            except ProblemsError as exc:
                problems = list(exc.problems)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("You may not report for this organization."))
            else:
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


@login_required
def bundle_download(request, number: str):
    """The whole report as a STIX 2.1 bundle, for the parties on its route."""
    report = selectors.report_get(request.user, number)
    response = HttpResponse(
        stix.dumps(stix.report_bundle(report, sanitised=False)),
        content_type=stix.STIX_MEDIA_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{report.number}.stix.json"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
    from shireito.sharing.selectors import collections_writable_by

    report = selectors.report_get(request.user, number)
    if not permissions.may_publish(request.user, report):
        raise PermissionDenied
    collections = list(collections_writable_by(request.user))
    initial = {
        "shared_title": report.shared_title,
        "shared_summary": report.shared_summary,
        "shared_tlp": report.shared_tlp or report.tlp,
    }
    form = PublishForm(request.POST or None, initial=initial, collections=collections)
    if request.method == "POST" and form.is_valid():
        by_id = {str(c.pk): c for c in collections}
        data = form.cleaned_data
        try:
            services.report_publish(
                actor=request.user,
                report=report,
                collection=by_id.get(data["collection"]),
                shared_title=data["shared_title"],
                shared_summary=data["shared_summary"],
                shared_tlp=data["shared_tlp"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not publish this report."))
        else:
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
