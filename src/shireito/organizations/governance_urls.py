from django.urls import path

from shireito.organizations import views

app_name = "governance"

urlpatterns = [
    path("", views.governance, name="index"),
    path("compare/", views.governance_compare, name="compare"),
    path("questions/", views.governance_questions, name="questions"),
    path("settings/", views.governance_settings_edit, name="settings"),
    path("roles/handover/", views.role_handover, name="handover"),
    path("models/<str:key>/", views.governance_model, name="model"),
    path("sectors/<str:code>/", views.sector_edit, name="sector"),
]
