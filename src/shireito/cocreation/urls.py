"""The co-creation platform's pages, under /cocreation/. Each part keeps its own list of
routes; this module joins them: every fixed address (``faq/``, ``search/``, ``new/`` …) before
``<slug:space>/``, whose words ``services.spaces.RESERVED_SLUGS`` keeps from spaces."""

from shireito.cocreation import (
    urls_answers,
    urls_finding,
    urls_moderation,
    urls_spaces,
    urls_threads,
)
from shireito.cocreation.urls_follows import urlpatterns as follows_urls

app_name = "cocreation"

urlpatterns: list = [
    *urls_spaces.fixed,
    *urls_answers.fixed,
    *follows_urls,
    # search/ first among the finding part's routes; the rest are a space's own pages
    *urls_finding.urlpatterns,
    *urls_threads.urlpatterns,
    *urls_moderation.urlpatterns,
    *urls_answers.in_space,
    *urls_spaces.in_space,
]
