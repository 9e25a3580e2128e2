"""Panels one app adds to another's page without the page's app knowing it: the system page
(registry) shows the plan's measures the system serves, though registry may not import plans.

An app registers, in its ``AppConfig.ready``, a function for a place (``"registry.system"``);
the page renders ``{% panels "registry.system" system %}``, which calls each function with the
request and the object and joins the HTML they return (nothing, when a function answers empty:
the user may not see it, or there is nothing to show). Core knows only the places' names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, Any], str]

_panels: dict[str, list[Panel]] = {}


def register_panel(place: str, panel: Panel) -> None:
    """Add ``panel`` to the pages that render ``place``; registering it again changes
    nothing (a test that reloads an app's config)."""
    registered = _panels.setdefault(place, [])
    if panel not in registered:
        registered.append(panel)


def panels_for(place: str) -> list[Panel]:
    return list(_panels.get(place, []))


def render_panels(place: str, request: HttpRequest, obj: Any) -> SafeString:
    """Every registered panel's HTML for ``obj``, in the order registered."""
    parts = [panel(request, obj) for panel in panels_for(place)]
    # Each panel renders its own escaped template; the join only puts them side by side.
    return format_html_join("\n", "{}", ((mark_safe(part),) for part in parts if part))  # noqa: S308
