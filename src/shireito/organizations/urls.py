from django.urls import path

from shireito.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("<str:code>/", views.organization_detail, name="detail"),
    path("<str:code>/edit/", views.organization_edit, name="edit"),
]
