from django.urls import path

from shireito.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<str:code>/", views.organization_detail, name="detail"),
]
