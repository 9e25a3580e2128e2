"""Writes to catalogs: who may bring one in, and the one entry point every channel (page, API,
command line) uses to import a catalog or resolve a profile."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shireito.core.problems import Problem
from shireito.standards.choices import CatalogFormat
from shireito.standards.importers import (
    CatalogImportError,
    import_catalog,
    load_json,
)
from shireito.standards.models import Catalog, key_validator
from shireito.standards.permissions import may_manage_catalogs
from shireito.standards.profiles import resolve_profile

RESERVED_KEYS = {
    "compare",
    "import",
    "mappings",
    "template.csv",
    "template.xlsx",
}  # paths under /standards/


@dataclass(frozen=True)
class CatalogUpload:
    catalog: Catalog
    nodes: int
    controls: int | None
    merged_duplicates: int
    is_profile: bool


def is_profile(raw: bytes) -> bool:
    """An OSCAL document is a profile when its top-level object is ``profile``; parsed, not
    sniffed, so a catalog that mentions "profile" in its metadata stays a catalog."""
    data = load_json(raw)
    return isinstance(data, dict) and "profile" in data


def catalog_upload(
    *,
    actor,
    raw: bytes,
    fmt: str,
    key: str,
    title: str = "",
    edition: str = "",
    owner=None,
    source_name: str = "",
    against: Catalog | None = None,
) -> CatalogUpload:
    """Check the key, then import the catalog, or resolve the profile against the catalogs held
    (``against`` answers every import its back-matter does not match). All or nothing."""
    if actor is not None and owner is None and not actor.is_platform_admin:
        owner = actor.organization
    if not may_manage_catalogs(actor, owner):
        raise PermissionDenied(_("You may not import catalogs for this organization."))
    problems = []
    try:
        key_validator(key)
    except ValidationError as exc:
        problems.append(Problem("key", exc.messages[0]))
    if key in RESERVED_KEYS:
        problems.append(Problem("key", _("This key is reserved; choose another.")))
    elif Catalog.objects.filter(key=key).exists():
        problems.append(Problem("key", _("A catalog with the key %s exists already.") % key))
    if problems:
        raise CatalogImportError(problems)
    try:
        with transaction.atomic():
            if fmt == CatalogFormat.OSCAL and is_profile(raw):
                summary = resolve_profile(
                    raw,
                    actor=actor,
                    key=key,
                    title=title,
                    edition=edition,
                    owner=owner,
                    catalog=against,
                    source_name=source_name,
                )
                return CatalogUpload(summary.catalog, summary.nodes, summary.controls, 0, True)
            summary = import_catalog(
                raw,
                fmt=fmt,
                actor=actor,
                key=key,
                title=title,
                edition=edition,
                owner=owner,
                source_name=source_name,
            )
    except (ValidationError, IntegrityError) as exc:
        # what the checks above cannot see: a key taken meanwhile, a value the model refuses
        raise CatalogImportError(_problems_from(exc)) from exc
    return CatalogUpload(summary.catalog, summary.nodes, None, summary.merged_duplicates, False)


def _problems_from(exc) -> list[Problem]:
    if isinstance(exc, IntegrityError):
        return [Problem("key", _("A catalog with this key exists already."))]
    if hasattr(exc, "error_dict"):
        return [
            Problem("key" if field == "key" else "$", f"{field}: {message}")
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [Problem("$", message) for message in exc.messages]
