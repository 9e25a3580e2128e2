from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "shireito.sharing"
    label = "sharing"
    verbose_name = _("Sharing (STIX and TAXII)")
