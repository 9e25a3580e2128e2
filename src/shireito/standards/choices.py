from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NodeKind(models.TextChoices):
    """What a node of a catalog is, in the words of the standard it comes from."""

    PART = "part", _("part")
    SECTION = "section", _("section")
    SUBSECTION = "subsection", _("subsection")
    MEASURE = "measure", _("measure")
    REQUIREMENT = "requirement", pgettext_lazy("catalog node", "requirement")
    BASIC_MEASURE = "basic_measure", pgettext_lazy("catalog node", "basic measure")
    SUB_ITEM = "sub_item", _("sub-item")
    GROUP = "group", _("group")
    CONTROL = "control", _("control")
    ENHANCEMENT = "enhancement", _("control enhancement")


class CatalogFormat(models.TextChoices):
    OSCAL = "oscal", "OSCAL JSON"
    COMMON_STANDARDS_JSON = "common-standards-json", _("Common Standards JSON")
    CSV = "csv", _("Spreadsheet (CSV)")
    XLSX = "xlsx", _("Spreadsheet (XLSX)")


class MappingRelationship(models.TextChoices):
    """How a control of one catalog relates to a control of another (the OSCAL 1.2 control
    mapping's set-theory relationships)."""

    EQUAL = "equal", _("equal")
    SUBSET = "subset", _("subset (narrower)")
    SUPERSET = "superset", _("superset (wider)")
    INTERSECTS = "intersects", _("intersects")
    NO_RELATIONSHIP = "no-relationship", _("not related")


# a source control satisfied means the target control is covered
COVERING = {MappingRelationship.EQUAL, MappingRelationship.SUPERSET}
