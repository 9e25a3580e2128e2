from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CocreationConfig(AppConfig):
    name = "shireito.cocreation"
    label = "cocreation"
    verbose_name = _("Co-creation platform")

    def ready(self) -> None:
        # Imported here: the rule reads organisations, which exist only once the registry does.
        from shireito.cocreation.scoping import cocreation_visibility
        from shireito.cocreation.views.outcome_panels import measure_proposals, system_proposals
        from shireito.core.panels import register_panel
        from shireito.core.scoping import register_visibility_rule

        register_visibility_rule(cocreation_visibility)
        # Post hooks register themselves on import.
        from shireito.cocreation import mentions  # noqa: F401

        # An adopted proposal shows on the page of what carries it out.
        register_panel("registry.system", system_proposals)
        register_panel("plans.measure", measure_proposals)

        from shireito.cocreation import notices

        notices.register()
