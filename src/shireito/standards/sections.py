"""What else a control's page shows, offered by the apps above standards.

Standards is a lower layer than the apps that use its catalogs (audits assess controls), so
it cannot ask them; instead each of them registers, in its ``AppConfig.ready()``, a section:
a template and a function giving its context for one control and one user. The control page
renders every registered section in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.standards.models import CatalogNode

type SectionContext = Callable[["User", "CatalogNode"], dict[str, Any]]

# template name -> context function; registering a template again replaces its function
_control_sections: dict[str, SectionContext] = {}


def register_control_section(*, template: str, context: SectionContext) -> None:
    """Show ``template`` on every control's page, with ``context(user, node)``."""
    _control_sections[template] = context


def control_sections(request: HttpRequest, *, user: User, node: CatalogNode) -> list[SafeString]:
    """The registered sections for a control's page, rendered; a group has none."""
    if node.is_group:
        return []
    return [
        render_to_string(template, context(user, node), request=request)
        for template, context in _control_sections.items()
    ]
