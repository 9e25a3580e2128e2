from django.urls import path

from shireito.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.system_list, name="list"),
    path("new/", views.system_create, name="create"),
    path("import/", views.system_import, name="import"),
    path("export.csv", views.system_export, {"fmt": "csv"}, name="export_csv"),
    path("export.json", views.system_export, {"fmt": "json"}, name="export_json"),
    path("<str:code>/", views.system_detail, name="detail"),
    path("<str:code>/edit/", views.system_edit, name="edit"),
]
