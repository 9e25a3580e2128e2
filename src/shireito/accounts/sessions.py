"""Ending a user's sessions, wherever the session engine keeps them."""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

if TYPE_CHECKING:
    from shireito.accounts.models import User

logger = logging.getLogger(__name__)


def end_sessions_of(user: User) -> int:
    """Delete every unexpired session signed in as ``user``; the number ended.

    The database engines (``db``, ``cached_db``) know their sessions, so each one of the user's
    is deleted through its store (which clears the cache too). Engines that cannot list their
    sessions (signed cookies, a plain cache) are logged as unable: there, the deactivated user
    is still refused on every request, but a session would come back on reactivation.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    get_model = getattr(store_class, "get_model_class", None)
    if get_model is None:
        logger.warning("Session engine %s cannot end a user's sessions.", settings.SESSION_ENGINE)
        return 0
    ended = 0
    wanted = str(user.pk)
    sessions = get_model().objects.filter(expire_date__gt=timezone.now())
    for session in sessions.iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == wanted:
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended
