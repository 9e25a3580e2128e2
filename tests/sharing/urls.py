"""The project's URLs with /taxii2/ mounted, for as long as shireito.urls does not mount it
itself (the lead adds ``path("taxii2/", include("shireito.sharing.urls"))``)."""

from django.urls import include, path

from shireito.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("taxii2/", include("shireito.sharing.urls")),
    *[pattern for pattern in project_urlpatterns if "taxii2" not in str(pattern.pattern)],
]
