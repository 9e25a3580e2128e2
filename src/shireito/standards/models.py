"""Security standards as versioned catalogs: a tree of groups and controls of any depth.

A catalog edition, once imported, does not change: a new edition is a new catalog. So the
import is audited as one event (with the node count and a checksum of the source), not as one
row per node, and the nodes can be written in bulk.
"""

from __future__ import annotations

import re
from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shireito.core.history import ChangeKey
from shireito.core.models import TimeStampedModel
from shireito.organizations.choices import ScopeClass
from shireito.standards.choices import CatalogFormat, MappingRelationship, NodeKind

key_validator = RegexValidator(
    r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$",
    _("Use lower-case letters, digits, dots and single hyphens."),
)


class Published(TimeStampedModel):
    """A standard or a mapping between standards: published, so every signed-in user may read
    it (the directory scope), managed by its owner, listed by key."""

    scope_class = ScopeClass.DIRECTORY
    scope_path = "owner"
    # Changes the importers record under names that are not fields (see core.history).
    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {
        "nodes": ChangeKey(label=_("number of items")),
        "entries": ChangeKey(label=_("number of entries")),
        "merged_duplicate_entries": ChangeKey(label=_("duplicate entries merged")),
    }

    class Meta:
        abstract = True
        ordering = ["key"]


class Catalog(Published):
    """One edition of a standard (e.g. the Common Standards, 令和7年度版)."""

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    edition = models.CharField(_("edition"), max_length=100, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalogs",
    )
    oscal_uuid = models.UUIDField(_("OSCAL uuid"), null=True, blank=True)
    oscal_version = models.CharField(_("OSCAL version"), max_length=20, blank=True)
    source_format = models.CharField(_("imported from"), max_length=40, blank=True)
    source_sha256 = models.CharField(_("source checksum"), max_length=64, blank=True)
    source_name = models.CharField(_("source file name"), max_length=255, blank=True)
    metadata = models.JSONField(_("OSCAL metadata"), default=dict, blank=True)
    derived_from = models.ManyToManyField(
        "self",
        verbose_name=_("derived from"),
        symmetrical=False,
        blank=True,
        related_name="derivatives",
    )
    profile = models.JSONField(_("OSCAL profile"), default=dict, blank=True)
    back_matter = models.JSONField(_("OSCAL back-matter"), default=dict, blank=True)

    class Meta(Published.Meta):
        verbose_name = _("catalog")
        verbose_name_plural = _("catalogs")

    def __str__(self) -> str:
        return f"{self.title} {self.edition}".strip()

    @property
    def content_language(self) -> str:
        """The language of the catalog's own text, for ``lang`` on it (WCAG 3.1.2): NIST's
        text is English inside a Japanese page. Told by the title: kana or kanji → ja."""
        return "ja" if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", self.title) else "en"

    @property
    def source_format_label(self) -> str:
        if self.source_format == "oscal-profile":
            return str(_("OSCAL profile (resolved)"))
        labels = dict(CatalogFormat.choices)
        return str(labels.get(self.source_format, self.source_format))


class CatalogNode(models.Model):
    """A group or control of a catalog. ``label`` is the id as published (``2.1.1(1)(a)``,
    ``AC-1``); ``oscal_id`` a valid OSCAL token derived from it (or the file's own id)."""

    catalog = models.ForeignKey(
        Catalog, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("catalog")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent item"),
    )
    position = models.PositiveIntegerField(_("position"))
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    is_group = models.BooleanField(_("is a group"), default=False)
    kind = models.CharField(_("kind"), max_length=20, choices=NodeKind.choices)
    oscal_id = models.CharField(_("OSCAL id"), max_length=200)
    label = models.CharField(_("id as published"), max_length=200)
    title = models.TextField(_("title"), blank=True)
    statement = models.TextField(_("statement"), blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    oscal_class = models.CharField(_("OSCAL class"), max_length=100, blank=True)
    params = models.JSONField(_("parameters"), default=list, blank=True)
    props = models.JSONField(_("properties"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    parts = models.JSONField(_("OSCAL parts"), default=list, blank=True)
    source = models.ForeignKey(
        "self",
        verbose_name=_("derived from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
        help_text=_("The control of the source catalog a derived (profiled) control comes from."),
    )

    scope_class = ScopeClass.DIRECTORY
    scope_path = "catalog__owner"

    class Meta:
        ordering = ["catalog_id", "position"]
        verbose_name = _("catalog node")
        verbose_name_plural = _("catalog nodes")
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "oscal_id"], name="catalog_node_oscal_id_unique"
            ),
            models.UniqueConstraint(
                fields=["catalog", "position"], name="catalog_node_position_unique"
            ),
        ]
        indexes = [models.Index(fields=["catalog", "label"], name="catalog_node_label_idx")]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()


class CatalogMapping(Published):
    """How the controls of one catalog relate to those of another, e.g. the Common Standards
    against NIST SP 800-53. Like a catalog edition it is imported whole: a revision is a new
    mapping."""

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    title = models.CharField(_("title"), max_length=300)
    source = models.ForeignKey(
        Catalog, verbose_name=_("source catalog"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(
        Catalog, verbose_name=_("target catalog"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalog_mappings",
    )
    source_sha256 = models.CharField(_("source checksum"), max_length=64, blank=True)

    class Meta(Published.Meta):
        verbose_name = _("catalog mapping")
        verbose_name_plural = _("catalog mappings")

    def __str__(self) -> str:
        return self.title


class MappingEntry(models.Model):
    mapping = models.ForeignKey(
        CatalogMapping,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("catalog mapping"),
    )
    source = models.ForeignKey(
        CatalogNode, verbose_name=_("source control"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(
        CatalogNode, verbose_name=_("target control"), on_delete=models.PROTECT, related_name="+"
    )
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=MappingRelationship.choices
    )
    note = models.TextField(_("note"), blank=True)

    scope_class = ScopeClass.DIRECTORY
    scope_path = "mapping__owner"

    class Meta:
        ordering = ["mapping_id", "id"]
        verbose_name = _("mapping entry")
        verbose_name_plural = _("mapping entries")
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "source", "target"], name="mapping_entry_pair_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source.label} → {self.target.label}"
