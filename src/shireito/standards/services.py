"""Writes to catalogs: the one entry point every channel (page, API, command line) uses to
import a catalog or resolve a profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shireito.core.problems import Problem
from shireito.standards.choices import CatalogFormat
from shireito.standards.importers import (
    CatalogImportError,
    import_catalog,
    load_json,
)
from shireito.standards.models import Catalog
from shireito.standards.permissions import import_owner
from shireito.standards.profiles import resolve_profile
from shireito.standards.tree import key_problems

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

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


def catalog_upload(
    *,
    actor: User | None,
    raw: bytes,
    fmt: str,
    key: str,
    title: str = "",
    edition: str = "",
    owner: Organization | None = None,
    source_name: str = "",
    against: Catalog | None = None,
) -> CatalogUpload:
    """Check the key, then import the catalog, or resolve the profile against the catalogs held
    (``against`` answers every import its back-matter does not match). All or nothing."""
    owner = import_owner(actor, owner)
    problems = key_problems(
        key,
        reserved=RESERVED_KEYS,
        taken=Catalog.objects.filter(key=key).exists(),
        taken_message=_("A catalog with the key %s exists already.") % key,
    )
    if problems:
        raise CatalogImportError(problems)
    about = {"key": key, "title": title, "edition": edition, "source_name": source_name}
    try:
        with transaction.atomic():
            # An OSCAL document is parsed once, here, and read as a profile or a catalog.
            document = load_json(raw) if fmt == CatalogFormat.OSCAL else None
            if isinstance(document, dict) and "profile" in document:
                resolved = resolve_profile(raw, actor=actor, owner=owner, catalog=against, **about)
                return CatalogUpload(resolved.catalog, resolved.nodes, resolved.controls, 0, True)
            summary = import_catalog(
                raw, fmt=fmt, actor=actor, owner=owner, document=document, **about
            )
    except (ValidationError, IntegrityError) as exc:
        # what the checks above cannot see: a key taken meanwhile, a value the model refuses
        raise CatalogImportError(_problems_from(exc)) from exc
    return CatalogUpload(summary.catalog, summary.nodes, None, summary.merged_duplicates, False)


def _problems_from(exc: ValidationError | IntegrityError) -> list[Problem]:
    if isinstance(exc, IntegrityError):
        return [Problem("key", _("A catalog with this key exists already."))]
    if hasattr(exc, "error_dict"):
        return [
            Problem("key" if field == "key" else "$", f"{field}: {message}")
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [Problem("$", message) for message in exc.messages]
