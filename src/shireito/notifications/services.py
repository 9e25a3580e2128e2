"""Raising notifications, e-mailing them, marking them read, and each person's e-mail
preference.

``notify`` inserts in a few queries however many people are told (a space of 12,500 members),
once per user and key, and e-mails those who want each one as it happens once the transaction
commits: the Japanese text, then the English, each with its link. The daily digest
(``digests_send``) e-mails the others one message of what they have not been sent yet.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shireito.accounts.models import User
from shireito.core.services import Rules, audited_create, audited_update
from shireito.notifications import registry
from shireito.notifications.choices import EmailPreference
from shireito.notifications.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

BATCH = 1000
# How far back a digest reaches (a person who just chose the digest is not sent months).
DIGEST_REACH = dt.timedelta(days=7)
DIGEST_MAX_LINES = 200


@dataclass
class Pending:
    """One notification to raise for each of ``user_ids``."""

    user_ids: Iterable[int]
    kind: str
    key: str
    params: dict = field(default_factory=dict)
    link: str = ""


def _checked_kind(kind: str) -> str:
    if "." not in kind:
        raise ValueError(f"A notification's kind is namespaced (app.what), not {kind!r}.")
    return kind


def notify(
    *,
    users: Iterable[User | int],
    kind: str,
    key: str,
    params: dict | None = None,
    link: str = "",
) -> int:
    """Tell each of ``users`` (users or ids) once per ``key``. Returns how many were new."""
    ids = [user if isinstance(user, int) else user.pk for user in users]
    return notify_many([Pending(ids, kind, key, params or {}, link)])


def notify_many(pending: Sequence[Pending]) -> int:
    """Raise the notifications (once per user and key) in a few queries, whatever their
    number, and e-mail them once the transaction commits. Returns how many were new."""
    wanted: dict[tuple[int, str], Notification] = {}
    for item in pending:
        _checked_kind(item.kind)
        for user_id in item.user_ids:
            wanted.setdefault(
                (user_id, item.key),
                Notification(
                    user_id=user_id,
                    kind=item.kind,
                    key=item.key,
                    params=item.params,
                    link=item.link,
                ),
            )
    if not wanted:
        return 0
    keys = {key for _user, key in wanted}
    told: set[tuple[int, str]] = set()
    key_list = sorted(keys)
    for start in range(0, len(key_list), 500):
        told.update(
            Notification.objects.filter(key__in=key_list[start : start + 500]).values_list(
                "user_id", "key"
            )
        )
    new = [n for pair, n in wanted.items() if pair not in told]
    created: list[Notification] = []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(new, batch_size=BATCH)
    except IntegrityError:
        # Another run told some of them meanwhile: tell the rest one by one.
        created = []
        for notification in new:
            notification.pk = None
            try:
                with transaction.atomic():
                    notification.save(force_insert=True)
                created.append(notification)
            except IntegrityError:
                continue
    ids = [n.pk for n in created if n.pk]
    if not ids and created:
        # A database that does not return the new ids: find them again by user and key.
        ids = list(
            Notification.objects.filter(
                key__in=keys, user_id__in={n.user_id for n in created}, emailed=False
            ).values_list("pk", flat=True)
        )
    if ids:
        transaction.on_commit(lambda: send_emails(ids))
    return len(created)


def preference_of(user_id: int) -> str:
    found = (
        NotificationPreference.objects.filter(user_id=user_id)
        .values_list("email", flat=True)
        .first()
    )
    return found or EmailPreference.IMMEDIATE


def _absolute(path: str) -> str:
    return settings.SHIREITO_BASE_URL.rstrip("/") + path if path else ""


def _both_languages(notifications: list[Notification]) -> tuple[list[str], list[str]]:
    with translation.override("ja"):
        japanese = registry.texts(notifications)
    with translation.override("en"):
        english = registry.texts(notifications)
    return japanese, english


def send_emails(notification_ids: list[int]) -> int:
    """E-mail each notification not e-mailed yet to its user, if they have an address and
    want each one as it happens. Returns how many were sent."""
    digest_or_none = set(
        NotificationPreference.objects.exclude(email=EmailPreference.IMMEDIATE).values_list(
            "user_id", flat=True
        )
    )
    sent = 0
    for start in range(0, len(notification_ids), BATCH):
        chunk = notification_ids[start : start + BATCH]
        notifications = [
            n
            for n in Notification.objects.filter(pk__in=chunk, emailed=False).select_related("user")
            if n.user.email and n.user.is_active and n.user_id not in digest_or_none
        ]
        if not notifications:
            continue
        japanese, english = _both_languages(notifications)
        messages = []
        for notification, subject, text in zip(notifications, japanese, english, strict=True):
            link = _absolute(registry.link(notification))
            body = f"{subject}\n{link}\n\n{text}\n{link}\n"
            messages.append((f"[Shireitō] {subject}", body, None, [notification.user.email]))
        try:
            send_mass_mail(messages)
        except Exception:  # the change has committed; a mail server down must not undo it
            logger.exception(
                "could not e-mail %d notifications; they stay in the app", len(messages)
            )
            return sent
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed=True)
        sent += len(notifications)
    return sent


def _digest(notifications: list[Notification]) -> tuple[str, str]:
    japanese, english = _both_languages(notifications)
    links = [_absolute(registry.link(n)) for n in notifications]
    count = len(notifications)
    with translation.override("ja"):
        subject = _("%(count)s notifications") % {"count": count}
    with translation.override("en"):
        subject_en = _("%(count)s notifications") % {"count": count}
    lines = [f"{subject} / {subject_en}", ""]
    shown = min(count, DIGEST_MAX_LINES)
    for text, link in zip(japanese[:shown], links[:shown], strict=True):
        lines += [f"- {text}", f"  {link}" if link else ""]
    lines.append("")
    for text, link in zip(english[:shown], links[:shown], strict=True):
        lines += [f"- {text}", f"  {link}" if link else ""]
    if count > shown:
        lines += ["", _absolute("/notifications/")]
    return f"[Shireitō] {subject}", "\n".join(line for line in lines) + "\n"


def digests_send(now: dt.datetime | None = None) -> int:
    """E-mail every person who chose the daily digest one message of their notifications not
    e-mailed yet (of the last week); they are then marked e-mailed and digested. Returns how
    many digests went out."""
    now = now or timezone.now()
    user_ids = (
        NotificationPreference.objects.filter(
            email=EmailPreference.DIGEST,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user_id", flat=True)
    )
    sent = 0
    for user_id in user_ids.iterator():
        notifications = list(
            Notification.objects.filter(
                user_id=user_id, emailed=False, created_at__gte=now - DIGEST_REACH
            )
            .select_related("user")
            .order_by("created_at", "id")
        )
        if not notifications:
            continue
        subject, body = _digest(notifications)
        try:
            send_mass_mail([(subject, body, None, [notifications[0].user.email])])
        except Exception:
            logger.exception("could not e-mail the digest of user %s", user_id)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            emailed=True, digest_at=now
        )
        sent += 1
    return sent


def mark_read(*, user: User, ids: Iterable[int] | None = None, namespace: str = "") -> int:
    """Mark the user's own notifications read (those of ``ids``, or all; of one app's
    ``namespace`` if given); another's are untouched."""
    found = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    if namespace:
        found = found.filter(kind__startswith=f"{namespace}.")
    return found.update(read_at=timezone.now())


def preference_set(*, actor: User, user: User, email: str) -> NotificationPreference:
    """Set how ``user`` wants notifications e-mailed (only they may)."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("You may only change your own notification settings."))
    rules = Rules()
    if email not in EmailPreference.values:
        rules.add("email", _("Choose how you want notifications e-mailed."))
    rules.raise_all()
    with transaction.atomic():
        current = NotificationPreference.objects.filter(user=user).first()
        if current is None:
            return audited_create(
                actor=actor, instance=NotificationPreference(user=user, email=email)
            )
        updated, _changes = audited_update(actor=actor, instance=current, email=email)
        return updated
