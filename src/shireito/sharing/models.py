"""TAXII 2.1 collections, who may read and write them, the STIX objects they hold and the status
of each write.

Paging reads must cost the same on the first page and on the ten-thousandth, at a million
objects: every read walks an index in ``(date_added, id)`` order from a keyset cursor. The
spec's default (``match[version]=last``) asks for the newest version of each object only;
``is_latest`` is kept true on exactly that row per (collection, STIX id) by every write, so the
default read is a plain range scan of ``sharing_object_latest_idx`` instead of a per-object
``MAX(version)`` subquery.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shireito.core.history import ChangeKey
from shireito.core.models import TimeStampedModel
from shireito.organizations.choices import ScopeClass
from shireito.sharing.choices import StatusState, Tlp

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"


class Collection(TimeStampedModel):
    """A TAXII collection: a set of STIX objects one organisation owns and shares with the
    organisations it gives access to (``CollectionAccess``). Objects marked above ``max_tlp``
    are refused on write."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    alias = models.SlugField(_("alias"), max_length=100, blank=True)
    media_types = models.JSONField(_("media types"), default=list, blank=True)
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="taxii_collections",
    )
    max_tlp = models.CharField(
        _("highest TLP accepted"), max_length=16, choices=Tlp.choices, default=Tlp.AMBER
    )

    # Visible to the owner and to the organisations with an access row; never widened by
    # mandates (sharing is by explicit agreement, per collection and per counterpart).
    scope_path = ("owner", "accesses__organization")
    scope_class = ScopeClass.OWN
    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {
        "objects_filled": ChangeKey(label=_("objects filled")),
        "seed": ChangeKey(label=_("random seed")),
    }

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("TAXII collection")
        verbose_name_plural = _("TAXII collections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_tlp__in=Tlp.values), name="sharing_collection_tlp_valid"
            ),
            # TAXII: an alias is unique within the API root (there is one).
            models.UniqueConstraint(
                fields=["alias"], condition=~models.Q(alias=""), name="sharing_collection_alias"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CollectionAccess(TimeStampedModel):
    """What one organisation may do with one collection, and the most restricted TLP level it
    may read there (TLP:RED only when given explicitly)."""

    collection = models.ForeignKey(
        Collection,
        verbose_name=_("TAXII collection"),
        on_delete=models.CASCADE,
        related_name="accesses",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="taxii_accesses",
    )
    can_read = models.BooleanField(_("may read"), default=True)
    can_write = models.BooleanField(_("may write"), default=False)
    max_tlp = models.CharField(
        _("highest TLP readable"), max_length=16, choices=Tlp.choices, default=Tlp.GREEN
    )

    scope_path = ("organization", "collection__owner")
    scope_class = ScopeClass.OWN

    class Meta:
        ordering = ["collection", "organization"]
        verbose_name = _("collection access")
        verbose_name_plural = _("collection accesses")
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "organization"], name="sharing_access_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(max_tlp__in=Tlp.values), name="sharing_access_tlp_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}: {self.organization_id}"


class StixObject(models.Model):
    """One version of one STIX object in one collection, as it was posted.

    ``creator`` is the organisation that wrote the object's first version (the only one that
    may add versions; it or the collection's owner may delete them): whatever
    ``created_by_ref`` the object names was checked to be that organisation's identity.
    ``version`` is the object's ``modified`` (else ``created``, else the time it was added);
    ``is_latest`` marks the newest version per (collection, ``stix_id``), maintained by every
    write so the default read needs no per-object aggregate. ``tlp`` is the most restrictive
    TLP marking, or the collection's ceiling for an object with none.
    """

    collection = models.ForeignKey(
        Collection,
        on_delete=models.CASCADE,
        related_name="stix_objects",
        db_index=False,
        verbose_name=_("TAXII collection"),
    )
    stix_id = models.CharField(_("STIX id"), max_length=300)
    # Never looked up on its own (always with the collection and STIX id): no index to keep.
    creator = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("created by"),
    )
    type = models.CharField(_("STIX type"), max_length=250)
    spec_version = models.CharField(_("spec version"), max_length=10, default="2.1")
    version = models.DateTimeField(_("version"))
    date_added = models.DateTimeField(_("date added"))
    is_latest = models.BooleanField(default=True, verbose_name=_("latest version"))
    tlp = models.CharField(_("TLP"), max_length=16, choices=Tlp.choices)
    body = models.JSONField(_("STIX object"))

    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {"versions": ChangeKey(label=_("versions"))}

    scope_path = ("collection__owner", "collection__accesses__organization")
    scope_class = ScopeClass.OWN

    class Meta:
        ordering = ["date_added", "id"]
        verbose_name = _("STIX object")
        verbose_name_plural = _("STIX objects")
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "stix_id", "version"], name="sharing_object_version_unique"
            ),
            # At most one latest version per object: the default read depends on it.
            models.UniqueConstraint(
                fields=["collection", "stix_id"],
                condition=models.Q(is_latest=True),
                name="sharing_object_one_latest",
            ),
            models.CheckConstraint(
                condition=models.Q(tlp__in=Tlp.values), name="sharing_object_tlp_valid"
            ),
        ]
        indexes = [
            # The default read (latest versions only), in page order.
            models.Index(
                fields=["collection", "is_latest", "date_added", "id"],
                name="sharing_object_latest_idx",
            ),
            # match[version]=all|first|<timestamp>, the manifest of every version, and paging
            # of one object's versions.
            models.Index(
                fields=["collection", "date_added", "id"], name="sharing_object_added_idx"
            ),
            # Readers cleared for fewer than every TLP level: one range scan per readable level,
            # merged (selectors.objects_page), on the default read and on every version.
            models.Index(
                fields=["collection", "is_latest", "tlp", "date_added", "id"],
                name="sharing_object_latest_tlp_idx",
            ),
            models.Index(
                fields=["collection", "tlp", "date_added", "id"], name="sharing_object_tlp_idx"
            ),
            # match[type] on the default read.
            models.Index(
                fields=["collection", "type", "is_latest", "date_added", "id"],
                name="sharing_object_type_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stix_id} {self.version.isoformat()}"


class Status(models.Model):
    """The outcome of one write to a collection (the TAXII status resource). Kept with the
    organisation that wrote, which alone (and platform admins) may read it back."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    collection = models.ForeignKey(
        Collection,
        verbose_name=_("TAXII collection"),
        on_delete=models.CASCADE,
        related_name="statuses",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        pgettext_lazy("TAXII", "status"),
        max_length=16,
        choices=StatusState.choices,
        default=StatusState.COMPLETE,
    )
    request_timestamp = models.DateTimeField(_("requested at"))
    total_count = models.PositiveIntegerField(default=0, verbose_name=_("total count"))
    success_count = models.PositiveIntegerField(default=0, verbose_name=_("success count"))
    failure_count = models.PositiveIntegerField(default=0, verbose_name=_("failure count"))
    pending_count = models.PositiveIntegerField(default=0, verbose_name=_("pending count"))
    # [{"id", "version", "message"?}], as the status resource shows them.
    successes = models.JSONField(default=list, blank=True)
    failures = models.JSONField(default=list, blank=True)
    pendings = models.JSONField(default=list, blank=True)

    scope_path = "organization"
    scope_class = ScopeClass.OWN
    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {
        "objects_added": ChangeKey(label=_("objects added"))
    }
    # One audit row per write lists what was added; the per-object lists are in the row.
    audit_ignored_fields = frozenset({"successes", "failures", "pendings"})

    class Meta:
        ordering = ["-request_timestamp", "id"]
        verbose_name = _("TAXII status")
        verbose_name_plural = _("TAXII statuses")

    def __str__(self) -> str:
        return str(self.id)
