"""Limits every imported file meets before any work is done on it: its bytes (per kind, from
the settings, checked before the file is read into memory), and, for an XLSX workbook, its
uncompressed size and number of parts (checked on the zip directory before openpyxl parses a
byte of it). Every importer (systems, catalogs, mappings, control results, STIX bundles)
asks here, so a 430 KB workbook that expands to 147 MB, or a 21 MB one-line CSV, is refused
at once with a clear message instead of holding a worker for a minute.

``RequestSizeLimitMiddleware`` refuses a request whose declared body is larger than the
largest upload of any kind with a 413 before Django reads it.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

MB = 1024 * 1024


class FileRefused(ValueError):
    """A file refused before it was parsed; ``str()`` is the translated reason."""


def limit_of(setting: str) -> int:
    """An upload limit in bytes, from the settings."""
    return int(getattr(settings, setting))


def refuse_oversized(size: int | None, *, limit: int) -> None:
    """``FileRefused`` when ``size`` bytes are more than ``limit``."""
    if size is not None and size > limit:
        raise FileRefused(_("The file is larger than %s MB.") % f"{limit / MB:g}")


def read_capped(upload: Any, *, limit: int) -> bytes:
    """An uploaded file's bytes, refused by its size before it is read, and read no further
    than one byte past ``limit`` whatever size it claims."""
    refuse_oversized(getattr(upload, "size", None), limit=limit)
    data = upload.read(limit + 1)
    refuse_oversized(len(data), limit=limit)
    return data


def check_xlsx(raw: bytes) -> None:
    """``FileRefused`` for a workbook whose parts would expand past the setting
    ``SHIREITO_XLSX_MAX_UNCOMPRESSED_BYTES`` or number more than
    ``SHIREITO_XLSX_MAX_PARTS``, or that is no zip archive at all. Only the zip directory is
    read; zipfile never inflates a part past the size the directory declares, so the sum
    bounds what openpyxl can read."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileRefused(_("Not an XLSX workbook.")) from exc
    if len(parts) > limit_of("SHIREITO_XLSX_MAX_PARTS"):
        raise FileRefused(
            _("The workbook has more than %d parts.") % limit_of("SHIREITO_XLSX_MAX_PARTS")
        )
    expanded = sum(part.file_size for part in parts)
    limit = limit_of("SHIREITO_XLSX_MAX_UNCOMPRESSED_BYTES")
    if expanded > limit:
        raise FileRefused(
            _("The workbook expands to %(size)s MB; at most %(limit)s MB are read.")
            % {"size": f"{expanded / MB:.0f}", "limit": f"{limit / MB:g}"}
        )


class RequestSizeLimitMiddleware:
    """A request declaring a body larger than ``SHIREITO_REQUEST_MAX_BYTES`` is answered 413
    before anything reads it (an upload of any kind is smaller)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = limit_of("SHIREITO_REQUEST_MAX_BYTES")
        if declared > limit:
            return HttpResponse(
                _("The request is larger than %s MB.") % f"{limit / MB:g}",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
