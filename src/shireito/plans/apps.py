from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "shireito.plans"
    label = "plans"
    verbose_name = _("Priority plan")

    def ready(self) -> None:
        # The system page (registry, below plans) lists the measures a system serves.
        from shireito.core.panels import register_panel
        from shireito.plans.views.panels import system_measures

        register_panel("registry.system", system_measures)
