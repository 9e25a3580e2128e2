"""The published plan for everyone, without signing in (principle ①: open and transparent):
the editions, an edition's measures, a measure with its KPIs' charts, and the open-data
files with their data dictionary. Everything is read through ``selectors.publication``; a
draft edition's year answers 404 as a year never written."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from shireito.core.pages import file_response, get_or_404
from shireito.core.textfiles import csv_chunks, wants_bom
from shireito.plans import open_data
from shireito.plans.charts import kpi_chart
from shireito.plans.selectors import area_tree, publication

# Open data: the same for every reader, so anyone (a browser, a proxy, another site's
# script) may keep and read a copy for a while.
PUBLIC_CACHE = "public, max-age=300"


def _edition(year: int):
    return get_or_404(publication.public_edition(year))


def _principle(request: HttpRequest) -> int | None:
    """``?principle=3``: one of ①…⑩, or no filter for anything else."""
    value = request.GET.get("principle", "")
    return int(value) if value.isdigit() and 1 <= int(value) <= 10 else None


def _with_measures(nodes):
    """The areas that hold a measure, themselves or below (a principle's filter leaves
    others empty)."""
    kept = []
    for node in nodes:
        node.children = _with_measures(node.children)
        if node.measures or node.children:
            kept.append(node)
    return kept


def edition_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "plans/public/edition_list.html",
        {"editions": publication.public_editions().select_related("author")},
    )


def edition_detail(request: HttpRequest, published: int) -> HttpResponse:
    edition = _edition(published)
    principle = _principle(request)
    measures = list(publication.public_overview_measures(edition, principle))
    ratings = publication.latest_reviewed(measures)
    tallies = publication.progress_tallies(measures)
    for measure in measures:
        # Read by the template beside the measure's own fields.
        measure.public_rating = ratings.get(measure.pk)  # type: ignore[attr-defined]
        measure.kpi_tally = tallies[measure.pk]  # type: ignore[attr-defined]
    principles = publication.public_principles()
    return render(
        request,
        "plans/public/edition_detail.html",
        {
            "edition": edition,
            "tree": _with_measures(area_tree(edition, measures)),
            "count": len(measures),
            "principles": principles,
            "principle": next((p for p in principles if p.number == principle), None),
            "tables": list(open_data.TABLES.values()),
        },
    )


def measure_detail(request: HttpRequest, published: int, measure: str) -> HttpResponse:
    edition = _edition(published)
    found = get_or_404(publication.public_measure(edition, measure))
    kpis = list(publication.public_kpis(found))
    values = publication.accepted_values({kpi.series_id for kpi in kpis})
    charts = []
    for kpi in kpis:
        points = values.get(kpi.series_id, [])
        charts.append(
            {
                "kpi": kpi,
                "chart": kpi_chart(kpi, points, id=f"kpi-{kpi.pk}"),
                "progress": publication.kpi_progress(kpi, points),
            }
        )
    return render(
        request,
        "plans/public/measure_detail.html",
        {
            "edition": edition,
            "measure": found,
            "rating": publication.latest_reviewed([found]).get(found.pk),
            "kpis": charts,
            "milestones": publication.public_milestones(found),
            "ratings": list(reversed(publication.reviewed_ratings([found]))),
        },
    )


# --- open data -----------------------------------------------------------------------------


def open_data_file(request: HttpRequest, published: int, table: str, fmt: str):
    """One table of a published edition as CSV or JSON, streamed, or the edition's data
    dictionary (``datapackage.json``). CSV is UTF-8 without a BOM, with ``?bom=1`` for Excel,
    as the rest of the open data."""
    edition = _edition(published)
    response: HttpResponseBase
    if table == "datapackage" and fmt == "json":
        body = open_data.datapackage(edition, request.build_absolute_uri("/").rstrip("/"))
        response = file_response(
            json.dumps(body, ensure_ascii=False, indent=1),
            filename="datapackage.json",
            content_type="application/json",
            inline=True,
        )
    else:
        spec = open_data.TABLES.get(table)
        if spec is None or fmt not in open_data.FORMATS:
            raise Http404
        name = f"plan-{edition.year}-{spec.name}.{fmt}"
        if fmt == "json":
            response = file_response(
                open_data.json_chunks(open_data.records(spec, edition)),
                filename=name,
                content_type="application/json",
                inline=True,
            )
        else:
            response = file_response(
                csv_chunks(spec.names, spec.rows(edition), bom=wants_bom(request)),
                filename=name,
                content_type="text/csv; charset=utf-8",
                inline=True,
            )
    response["Cache-Control"] = PUBLIC_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data_latest(request: HttpRequest, table: str, fmt: str) -> HttpResponseRedirect:
    """The newest published edition's file, by a temporary redirect (it moves on when the
    next edition is published)."""
    latest = get_or_404(publication.public_latest())
    target = reverse(
        "plans_public:open_data_file",
        kwargs={"published": latest.year, "table": table, "fmt": fmt},
    )
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{target}?{query}" if query else target)
