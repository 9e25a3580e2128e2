from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and national-scale data sets: the top layer, which may call every app's
    generator and which no app imports."""

    name = "shireito.demo"
    label = "demo"
    verbose_name = "Demo"
