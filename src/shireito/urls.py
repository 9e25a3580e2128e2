from django.urls import include, path
from django.views.i18n import set_language

from shireito.api import api
from shireito.registry import views_oversight as registry_open_data

urlpatterns = [
    path("", include("shireito.dashboard.urls")),
    path("", include("shireito.core.urls")),
    path("accounts/", include("shireito.accounts.urls")),
    path("notifications/", include("shireito.notifications.urls")),
    path("organizations/", include("shireito.organizations.urls")),
    path("governance/", include("shireito.organizations.governance_urls")),
    path("systems/", include("shireito.registry.urls")),
    path("standards/", include("shireito.standards.urls")),
    path("audits/", include("shireito.audits.urls")),
    path("incidents/stix/", include("shireito.incidents.urls_stix")),
    path("incidents/", include("shireito.incidents.urls")),
    path("plans/", include("shireito.plans.urls")),
    path("", include("shireito.plans.urls_public")),
    path("cocreation/", include("shireito.cocreation.urls")),
    path("open-data/", registry_open_data.open_data, name="open_data"),
    path(
        "open-data/systems.csv",
        registry_open_data.open_data_systems,
        {"fmt": "csv"},
        name="open_data_systems_csv",
    ),
    path(
        "open-data/systems.json",
        registry_open_data.open_data_systems,
        {"fmt": "json"},
        name="open_data_systems_json",
    ),
    path(
        "open-data/budget.csv",
        registry_open_data.open_data_budget,
        {"fmt": "csv"},
        name="open_data_budget_csv",
    ),
    path(
        "open-data/budget.json",
        registry_open_data.open_data_budget,
        {"fmt": "json"},
        name="open_data_budget_json",
    ),
    path("taxii2/", include("shireito.sharing.urls")),
    path("shared/", include("shireito.sharing.urls_shared")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
]

# Error pages in the product's layout and the user's language; the API and TAXII answer JSON.
handler400 = "shireito.core.errors.bad_request"
handler403 = "shireito.core.errors.permission_denied"
handler404 = "shireito.core.errors.page_not_found"
handler500 = "shireito.core.errors.server_error"
