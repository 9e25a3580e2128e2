from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shireito.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Here, not at the top: models load only once the app registry is ready.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from shireito.core.history import ChangeKey

        # django-otp's device model is not ours to subclass, so it gets the audit and scoping
        # attributes our models declare: the shared secret never enters the trail, and the
        # throttling counters are bookkeeping, not changes.
        TOTPDevice.scope_path = "user__organization"
        TOTPDevice.audit_redacted_fields = frozenset({"key"})
        TOTPDevice.audit_change_keys = {
            "user": ChangeKey(label=_("user")),
            "name": ChangeKey(label=_("name")),
            "confirmed": ChangeKey(label=_("confirmed")),
            "key": ChangeKey(label=_("secret key")),
            "step": ChangeKey(label=_("time step (seconds)")),
            "t0": ChangeKey(label=_("clock origin")),
            "digits": ChangeKey(label=_("digits")),
            "tolerance": ChangeKey(label=_("tolerance (steps)")),
        }
        TOTPDevice.audit_ignored_fields = frozenset(
            {
                "last_t",
                "drift",
                "throttling_failure_timestamp",
                "throttling_failure_count",
                "created_at",
                "last_used_at",
            }
        )
