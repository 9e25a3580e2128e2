from django.urls import path, register_converter

from shireito.incidents import views

app_name = "incidents"


class ReportNumberConverter:
    """A report number (``IR2026-00001``): letters, digits and hyphens with at least one digit,
    so the words of other pages under /incidents/ (``stix``) never read as a number."""

    regex = r"[A-Za-z0-9-]*[0-9][A-Za-z0-9-]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReportNumberConverter, "report_number")

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_create, name="create"),
    path("regimes/", views.regime_list, name="regimes"),
    path("regimes/<slug:key>/edit/", views.regime_edit, name="regime_edit"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/read/", views.notice_mark_read, name="notices_read"),
    path("<report_number:number>/", views.report_detail, name="detail"),
    path("<report_number:number>/edit/", views.report_edit, name="edit"),
    path("<report_number:number>/submit/", views.report_submit, name="submit"),
    path("<report_number:number>/acknowledge/", views.hop_acknowledge, name="acknowledge"),
    path("<report_number:number>/comment/", views.hop_comment, name="comment"),
    path("<report_number:number>/reply/<int:entry>/", views.report_reply, name="reply"),
    path("<report_number:number>/forward/", views.hop_forward, name="forward"),
    path("<report_number:number>/close/", views.report_close, name="close"),
    path("<report_number:number>/stages/<int:stage>/file/", views.stage_file, name="stage_file"),
    path("<report_number:number>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<report_number:number>/attachments/<int:attachment>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<report_number:number>/attachments/<int:attachment>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
