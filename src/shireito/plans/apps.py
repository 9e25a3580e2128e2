import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "shireito.plans"
    label = "plans"
    verbose_name = _("Priority plan")

    def ready(self) -> None:
        # Imported here: the task's module loads models.
        from shireito.core.periodic import register_periodic
        from shireito.plans.tasks import flags_refresh

        register_periodic("plans.flags_refresh", flags_refresh, every=dt.timedelta(days=1))
