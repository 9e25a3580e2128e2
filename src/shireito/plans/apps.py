import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "shireito.plans"
    label = "plans"
    verbose_name = _("Priority plan")

    def ready(self) -> None:
        # Imported here: these modules load models, which exist only once the app registry is.
        from shireito.core.panels import register_panel
        from shireito.core.periodic import register_periodic
        from shireito.plans.tasks import flags_refresh
        from shireito.plans.views.panels import system_measures

        # The system page (registry, below plans) lists the measures a system serves.
        register_panel("registry.system", system_measures)
        register_periodic("plans.flags_refresh", flags_refresh, every=dt.timedelta(days=1))

        from shireito.plans import notices

        notices.register()
