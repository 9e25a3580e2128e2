from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "shireito.audits"
    label = "audits"
    verbose_name = _("Audits")

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module is loaded before the models are.
        from shireito.audits.selectors import control_across_audits
        from shireito.standards.sections import register_control_section

        # A control's page in standards shows its results across the user's audits; standards
        # sits below audits and cannot ask for them, so audits offers them here.
        register_control_section(
            template="standards/sections/results_across_audits.html",
            context=lambda user, node: {
                "across_audits": control_across_audits(user=user, control=node)
            },
        )
