"""In-app notices and e-mail about measures: a flag raised, a report reviewed or returned, a
value returned.

As for incident reports (``incidents.notices``): a notice is stored as a kind and its
parameters and rendered in the reader's language when shown; the e-mail carries the Japanese
text and the English below it, and goes out only after the transaction that raised the notice
commits. A notice's ``key`` is unique per user, so the same thing is told once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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
from shireito.plans.models import Measure, PlanNotice

logger = logging.getLogger(__name__)

# Who hears of a measure at its lead organisation: those who write its reports.
NOTIFIED_ROLES = ("editor", "org_admin")
# A notice's values that people typed or named, marked with their own language on a page.
PEOPLES_TEXT = {"measure", "kpi", "milestone"}


def quarter_label(fiscal_year, quarter) -> str:
    return _("FY%(year)s Q%(quarter)s") % {"year": fiscal_year, "quarter": quarter}


def _named(params: dict, name: str) -> str:
    """A name stored in both languages (``kpi_name``/``kpi_name_en``), in the reader's."""
    japanese = params.get(f"{name}_name", "")
    english = params.get(f"{name}_name_en", "")
    return english if translation.get_language() == "en" and english else japanese


def render(notice: PlanNotice, *, marked: bool = False) -> str:
    """The notice's text in the active language; ``marked``: as HTML for a page, the names
    marked with their own language. Load ``measure`` with the notices (select_related)."""
    from shireito.plans.choices import Confidence

    texts = {
        "off_track": _(
            "%(measure)s: KPI “%(kpi)s” is off track: its trajectory misses the target %(target)s"
            " by %(target_date)s"
        ),
        "milestone_overdue": _(
            "%(measure)s: milestone “%(milestone)s” was planned for %(planned_on)s and is not done"
        ),
        "report_overdue": _(
            "%(measure)s: the progress report for %(quarter)s was due on %(due)s and is not filed"
        ),
        "report_reviewed": _(
            "%(measure)s: the Digital Agency reviewed the report for %(quarter)s: %(confidence)s"
        ),
        "report_returned": _(
            "%(measure)s: the Digital Agency returned the report for %(quarter)s to draft"
        ),
        "measurement_returned": _(
            "%(measure)s: the value for %(date)s was returned for correction"
        ),
    }
    p = notice.params
    values: dict[str, object] = {
        key: value for key, value in p.items() if isinstance(value, str | int | float)
    }
    values["measure"] = str(notice.measure)
    values["kpi"] = _named(p, "kpi")
    values["milestone"] = _named(p, "milestone")
    if "quarter" in p:
        values["quarter"] = quarter_label(p.get("fiscal_year"), p["quarter"])
    if "confidence" in p:
        values["confidence"] = (
            Confidence(p["confidence"]).label if p["confidence"] in Confidence.values else ""
        )
    template = texts.get(notice.kind, "%(measure)s")
    try:
        if marked:
            shown = {
                key: in_reader_language(str(value))
                if key in PEOPLES_TEXT
                else conditional_escape(str(value))
                for key, value in values.items()
            }
            return mark_safe(conditional_escape(template) % shown)  # noqa: S308 - all escaped
        return template % values
    except (KeyError, TypeError, ValueError):
        return str(values["measure"])


def flag_text(flag) -> str:
    """What a flag says, in the active language (names in the reader's where both exist)."""
    p = flag.params
    values = {
        **{k: v for k, v in p.items() if isinstance(v, str | int | float)},
        "kpi": _named(p, "kpi"),
        "milestone": _named(p, "milestone"),
    }
    if "quarter" in p:
        values["quarter"] = quarter_label(p.get("fiscal_year"), p["quarter"])
    texts = {
        "off_track": _(
            "KPI “%(kpi)s”: its trajectory misses the target %(target)s by %(target_date)s"
        ),
        "milestone_overdue": _("Milestone “%(milestone)s” was planned for %(planned_on)s"),
        "report_overdue": _("The report for %(quarter)s was due on %(due)s"),
    }
    try:
        return texts[flag.kind] % values
    except (KeyError, TypeError, ValueError):
        return flag.get_kind_display()


def with_text(flags: Iterable) -> list:
    """The flags, each given its ``text``."""
    flags = list(flags)
    for flag in flags:
        flag.text = flag_text(flag)
    return flags


def recipients(organization_ids: Iterable[int]) -> dict[int, list[User]]:
    """The editors and organisation admins of each organisation, in one query."""
    users: dict[int, list[User]] = {}
    found = (
        User.objects.filter(organization_id__in=set(organization_ids), is_active=True)
        .filter(role_grants__role__in=NOTIFIED_ROLES)
        .distinct()
        .order_by("pk")
    )
    for user in found:
        users.setdefault(user.organization_id, []).append(user)
    return users


@dataclass
class Pending:
    """A notice to raise for every recipient of an organisation."""

    measure_id: int
    organization_id: int
    kind: str
    key: str
    params: dict = field(default_factory=dict)


def notify_all(pending: Sequence[Pending]) -> int:
    """Raise the notices (once per user and key) in a few queries, whatever their number,
    and e-mail them once the transaction commits. Returns how many were new."""
    if not pending:
        return 0
    people = recipients(item.organization_id for item in pending)
    wanted = [
        PlanNotice(
            user=user,
            measure_id=item.measure_id,
            key=item.key,
            kind=item.kind,
            params=item.params,
        )
        for item in pending
        for user in people.get(item.organization_id, [])
    ]
    if not wanted:
        return 0
    told = set(
        PlanNotice.objects.filter(key__in={n.key for n in wanted}).values_list("user_id", "key")
    )
    new = [n for n in wanted if (n.user_id, n.key) not in told]
    created: list[PlanNotice] = []
    try:
        with transaction.atomic():
            created = PlanNotice.objects.bulk_create(new)
    except IntegrityError:
        # Another run told some of them meanwhile: tell the rest one by one.
        for notice in new:
            try:
                with transaction.atomic():
                    notice.save(force_insert=True)
                created.append(notice)
            except IntegrityError:
                continue
    ids = [notice.pk for notice in created if notice.pk]
    if ids:
        transaction.on_commit(lambda: send_emails(ids))
    return len(created)


def notify(
    *,
    measure: Measure,
    kind: str,
    key: str,
    params: dict,
    organization_ids: Sequence[int] | None = None,
) -> int:
    """Tell a measure's lead organisation (or the ``organization_ids`` given)."""
    return notify_all(
        [
            Pending(measure.pk, organization_id, kind, key, params)
            for organization_id in (organization_ids or [measure.lead_id])
        ]
    )


def send_emails(notice_ids: list[int]) -> None:
    notices = PlanNotice.objects.filter(pk__in=notice_ids, emailed=False).select_related(
        "user", "measure", "measure__edition"
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
        link = settings.SHIREITO_BASE_URL.rstrip("/") + reverse(
            "plans:progress", args=[notice.measure.edition.year, notice.measure.code]
        )
        body = f"{subject}\n{link}\n\n{english}\n{link}\n"
        messages.append((f"[Shireitō] {subject}", body, None, [notice.user.email]))
        sent.append(notice.pk)
    if not messages:
        return
    try:
        send_mass_mail(messages)
    except Exception:  # the change has committed; a mail server down must not undo it
        logger.exception("could not e-mail %d plan notices; they stay in the app", len(sent))
        return
    PlanNotice.objects.filter(pk__in=sent).update(emailed=True)


def notice_mark_read(*, user: User, notice_ids: Iterable[int]) -> int:
    """Mark the user's own notices read (another's are untouched)."""
    from django.utils import timezone

    return PlanNotice.objects.filter(user=user, pk__in=list(notice_ids), read_at=None).update(
        read_at=timezone.now()
    )
