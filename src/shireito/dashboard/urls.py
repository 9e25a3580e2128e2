from django.urls import path

from shireito.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("tower/<slug:section>/<slug:table>.csv", views.table_csv, name="table_csv"),
    path("open-data/statistics/", views.statistics_index, name="statistics"),
    path("open-data/statistics/<slug:key>/", views.statistic, name="statistic"),
    path(
        "open-data/statistics/<slug:key>.<str:fmt>",
        views.statistic_download,
        name="statistic_download",
    ),
]
