from django.urls import path

from shireito.core import operations, views

app_name = "core"

urlpatterns = [
    path("history/", views.audit_log, name="audit_log"),
    path("healthz", operations.health, name="health"),
    path("health", operations.health),
    path("metrics", operations.metrics, name="metrics"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("jobs/<uuid:job_id>/file/", views.job_download, name="job_file"),
]
