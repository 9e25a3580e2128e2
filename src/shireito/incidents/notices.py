"""Notifications of incident reports (``incidents.received``, ``incidents.question`` …),
raised through the shared ``notifications`` and worded here, in the reader's language.

A notification is stored as a kind and its parameters and rendered when shown; the e-mail
(``notifications.services``) carries the Japanese text and the English below it, and goes out
only after the transaction that raised it commits, as each person prefers.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shireito.accounts.models import User
from shireito.core.languages import in_reader_language
from shireito.incidents.models import IncidentReport
from shireito.notifications import registry, services
from shireito.notifications.models import Notification
from shireito.organizations.models import Organization

NAMESPACE = "incidents"

# Who hears of a report at an organisation: those who handle incidents there.
NOTIFIED_ROLES = ("incident_handler", "org_admin")
# A notice's values that people typed or named, marked with their own language on a page.
PEOPLES_TEXT = {"title", "organization"}


def organizations_of(notices) -> dict:
    """The organisations a page of notices names, in one query (for ``render``)."""
    ids = {n.params["organization_id"] for n in notices if "organization_id" in n.params}
    return Organization.objects.in_bulk(ids) if ids else {}


def render(notice: Notification, organizations: dict | None = None, *, marked: bool = False) -> str:
    """The notice's text in the active language (``organizations`` from ``organizations_of``
    when rendering many); ``marked``: as HTML for a page, the names and the title people typed
    marked with their own language."""
    p = notice.params
    texts = {
        "received": _("Incident report %(number)s has reached your organization: %(title)s"),
        "question": _("%(organization)s asked a question on incident report %(number)s"),
        "assessment": _("%(organization)s added an assessment to incident report %(number)s"),
        "update": _("The reporter updated incident report %(number)s"),
        "closed": _("Incident report %(number)s was closed"),
        "overdue": _("Incident report %(number)s: %(stage)s is overdue (due %(due)s)"),
    }
    template = texts.get(notice.kind.removeprefix(f"{NAMESPACE}."), "%(number)s")
    values = dict(p)
    if "organization_id" in p:
        # Named when shown, in the reader's language.
        if organizations is None:
            organizations = organizations_of([notice])
        organization = organizations.get(p["organization_id"])
        values["organization"] = str(organization) if organization else ""
    if notice.kind == f"{NAMESPACE}.overdue":
        values["stage"] = (
            p.get("stage_en") if translation.get_language() == "en" else p.get("stage")
        )
    try:
        if marked:
            shown = {
                key: in_reader_language(str(value))
                if key in PEOPLES_TEXT
                else conditional_escape(value)
                for key, value in values.items()
            }
            return mark_safe(conditional_escape(template) % shown)  # noqa: S308 - all escaped
        return template % values
    except (KeyError, TypeError):
        return p.get("number", "")


def recipients(organization_id: int, report: IncidentReport | None = None) -> list[User]:
    """The organisation's incident handlers and admins; for the reporting organisation also
    whoever wrote the report (an editor may report, and must hear the answer)."""
    users = list(
        User.objects.filter(organization_id=organization_id, is_active=True)
        .filter(role_grants__role__in=NOTIFIED_ROLES)
        .distinct()
    )
    author = report.created_by if report is not None and report.created_by_id else None
    if (
        author is not None
        and author.is_active
        and author.organization_id == organization_id
        and all(user.pk != author.pk for user in users)
    ):
        users.append(author)
    return users


def notify(
    *, organization_id: int, report: IncidentReport, kind: str, key: str, params: dict
) -> int:
    """Tell every handler of the organisation (once per ``key`` and user): ``kind`` is the
    incident's own (``received``), namespaced here. Returns how many were new."""
    params = {"number": report.number, "title": report.title, "report_id": report.pk, **params}
    return services.notify(
        users=recipients(organization_id, report),
        kind=f"{NAMESPACE}.{kind}",
        key=f"{NAMESPACE}:{key}",
        params=params,
        link=reverse("incidents:detail", args=[report.number]),
    )


def texts(notifications: Sequence[Notification], marked: bool) -> list[str]:
    """The renderer's words for a batch (the organisations they name in one query)."""
    named = organizations_of(notifications)
    return [render(n, named, marked=marked) for n in notifications]


def register() -> None:
    registry.register_renderer(
        NAMESPACE, registry.Renderer(texts, label=gettext_lazy("Incident reports"))
    )
