from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user may do within their organisation. Platform admins act across all of them."""

    VIEWER = "viewer", _("viewer")
    EDITOR = "editor", _("editor")
    AUDITOR = "auditor", _("auditor")
    INCIDENT_HANDLER = "incident_handler", _("incident handler")
    ORG_ADMIN = "org_admin", _("organization admin")
    PLATFORM_ADMIN = "platform_admin", _("platform admin")


class TokenScope(models.TextChoices):
    """What an API token may be used for, chosen when it is made (see docs/security.md)."""

    READ_ONLY = "read_only", _("read only (API and TAXII reads)")
    READ_WRITE = "read_write", _("read and write (API and TAXII)")
    TAXII = "taxii", _("TAXII only (reads and writes)")
