from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CocreationConfig(AppConfig):
    name = "shireito.cocreation"
    label = "cocreation"
    verbose_name = _("Co-creation platform")

    def ready(self) -> None:
        # Imported here: the rule reads organisations, which exist only once the registry does.
        from shireito.cocreation.scoping import cocreation_visibility
        from shireito.core.scoping import register_visibility_rule

        register_visibility_rule(cocreation_visibility)

        from shireito.cocreation import notices

        notices.register()
