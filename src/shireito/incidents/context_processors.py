from django.utils.functional import SimpleLazyObject

from shireito.incidents.selectors import unread_notice_count


def notices(request):
    """The signed-in user's unread notices, counted (only when a page shows the count) for
    the header's link to the notices page."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"unread_notice_count": SimpleLazyObject(lambda: unread_notice_count(user))}
