"""The published plan for everyone, without signing in, under /priority-plan/, and its open
data under /open-data/plan/."""

from django.urls import path

from shireito.plans.views import public

app_name = "plans_public"

urlpatterns: list = [
    path("priority-plan/", public.edition_list, name="editions"),
    path("priority-plan/<int:published>/", public.edition_detail, name="edition"),
    path(
        "priority-plan/<int:published>/measures/<str:measure>/",
        public.measure_detail,
        name="measure",
    ),
    path(
        "open-data/plan/latest/<slug:table>.<str:fmt>",
        public.open_data_latest,
        name="open_data_latest",
    ),
    path(
        "open-data/plan/<int:published>/<slug:table>.<str:fmt>",
        public.open_data_file,
        name="open_data_file",
    ),
]
