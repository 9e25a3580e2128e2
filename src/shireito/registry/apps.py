import datetime as dt

from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "shireito.registry"
    label = "registry"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        # Imported here: these modules load models, which exist only once the app registry is.
        from django.db.models.signals import post_save, pre_save

        from shireito.core.jobs import register_job_kind
        from shireito.core.periodic import register_periodic
        from shireito.core.selectors import register_change_redactor
        from shireito.organizations.choices import SystemCategory
        from shireito.organizations.models import Organization
        from shireito.registry import tallies
        from shireito.registry.selectors import redact_related
        from shireito.registry.tasks import (
            summary_refresh,
            systems_export_kind,
            systems_import_kind,
        )
        from shireito.registry.transfer import COLUMNS

        register_change_redactor(redact_related)
        register_job_kind(systems_import_kind())
        register_job_kind(systems_export_kind())
        register_periodic("registry.summary_refresh", summary_refresh, every=dt.timedelta(hours=1))
        # The directory may move a body to another group: its group tallies move with it.
        pre_save.connect(tallies.organization_saving, sender=Organization)
        post_save.connect(tallies.organization_changed, sender=Organization)
        publishable = set(COLUMNS) - {"contact_name", "contact_email"}
        wrong = set(settings.SHIREITO_OPEN_DATA_FIELDS) - publishable
        if wrong:
            raise ImproperlyConfigured(
                f"SHIREITO_OPEN_DATA_FIELDS: not publishable: {sorted(wrong)}"
            )
        wrong = set(settings.SHIREITO_OPEN_DATA_CATEGORIES) - set(SystemCategory.values)
        if wrong:
            raise ImproperlyConfigured(f"SHIREITO_OPEN_DATA_CATEGORIES: unknown: {sorted(wrong)}")
