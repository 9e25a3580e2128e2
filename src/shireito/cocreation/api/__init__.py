"""The co-creation platform over the API: spaces, threads and posts, answers, proposals,
search, follows and moderation, one module per part on one router (imported here in the
order their operations appear in the OpenAPI document). Every read goes through the app's
selectors; every write through its services."""

from shireito.cocreation.api import (  # noqa: F401 - each adds its operations
    answers,
    follows,
    moderation,
    proposals,
    search,
    spaces,
    threads,
)
from shireito.cocreation.api.common import router

__all__ = ["router"]
