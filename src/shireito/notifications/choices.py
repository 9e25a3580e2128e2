from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailPreference(models.TextChoices):
    """How a person wants their notifications e-mailed."""

    IMMEDIATE = "immediate", _("each one as it happens")
    DIGEST = "digest", _("one daily digest")
    NONE = "none", _("no e-mail")
