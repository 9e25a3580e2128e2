from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django 6 labels every select's empty choice with this string (``BLANK_CHOICE_LABEL``), which
# its Japanese catalog does not translate yet: ours does. Marked here so the string stays in
# our catalog when it is extracted afresh.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")


class CoreConfig(AppConfig):
    name = "shireito.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from shireito.core.periodic import register_periodic
        from shireito.core.tasks import CORE_PERIODIC_JOBS

        for name, job, every in CORE_PERIODIC_JOBS:
            register_periodic(name, job, every=every)
