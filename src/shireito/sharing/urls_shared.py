"""/shared/: the threat information shared with the user's organisation through TAXII."""

from django.urls import path

from shireito.sharing import views_shared

app_name = "shared"

urlpatterns = [
    path("", views_shared.shared_list, name="list"),
    path("<str:collection>/<str:stix_id>/", views_shared.shared_detail, name="detail"),
    path("<str:collection>/<str:stix_id>/json/", views_shared.shared_json, name="json"),
]
