from django.urls import path

from shireito.core import views

app_name = "core"

urlpatterns = [
    path("history/", views.audit_log, name="audit_log"),
    path("healthz", views.health, name="health"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
]
