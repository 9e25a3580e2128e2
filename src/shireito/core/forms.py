from django.core.exceptions import ValidationError
from django.forms import Form
from django.utils.translation import gettext_lazy as _

from shireito.core.choices import AuditAction
from shireito.core.filters import FilterForm, SearchField, choice_filter


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's validation error on the form: on its field when the form has one."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, messages in error.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class AuditLogFilter(FilterForm):
    search = SearchField()
    action = choice_filter(AuditAction, label=_("Action"), all_label=_("All actions"))
