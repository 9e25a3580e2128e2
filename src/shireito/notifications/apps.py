import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "shireito.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Imported here: the task module loads models, which exist only once the registry does.
        from shireito.core.periodic import register_periodic
        from shireito.notifications.tasks import digests_send

        # Named after its task, as every periodic job is.
        register_periodic("notifications.digests_send", digests_send, every=dt.timedelta(days=1))
