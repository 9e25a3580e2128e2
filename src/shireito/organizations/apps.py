from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from shireito.core.scoping import register_visibility_rule


class OrganizationsConfig(AppConfig):
    name = "shireito.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        # Here, not at the top: the rule reaches the models, which load only once the app
        # registry is ready.
        from shireito.organizations.scoping import mandate_visibility

        register_visibility_rule(mandate_visibility)
