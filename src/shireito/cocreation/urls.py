"""The co-creation platform's pages, under /cocreation/. Each part keeps its own list of
routes; this module joins them."""

from shireito.cocreation.urls_follows import urlpatterns as follows_urls

app_name = "cocreation"

urlpatterns: list = []
urlpatterns += follows_urls
