"""The URL conf with stand-ins for the thread pages other parts build (``cocreation:thread``,
``cocreation:thread_new``), only where they are not there yet: the space's page links to them."""

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from shireito import urls as main
from shireito.cocreation import urls as cocreation

names = {getattr(p, "name", None) for p in cocreation.urlpatterns}
stubs = [
    path(route, lambda request, **kwargs: HttpResponse("thread"), name=name)
    for route, name in [
        ("<slug:space>/<int:thread>/", "thread"),
        ("<slug:space>/threads/new/", "thread_new"),
    ]
    if name not in names
]
urlpatterns = [
    p for p in main.urlpatterns if not (isinstance(p, URLResolver) and p.namespace == "cocreation")
] + [path("cocreation/", include(([*cocreation.urlpatterns, *stubs], "cocreation")))]
