"""Catalog files too large to import within a request (a national baseline in OSCAL runs to
megabytes): checked or imported by a worker as a job whose page shows the result."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shireito.core.jobs import JobKind, Progress
from shireito.core.models import BackgroundJob
from shireito.core.services import rehearse
from shireito.organizations.models import Organization
from shireito.standards import services
from shireito.standards.importers import CatalogImportError
from shireito.standards.models import Catalog

CATALOG_IMPORT = "standards.catalog_import"
SHOWN_PROBLEMS = 500


def run_catalog_import(job: BackgroundJob, progress: Progress) -> dict:
    """Import (or, for a check, rehearse and roll back) the job's catalog or profile as its
    user: all or nothing, as on the page."""
    params = job.params
    owner = Organization.objects.filter(pk=params.get("owner")).first()
    against = Catalog.objects.filter(pk=params.get("against")).first()
    progress(0, None)

    def upload() -> services.CatalogUpload:
        return services.catalog_upload(
            actor=job.user,
            raw=bytes(job.payload),
            fmt=params["format"],
            key=params["key"],
            title=params.get("title", ""),
            edition=params.get("edition", ""),
            owner=owner,
            source_name=params.get("source_name", ""),
            against=against,
        )

    try:
        if params.get("check"):
            nodes = rehearse(lambda: upload().nodes)
            return {"ok": True, "written": False, "nodes": nodes}
        result = upload()
    except CatalogImportError as exc:
        problems = [{"path": p.path, "message": str(p.message)} for p in exc.problems]
        return {"ok": False, "problems": problems[:SHOWN_PROBLEMS]}
    return {"ok": True, "written": True, "nodes": result.nodes, "key": result.catalog.key}


def catalog_import_kind() -> JobKind:
    return JobKind(
        key=CATALOG_IMPORT,
        label=_("Import of a catalog"),
        run=run_catalog_import,
        result_template="standards/partials/_catalog_job_result.html",
        return_url_name="standards:import",
        return_label=_("Import another file"),
    )
