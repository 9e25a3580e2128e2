"""The plan's pages for signed-in users, under /plans/. Each part keeps its own list of
routes (authoring, tracking); the public pages are in ``urls_public``."""

from django.urls import path

from shireito.plans import urls_authoring, urls_transfer
from shireito.plans.views import tracking

app_name = "plans"

urlpatterns: list = [*urls_transfer.urlpatterns, *urls_authoring.urlpatterns]

# Progress tracking on a published edition.
urlpatterns += [
    path("reviews/", tracking.reviews, name="reviews"),
    path("flags/", tracking.flag_list, name="flags"),
    path("mine/", tracking.mine, name="mine"),
    path("notices/", tracking.notice_list, name="notices"),
    path("notices/read/", tracking.notice_mark_read, name="notices_read"),
    path("<int:edition>/measures/<str:measure>/progress/", tracking.progress, name="progress"),
    path(
        "<int:edition>/measures/<str:measure>/reports/new/",
        tracking.report_new,
        name="report_new",
    ),
    path(
        "<int:edition>/measures/<str:measure>/reports/<int:report>/",
        tracking.report_detail,
        name="report",
    ),
    path(
        "<int:edition>/measures/<str:measure>/kpis/<str:kpi>/measurements/new/",
        tracking.measurement_new,
        name="measurement_new",
    ),
    path(
        "<int:edition>/measures/<str:measure>/measurements/<int:measurement>/review/",
        tracking.measurement_review,
        name="measurement_review",
    ),
]
