from django.urls import path

from shireito.registry import views, views_oversight

app_name = "registry"

urlpatterns = [
    path("", views.system_list, name="list"),
    path("new/", views.system_create, name="create"),
    path("import/", views.system_import, name="import"),
    path("export.csv", views.system_export, {"fmt": "csv"}, name="export_csv"),
    path("export.json", views.system_export, {"fmt": "json"}, name="export_json"),
    path("migration/", views.migration_list, name="migration"),
    path("migration/export.csv", views.migration_export, name="migration_export"),
    path("budget/", views_oversight.budget_rollup, name="budget"),
    path("oversight/", views_oversight.oversight_due, name="oversight"),
    path("oversight/schedule/", views_oversight.schedule_edit, name="schedule"),
    path("recommendations/", views_oversight.recommendation_list, name="recommendations"),
    path("recommendations/new/", views_oversight.recommendation_issue, name="recommendation_issue"),
    path(
        "recommendations/<str:number>/",
        views_oversight.recommendation_detail,
        name="recommendation",
    ),
    path(
        "recommendations/<str:number>/close/",
        views_oversight.recommendation_conclude,
        {"escalate": False},
        name="recommendation_close",
    ),
    path(
        "recommendations/<str:number>/escalate/",
        views_oversight.recommendation_conclude,
        {"escalate": True},
        name="recommendation_escalate",
    ),
    path(
        "recommendations/<str:number>/answer/",
        views_oversight.recommendation_answer,
        name="recommendation_answer",
    ),
    path("<str:code>/", views.system_detail, name="detail"),
    path("<str:code>/edit/", views.system_edit, name="edit"),
    path("<str:code>/rate/", views_oversight.rate, name="rate"),
    path("<str:code>/budget/new/", views_oversight.budget_request, name="budget_request"),
    path(
        "<str:code>/budget/<int:year>/review/", views_oversight.budget_review, name="budget_review"
    ),
    path(
        "<str:code>/budget/<int:year>/decide/", views_oversight.budget_decide, name="budget_decide"
    ),
    path(
        "<str:code>/budget/<int:year>/execution/",
        views_oversight.budget_execution,
        name="budget_execution",
    ),
]
