"""Reading a user's notifications and preference, through the one scoping layer."""

from __future__ import annotations

from django.db.models import QuerySet

from shireito.core.scoping import visible_to
from shireito.notifications.choices import EmailPreference
from shireito.notifications.models import Notification, NotificationPreference


def notifications_for(
    user, *, unread_only: bool = False, namespace: str = ""
) -> QuerySet[Notification]:
    """The user's own notifications, newest first (of one app's ``namespace`` if given)."""
    found = visible_to(user, Notification.objects.filter(user=user))
    if unread_only:
        found = found.filter(read_at=None)
    if namespace:
        found = found.filter(kind__startswith=f"{namespace}.")
    return found


def unread_count(user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return notifications_for(user, unread_only=True).count()


def email_preference(user) -> str:
    found = (
        visible_to(user, NotificationPreference.objects.filter(user=user))
        .values_list("email", flat=True)
        .first()
    )
    return found or EmailPreference.IMMEDIATE
