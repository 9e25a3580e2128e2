from pathlib import Path

from django.apps import AppConfig
from django.core import checks
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
        from django.db.backends.signals import connection_created

        connection_created.connect(_sqlite_audit_functions, dispatch_uid="shireito-audit-sqlite")
        checks.register(audit_key_kept_apart, checks.Tags.security, deploy=True)

        from shireito.core.periodic import register_periodic
        from shireito.core.tasks import CORE_PERIODIC_JOBS

        for name, job, every in CORE_PERIODIC_JOBS:
            register_periodic(name, job, every=every)

        from django.tasks.signals import task_finished

        from shireito.core.operations import count_failed_task

        task_finished.connect(count_failed_task, dispatch_uid="shireito-task-failures")


def audit_key_kept_apart(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: the audit key should not sit beside the database it protects."""
    from django.conf import settings

    if settings.SHIREITO_AUDIT_KEY:
        return []
    key_file = Path(settings.SHIREITO_AUDIT_KEY_FILE)
    if not key_file.is_relative_to(settings.DATA_DIR):
        return []
    return [
        checks.Warning(
            "The audit trail's key is a file in the data directory, beside the database.",
            hint="Set SHIREITO_AUDIT_KEY, or SHIREITO_AUDIT_KEY_FILE on other storage.",
            id="shireito.W001",
        )
    ]


def _audit_delete_allowed() -> int:
    from django.conf import settings

    return int(bool(getattr(settings, "SHIREITO_AUDIT_DELETE_ALLOWED", False)))


def _sqlite_audit_functions(sender, connection, **kwargs) -> None:
    """SQLite's DELETE trigger on the audit trail asks this function whether deleting is
    allowed (only the test suite's flush is); a connection without it, such as the sqlite3
    shell, fails the trigger too, so deleting stays refused there."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "shireito_audit_delete_allowed", 0, _audit_delete_allowed
        )
