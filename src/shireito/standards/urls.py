from django.urls import path

from shireito.standards import views

app_name = "standards"

urlpatterns = [
    path("", views.catalog_list, name="list"),
    path("compare/", views.catalog_compare, name="compare"),
    path("import/", views.catalog_import, name="import"),
    path("<str:key>/", views.catalog_detail, name="detail"),
    path("<str:key>/oscal.json", views.catalog_export, name="export"),
    path("<str:key>/controls/<str:oscal_id>/", views.node_detail, name="node"),
]
