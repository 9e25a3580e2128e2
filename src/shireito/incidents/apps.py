import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_FIVE_MINUTES = dt.timedelta(minutes=5)


class IncidentsConfig(AppConfig):
    name = "shireito.incidents"
    label = "incidents"
    verbose_name = _("Incident reports")

    def ready(self) -> None:
        from shireito.core.periodic import register_periodic
        from shireito.incidents.tasks import overdue_notices

        register_periodic("incidents.overdue_notices", overdue_notices, every=_FIVE_MINUTES)

        from shireito.incidents import notices

        notices.register()
