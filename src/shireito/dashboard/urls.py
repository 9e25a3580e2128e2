from django.urls import path

from shireito.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("tower/<slug:section>/<slug:table>.csv", views.table_csv, name="table_csv"),
]
