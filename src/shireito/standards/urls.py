from django.urls import path

from shireito.standards import views

app_name = "standards"

urlpatterns = [
    path("", views.catalog_list, name="list"),
    path("compare/", views.catalog_compare, name="compare"),
    path("import/", views.catalog_import, name="import"),
    path("mappings/", views.mapping_list, name="mappings"),
    path("mappings/import/", views.mapping_import_page, name="mapping_import"),
    path("mappings/<str:key>/", views.mapping_detail, name="mapping"),
    path("mappings/<str:key>/mapping.csv", views.mapping_export, name="mapping_export"),
    path("template.csv", views.spreadsheet_template, {"fmt": "csv"}, name="template_csv"),
    path("template.xlsx", views.spreadsheet_template, {"fmt": "xlsx"}, name="template_xlsx"),
    path("<str:key>/", views.catalog_detail, name="detail"),
    path("<str:key>/oscal.json", views.catalog_export, name="export"),
    path("<str:key>/profile.json", views.profile_export, name="export_profile"),
    path("<str:key>/catalog.csv", views.catalog_export_csv, name="export_csv"),
    path("<str:key>/controls/<str:oscal_id>/", views.node_detail, name="node"),
]
