from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "shireito.standards"
    label = "standards"
    verbose_name = _("Standards")

    def ready(self) -> None:
        from shireito.core.jobs import register_job_kind
        from shireito.standards.tasks import catalog_import_kind

        register_job_kind(catalog_import_kind())
