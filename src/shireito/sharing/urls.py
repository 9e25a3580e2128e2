"""/taxii2/: the TAXII 2.1 server. Every address also answers without its trailing slash
(taxii2-client polls a status without one), rather than redirecting a client that sends
credentials."""

from django.urls import re_path

from shireito.sharing import views

app_name = "taxii"

_ROOT = r"(?P<root>[A-Za-z0-9_-]+)"
_COLLECTION = _ROOT + r"/collections/(?P<collection_id>[^/]+)"
_OBJECT = _COLLECTION + r"/objects/(?P<object_id>[^/]+)"

urlpatterns = [
    re_path(r"^$", views.discovery, name="discovery"),
    re_path(rf"^{_ROOT}/?$", views.api_root, name="api_root"),
    re_path(rf"^{_ROOT}/collections/?$", views.collections, name="collections"),
    re_path(rf"^{_COLLECTION}/?$", views.collection, name="collection"),
    re_path(rf"^{_COLLECTION}/objects/?$", views.objects, name="objects"),
    re_path(rf"^{_OBJECT}/?$", views.object_detail, name="object"),
    re_path(rf"^{_OBJECT}/versions/?$", views.object_versions, name="versions"),
    re_path(rf"^{_COLLECTION}/manifest/?$", views.manifest, name="manifest"),
    re_path(rf"^{_ROOT}/status/(?P<status_id>[^/]+)/?$", views.status, name="status"),
    re_path(r"^(?P<rest>.+)$", views.unknown, name="unknown"),
]
