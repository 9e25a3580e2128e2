from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "shireito.registry"
    label = "registry"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        from django.conf import settings

        from shireito.core.selectors import register_change_redactor
        from shireito.registry.selectors import redact_related

        register_change_redactor(redact_related)
        from django.core.exceptions import ImproperlyConfigured

        from shireito.organizations.choices import SystemCategory
        from shireito.registry.transfer import COLUMNS

        publishable = set(COLUMNS) - {"contact_name", "contact_email"}
        wrong = set(settings.SHIREITO_OPEN_DATA_FIELDS) - publishable
        if wrong:
            raise ImproperlyConfigured(
                f"SHIREITO_OPEN_DATA_FIELDS: not publishable: {sorted(wrong)}"
            )
        wrong = set(settings.SHIREITO_OPEN_DATA_CATEGORIES) - set(SystemCategory.values)
        if wrong:
            raise ImproperlyConfigured(f"SHIREITO_OPEN_DATA_CATEGORIES: unknown: {sorted(wrong)}")
