"""A whole edition in and out as spreadsheets: an XLSX workbook (a sheet per table and a
legend) or a ZIP of one CSV per table; ``tables`` names the columns, ``export`` writes,
``reader`` and ``importer`` read back, checked first and all or nothing."""

from shireito.plans.transfer.export import FORMATS, export_xlsx, export_zip, filename
from shireito.plans.transfer.importer import ImportSummary, edition_import, year_taken

__all__ = [
    "FORMATS",
    "ImportSummary",
    "edition_import",
    "export_xlsx",
    "export_zip",
    "filename",
    "year_taken",
]
