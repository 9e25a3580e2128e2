"""The authoring part's routes under /plans/: editions, their content, a measure's page and the
diff of two editions (included by ``plans.urls``)."""

from django.urls import path

from shireito.plans.views import authoring, content, measure

M = "<int:edition>/measures/<str:measure>/"

urlpatterns = [
    path("", authoring.edition_list, name="editions"),
    path("new/", authoring.edition_start, name="edition_start"),
    path("<int:edition>/", authoring.edition_detail, name="edition"),
    path("<int:edition>/edit/", authoring.edition_edit, name="edition_edit"),
    path("<int:edition>/publish/", authoring.edition_publish, name="edition_publish"),
    path("<int:edition>/delete/", authoring.edition_delete, name="edition_delete"),
    path("<int:edition>/diff/", authoring.edition_compare, name="edition_diff"),
    path("<int:edition>/diff.csv", authoring.edition_compare_csv, name="edition_diff_csv"),
    path("<int:edition>/areas/new/", content.area_create, name="area_create"),
    path("<int:edition>/areas/<str:area>/edit/", content.area_edit, name="area_edit"),
    path("<int:edition>/areas/<str:area>/delete/", content.area_delete, name="area_delete"),
    path("<int:edition>/measures/new/", content.measure_create, name="measure_create"),
    path(M, measure.measure_detail, name="measure"),
    path(M + "edit/", content.measure_edit, name="measure_edit"),
    path(M + "delete/", content.measure_delete, name="measure_delete"),
    path(M + "kpis/new/", content.kpi_create, name="kpi_create"),
    path(M + "kpis/<str:kpi>/edit/", content.kpi_edit, name="kpi_edit"),
    path(M + "kpis/<str:kpi>/delete/", content.kpi_delete, name="kpi_delete"),
    path(M + "kpis/<str:kpi>/targets/", content.kpi_targets, name="kpi_targets"),
    path(M + "milestones/new/", content.milestone_create, name="milestone_create"),
    path(M + "milestones/<int:milestone>/edit/", content.milestone_edit, name="milestone_edit"),
    path(
        M + "milestones/<int:milestone>/delete/", content.milestone_delete, name="milestone_delete"
    ),
    path(M + "links/", content.measure_links_page, name="measure_links"),
    path(M + "links/system/", content.measure_links_page, {"kind": "system"}, name="link_system"),
    path(M + "links/budget/", content.measure_links_page, {"kind": "budget"}, name="link_budget"),
    path(
        M + "links/control/", content.measure_links_page, {"kind": "control"}, name="link_control"
    ),
    path(M + "links/remove/", content.measure_link_remove, name="link_remove"),
]
