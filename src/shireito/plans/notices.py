"""Notifications about measures (``plans.off_track``, ``plans.report_reviewed`` …): a flag
raised, a report reviewed or returned, a value returned; raised through the shared
``notifications`` and worded here, in the reader's language.

As for incident reports (``incidents.notices``): a notification is stored as a kind and its
parameters (the measure's id among them) and rendered when shown; the e-mail carries the
Japanese text and the English below it, and goes out only after the transaction that raised it
commits. Its ``key`` is unique per user, so the same thing is told once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shireito.accounts.models import User
from shireito.core.languages import in_reader_language
from shireito.notifications import registry, services
from shireito.notifications.models import Notification
from shireito.plans.models import Measure

NAMESPACE = "plans"

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


def measures_of(notices: Iterable[Notification]) -> dict[int, Measure]:
    """The measures a batch of notifications names, in one query (for ``render``)."""
    ids = {n.params["measure_id"] for n in notices if n.params.get("measure_id")}
    return Measure.objects.in_bulk(ids) if ids else {}


def render(notice: Notification, measures: dict | None = None, *, marked: bool = False) -> str:
    """The notice's text in the active language (``measures`` from ``measures_of`` when
    rendering many); ``marked``: as HTML for a page, the names marked with their own
    language."""
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
    if measures is None:
        measures = measures_of([notice])
    measure = measures.get(p.get("measure_id"))
    values["measure"] = str(measure) if measure else ""
    values["kpi"] = _named(p, "kpi")
    values["milestone"] = _named(p, "milestone")
    if "quarter" in p:
        values["quarter"] = quarter_label(p.get("fiscal_year"), p["quarter"])
    if "confidence" in p:
        values["confidence"] = (
            Confidence(p["confidence"]).label if p["confidence"] in Confidence.values else ""
        )
    template = texts.get(notice.kind.removeprefix(f"{NAMESPACE}."), "%(measure)s")
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
    """Raise the notifications (once per user and key) in a few queries, whatever their
    number, and e-mail them once the transaction commits. Returns how many were new."""
    if not pending:
        return 0
    people = recipients(item.organization_id for item in pending)
    measures = Measure.objects.select_related("edition").in_bulk(
        {item.measure_id for item in pending}
    )
    raised = []
    for item in pending:
        users = people.get(item.organization_id, [])
        measure = measures.get(item.measure_id)
        if not users or measure is None:
            continue
        raised.append(
            services.Pending(
                [user.pk for user in users],
                f"{NAMESPACE}.{item.kind}",
                f"{NAMESPACE}:{item.key}",
                {
                    **item.params,
                    "measure_id": item.measure_id,
                    "edition": measure.edition.year,
                    "measure_code": measure.code,
                },
                reverse("plans:progress", args=[measure.edition.year, measure.code]),
            )
        )
    return services.notify_many(raised)


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


def notice_mark_read(*, user: User, notice_ids: Iterable[int] | None) -> int:
    """Mark the user's own plan notifications read (those of ``notice_ids``, or all)."""
    return services.mark_read(user=user, ids=notice_ids, namespace=NAMESPACE)


def texts(notifications: Sequence[Notification], marked: bool) -> list[str]:
    """The renderer's words for a batch (the measures they name in one query)."""
    measures = measures_of(notifications)
    return [render(n, measures, marked=marked) for n in notifications]


def register() -> None:
    registry.register_renderer(
        NAMESPACE, registry.Renderer(texts, label=gettext_lazy("Priority plan"))
    )
