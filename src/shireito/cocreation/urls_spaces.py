"""The spaces' routes under /cocreation/: the directory and opening a space (fixed addresses,
whose words no space may take as its short name: ``services.spaces.RESERVED_SLUGS``), then a
space's own pages."""

from django.urls import path

from shireito.cocreation.views import spaces

fixed = [
    path("", spaces.space_list, name="index"),
    path("new/", spaces.space_new, name="space_create"),
]

in_space = [
    path("<slug:space>/", spaces.space_detail, name="space"),
    path("<slug:space>/edit/", spaces.space_edit, name="space_edit"),
    path("<slug:space>/join/", spaces.space_join, name="join"),
    path("<slug:space>/leave/", spaces.space_leave, name="leave"),
    path("<slug:space>/members/", spaces.space_members, name="members"),
]
