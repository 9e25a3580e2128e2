from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.utils.translation import gettext_lazy as _

from shireito.core.choices import AuditAction
from shireito.core.filters import FilterForm, SearchField, choice_filter


def add_service_errors(
    form: BaseForm, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service's validation error on the form: beside the field it names when the form
    has it, otherwise above the form. ``aliases`` map the service's names to the form's; an
    item of a list (``milestones[2]``) lands on the list's field; a form with a
    ``service_error`` method renames what only it knows how to (rows of a repeated group)."""
    rename = getattr(form, "service_error", None)
    if rename is not None:
        error = rename(error)
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages in error.message_dict.items():
        target = (aliases or {}).get(name, name).split("[", 1)[0]
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


class AuditLogFilter(FilterForm):
    search = SearchField()
    action = choice_filter(AuditAction, label=_("Action"), all_label=_("All actions"))
