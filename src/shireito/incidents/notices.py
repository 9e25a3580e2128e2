"""In-app notices and e-mail for incident reports.

A notice is stored as a kind and its parameters and rendered in the reader's language when
shown; the e-mail (through Django's configured backend: the console in the demo) carries the
Japanese text and the English below it. E-mail goes out only after the transaction that raised
the notice commits.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from shireito.accounts.models import User
from shireito.core.languages import in_reader_language
from shireito.incidents.models import IncidentReport, Notice
from shireito.organizations.models import Organization

logger = logging.getLogger(__name__)

# Who hears of a report at an organisation: those who handle incidents there.
NOTIFIED_ROLES = ("incident_handler", "org_admin")
# A notice's values that people typed or named, marked with their own language on a page.
PEOPLES_TEXT = {"title", "organization"}


def organizations_of(notices) -> dict:
    """The organisations a page of notices names, in one query (for ``render``)."""
    ids = {n.params["organization_id"] for n in notices if "organization_id" in n.params}
    return Organization.objects.in_bulk(ids) if ids else {}


def render(notice: Notice, organizations: dict | None = None, *, marked: bool = False) -> str:
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
    template = texts.get(notice.kind, "%(number)s")
    values = dict(p)
    if "organization_id" in p:
        # Named when shown, in the reader's language.
        if organizations is None:
            organizations = organizations_of([notice])
        organization = organizations.get(p["organization_id"])
        values["organization"] = str(organization) if organization else ""
    if notice.kind == "overdue":
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
    """Raise a notice (once per ``key`` and user) for every handler of the organisation, and
    e-mail those with an address once the transaction commits. Returns how many were new."""
    params = {"number": report.number, "title": report.title, **params}
    created: list[Notice] = []
    for user in recipients(organization_id, report):
        try:
            with transaction.atomic():
                created.append(
                    Notice.objects.create(
                        user=user, report=report, key=key, kind=kind, params=params
                    )
                )
        except IntegrityError:
            continue  # already told
    if created:
        ids = [notice.pk for notice in created]
        transaction.on_commit(lambda: send_emails(ids))
    return len(created)


def send_emails(notice_ids: list[int]) -> None:
    notices = Notice.objects.filter(pk__in=notice_ids, emailed=False).select_related(
        "user", "report"
    )
    messages = []
    sent = []
    for notice in notices:
        if not notice.user.email:
            continue
        with translation.override("ja"):
            subject = render(notice)
        with translation.override("en"):
            english = render(notice)
        link = ""
        if notice.report is not None:
            link = settings.SHIREITO_BASE_URL.rstrip("/") + reverse(
                "incidents:detail", args=[notice.report.number]
            )
        body = f"{subject}\n{link}\n\n{english}\n{link}\n"
        messages.append((f"[Shireitō] {subject}", body, None, [notice.user.email]))
        sent.append(notice.pk)
    if not messages:
        return
    try:
        send_mass_mail(messages)
    except Exception:  # the change has committed; a mail server down must not undo it
        logger.exception("could not e-mail %d incident notices; they stay in the app", len(sent))
        return
    Notice.objects.filter(pk__in=sent).update(emailed=True)
