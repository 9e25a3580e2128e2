from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The control tower's view over every domain: the home page, read through the domains'
    selectors only (no domain imports the dashboard)."""

    name = "shireito.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
