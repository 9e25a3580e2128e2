from django.utils.functional import SimpleLazyObject

from shireito.notifications.selectors import unread_count


def notifications(request):
    """The signed-in user's unread notifications, counted (only when a page shows the count)
    for the header's link to the notifications page."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: unread_count(user))}
