"""The sharing vocabulary: TLP, which incident reports are marked with too, and TAXII's
statuses. Owned here so that sharing needs nothing from the apps that share through it."""

from django.db import models
from django.utils.translation import pgettext_lazy


class StatusState(models.TextChoices):
    """A TAXII status resource's ``status``: every write here finishes within its request."""

    PENDING = "pending", pgettext_lazy("TAXII status", "pending")
    COMPLETE = "complete", pgettext_lazy("TAXII status", "complete")


class Tlp(models.TextChoices):
    """Traffic Light Protocol 2.0, least to most restricted. TLP 1.0's WHITE reads as CLEAR."""

    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber_strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


TLP_RANK = {tlp: rank for rank, tlp in enumerate(Tlp.values)}


def tlp_allows(ceiling: str, level: str) -> bool:
    """Whether information marked ``level`` may go where ``ceiling`` is the most allowed."""
    return TLP_RANK[level] <= TLP_RANK[ceiling]
