"""The transfer part's routes under /plans/: an edition's downloads and its import page
(included by ``plans.urls``)."""

from django.urls import path

from shireito.plans.views import transfer

urlpatterns = [
    path("import/", transfer.edition_import, name="edition_import_new"),
    path("<int:edition>/import/", transfer.edition_import, name="edition_import"),
    path(
        "<int:edition>/export.xlsx",
        transfer.edition_export,
        {"fmt": "xlsx"},
        name="edition_export_xlsx",
    ),
    path(
        "<int:edition>/export.zip",
        transfer.edition_export,
        {"fmt": "csv-zip"},
        name="edition_export_zip",
    ),
]
