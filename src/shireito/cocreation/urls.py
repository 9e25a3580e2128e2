"""The co-creation platform's pages, under /cocreation/. Each part keeps its own list of
routes; this module joins them."""

from shireito.cocreation import urls_moderation

app_name = "cocreation"

urlpatterns: list = [*urls_moderation.urlpatterns]
