from django.db import models
from django.utils.translation import pgettext_lazy


class StatusState(models.TextChoices):
    """A TAXII status resource's ``status``: every write here finishes within its request."""

    PENDING = "pending", pgettext_lazy("TAXII status", "pending")
    COMPLETE = "complete", pgettext_lazy("TAXII status", "complete")
