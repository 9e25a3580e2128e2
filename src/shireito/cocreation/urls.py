"""The co-creation platform's pages, under /cocreation/. Each part keeps its own list of
routes; this module joins them."""

app_name = "cocreation"

urlpatterns: list = []
