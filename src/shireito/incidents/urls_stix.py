from django.urls import path

from shireito.incidents import views_stix

app_name = "incidents_stix"

urlpatterns = [
    path("import/", views_stix.bundle_import, name="import"),
    path("<str:number>.json", views_stix.bundle_download, name="download"),
    path("<str:number>/publish/", views_stix.report_publish, name="publish"),
]
