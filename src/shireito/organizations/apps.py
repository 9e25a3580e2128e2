from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "shireito.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from shireito.core.scoping import register_visibility_rule
        from shireito.organizations.scoping import mandate_visibility

        register_visibility_rule(mandate_visibility)
