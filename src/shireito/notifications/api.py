"""The user's notifications over the API: list, unread count, mark read, e-mail preference."""

from ninja import Query, Router
from ninja.pagination import paginate

from shireito.core.pagination import Pagination
from shireito.notifications import registry, selectors, services
from shireito.notifications.schemas import (
    NotificationCountOut,
    NotificationFilters,
    NotificationOut,
    NotificationPreferenceIo,
    NotificationsReadIn,
    NotificationsReadOut,
)

router = Router(tags=["notifications"])


def _namespace(asked: str) -> str:
    return asked if asked in dict(registry.namespaces()) else ""


@router.get(
    "",
    response=list[NotificationOut],
    operation_id="notifications_list",
    summary="My notifications, newest first",
)
@paginate(Pagination)
def notifications_list(request, filters: Query[NotificationFilters]):
    return selectors.notifications_for(
        request.auth, unread_only=filters.unread, namespace=_namespace(filters.app)
    )


@router.get(
    "/unread",
    response=NotificationCountOut,
    operation_id="notifications_unread_count",
    summary="How many of my notifications are unread",
)
def notifications_unread_count(request):
    return {"unread": selectors.unread_count(request.auth)}


@router.post(
    "/read",
    response=NotificationsReadOut,
    operation_id="notifications_mark_read",
    summary="Mark notifications of mine as read (those named, or all)",
)
def notifications_mark_read(request, payload: NotificationsReadIn):
    changed = services.mark_read(
        user=request.auth, ids=payload.ids, namespace=_namespace(payload.app)
    )
    return {"changed": changed}


@router.get(
    "/preference",
    response=NotificationPreferenceIo,
    operation_id="notifications_preference_get",
    summary="How I want my notifications e-mailed",
)
def notifications_preference_get(request):
    return {"email": selectors.email_preference(request.auth)}


@router.put(
    "/preference",
    response=NotificationPreferenceIo,
    operation_id="notifications_preference_set",
    summary="Set how I want my notifications e-mailed",
)
def notifications_preference_set(request, payload: NotificationPreferenceIo):
    preference = services.preference_set(actor=request.auth, user=request.auth, email=payload.email)
    return {"email": preference.email}
