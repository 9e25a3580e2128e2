from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    """What sort of body an organisation is; the governance model gives each kind its roles."""

    CABINET = "cabinet", _("Cabinet")
    DIGITAL_AGENCY = "digital_agency", _("Digital Agency")
    NATIONAL_CYBER_CENTRE = "national_cyber_centre", _("national cybersecurity centre")
    MINISTRY = "ministry", _("ministry")
    INDEPENDENT_AGENCY = "independent_agency", _("independent administrative agency")
    LOCAL_GOVERNMENT = "local_government", _("local government")
    CI_OPERATOR = "ci_operator", _("critical-infrastructure operator")
    OVERSEAS_COUNTERPART = "overseas_counterpart", _("overseas counterpart")
    OTHER = "other", _("other body")
