from django import template

from shireito.cocreation.selectors.follows import is_following

register = template.Library()


@register.simple_tag(takes_context=True)
def following(context, kind, key) -> bool:
    """Whether the signed-in user follows what ``kind`` and ``key`` name."""
    request = context.get("request")
    return is_following(getattr(request, "user", None), str(kind), str(key))
