"""The plan's pages for signed-in users, under /plans/. Each part keeps its own list of
routes (authoring, tracking); the public pages are in ``urls_public``."""

from shireito.plans import urls_transfer

app_name = "plans"

urlpatterns: list = [*urls_transfer.urlpatterns]
