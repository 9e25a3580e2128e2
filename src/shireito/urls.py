from django.urls import include, path
from django.views.i18n import set_language

from shireito.api import api

urlpatterns = [
    path("", include("shireito.core.urls")),
    path("accounts/", include("shireito.accounts.urls")),
    path("organizations/", include("shireito.organizations.urls")),
    path("governance/", include("shireito.organizations.governance_urls")),
    path("systems/", include("shireito.registry.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
]
