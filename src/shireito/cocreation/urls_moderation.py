"""Moderation's pages (see ``views.moderation``)."""

from django.urls import path

from shireito.cocreation.views import moderation

urlpatterns = [
    path("<slug:space>/moderation/", moderation.moderation_queue, name="moderation"),
    path("<slug:space>/posts/<int:post>/report/", moderation.post_report, name="post_report"),
    path("<slug:space>/posts/<int:post>/hide/", moderation.post_hide, name="post_hide"),
    path("<slug:space>/posts/<int:post>/unhide/", moderation.post_unhide, name="post_unhide"),
    path(
        "<slug:space>/posts/<int:post>/dismiss/",
        moderation.post_reports_dismiss,
        name="post_reports_dismiss",
    ),
]
