"""The national centre publishes a sanitised incident report into a TAXII collection.

Only incident handlers (or the admin) of the organisation that holds the national centre's role
on the day, and only once the report has reached it, may publish. The centre writes its own
title, summary and TLP for sharing; the report's sanitised STIX bundle (``stix.SHARED_FIELDS``
and nothing else) goes to the collection through the sharing app's one write path
(``sharing.services.objects_add``), which refuses objects above the collection's TLP ceiling.
Everything happens in one transaction: the shared fields (audited), the timeline entry and the
objects, or none of it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.services import audited_update
from shireito.incidents import stix
from shireito.incidents.choices import EntryKind
from shireito.incidents.models import IncidentReport
from shireito.incidents.permissions import may_publish
from shireito.incidents.services.base import _entry, _lock
from shireito.sharing.choices import TLP_RANK, Tlp, tlp_allows
from shireito.sharing.services import objects_add, objects_delete

if TYPE_CHECKING:
    from shireito.accounts.models import User


def _clean(shared_title: str, shared_summary: str, shared_tlp: str, collection, report) -> tuple:
    errors: dict[str, str] = {}
    title = (shared_title or "").strip()
    summary = (shared_summary or "").strip()
    if not title:
        errors["shared_title"] = _("Give a title for sharing.")
    elif len(title) > 200:
        errors["shared_title"] = _("At most 200 characters.")
    if not summary:
        errors["shared_summary"] = _("Write the summary to share.")
    elif len(summary) > 20_000:
        errors["shared_summary"] = _("At most 20000 characters.")
    if shared_tlp not in Tlp.values:
        errors["shared_tlp"] = _("Choose one of: %s.") % ", ".join(Tlp.values)
    elif not tlp_allows(shared_tlp, report.tlp):
        # TLP binds the recipient: what the reporter marked AMBER is not the centre's to share
        # as GREEN, however it is summarised.
        errors["shared_tlp"] = _(
            "The reporter marked the report %(level)s; share it at that level or a more "
            "restricted one."
        ) % {"level": Tlp(report.tlp).label}
    elif collection is not None and not tlp_allows(collection.max_tlp, shared_tlp):
        errors["shared_tlp"] = _(
            "The collection accepts nothing above %(ceiling)s; choose that or a less "
            "restricted level."
        ) % {"ceiling": Tlp(collection.max_tlp).label}
    if collection is None:
        errors["collection"] = _("Choose a collection.")
    if errors:
        raise ValidationError(errors)
    return title, summary


def report_publish(
    *,
    actor: User,
    report: IncidentReport,
    collection,
    shared_title: str,
    shared_summary: str,
    shared_tlp: str,
    now: dt.datetime | None = None,
):
    """Publish the sanitised report into ``collection``; returns the TAXII status of the write.

    Objects whose content is what was published before keep their version; changed ones get a
    new ``modified`` (``stix.report_bundle`` decides, from the last publication's versions).
    """
    now = now or timezone.now()
    if not may_publish(actor, report, now=now):
        raise PermissionDenied(
            _(
                "Only incident handlers of the national centre, once the report has reached it, "
                "may publish it."
            )
        )
    title, summary = _clean(shared_title, shared_summary, shared_tlp, collection, report)
    with transaction.atomic():
        report = _lock(report)
        report, _changes = audited_update(
            actor=actor,
            instance=report,
            shared_title=title,
            shared_summary=summary,
            shared_tlp=shared_tlp,
            shared_at=now,
        )
        # The objects name the publishing organisation as their creator: the collection
        # accepts no other (only an object's creator publishes and versions it).
        bundle = stix.report_bundle(report, sanitised=True, publisher=actor.organization)
        _withdraw(actor, report, collection, bundle, shared_tlp)
        status = objects_add(actor=actor, collection=collection, objects=bundle["objects"], now=now)
        if status.failure_count:
            failures = "; ".join(
                f"{failure.get('id')}: {failure.get('message', '')}".strip()
                for failure in (status.failures or [])[:10]
            )
            # Rolls back everything above, the collection's objects and status included.
            raise ValidationError(
                {"collection": _("The collection refused some objects: %s") % failures}
            )
        _entry(
            report,
            EntryKind.PUBLISHED,
            at=now,
            actor=actor,
            text=title,
            details={
                "collection": str(collection.pk),
                "collection_title": collection.title,
                "tlp": shared_tlp,
                "status": str(status.pk),
                "objects": len(bundle["objects"]),
                "versions": stix.bundle_versions(bundle),
                "ids": sorted(obj["id"] for obj in bundle["objects"]),
            },
        )
    return status


# Objects a publication shares with other reports or that say nothing of this one: never
# withdrawn with it.
_NEVER_WITHDRAWN = ("marking-definition--", "extension-definition--", "identity--")


def _withdraw(
    actor: User, report: IncidentReport, collection, bundle: dict, shared_tlp: str
) -> int:
    """Before publishing again: delete from the collection what an earlier publication of
    this report put there and this one no longer shares (an indicator no longer shareable),
    and, when the TLP became more restricted, every earlier version (readers cleared for the
    old level must not keep reading them)."""
    earlier = [
        entry.details
        for entry in report.timeline.filter(kind=EntryKind.PUBLISHED)
        if entry.details.get("collection") == str(collection.pk)
    ]
    if not earlier:
        return 0
    published = {
        stix_id
        for details in earlier
        for stix_id in [*(details.get("versions") or {}), *(details.get("ids") or [])]
        if not stix_id.startswith(_NEVER_WITHDRAWN)
    }
    stricter = any(
        TLP_RANK.get(details.get("tlp"), 0) < TLP_RANK[shared_tlp] for details in earlier
    )
    kept = {obj["id"] for obj in bundle["objects"]}
    withdrawn = published if stricter else published - kept
    for stix_id in sorted(withdrawn):
        objects_delete(actor=actor, collection=collection, stix_id=stix_id)
    return len(withdrawn)
