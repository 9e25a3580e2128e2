"""The TAXII server's settings, read from Django settings (which read the environment) with
the defaults the README lists: one place for every other module of the app."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # The API root's name in URLs: /taxii2/<root>/.
    "SHIREITO_TAXII_API_ROOT": "shireito",
    # The largest request body accepted (advertised as the API root's max_content_length).
    "SHIREITO_TAXII_MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    # Objects per page when the client gives no limit, and the most it may ask for.
    "SHIREITO_TAXII_PAGE_SIZE": 100,
    "SHIREITO_TAXII_MAX_PAGE_SIZE": 1000,
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


def api_root_name() -> str:
    return setting("SHIREITO_TAXII_API_ROOT")


def max_content_length() -> int:
    return int(setting("SHIREITO_TAXII_MAX_CONTENT_LENGTH"))


def page_size() -> int:
    return int(setting("SHIREITO_TAXII_PAGE_SIZE"))


def max_page_size() -> int:
    return int(setting("SHIREITO_TAXII_MAX_PAGE_SIZE"))
