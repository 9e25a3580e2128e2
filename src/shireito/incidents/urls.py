from django.urls import path, register_converter

from shireito.incidents.views import attachments, filings, notices, reports, route

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
    path("", reports.report_list, name="list"),
    path("new/", reports.report_create, name="create"),
    path("regimes/", filings.regime_list, name="regimes"),
    path("regimes/<slug:key>/edit/", filings.regime_edit, name="regime_edit"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/read/", notices.notice_mark_read, name="notices_read"),
    path("<report_number:number>/", reports.report_detail, name="detail"),
    path("<report_number:number>/edit/", reports.report_edit, name="edit"),
    path("<report_number:number>/submit/", reports.report_submit, name="submit"),
    path("<report_number:number>/acknowledge/", route.hop_acknowledge, name="acknowledge"),
    path("<report_number:number>/comment/", route.hop_comment, name="comment"),
    path("<report_number:number>/reply/<int:entry>/", route.report_reply, name="reply"),
    path("<report_number:number>/forward/", route.hop_forward, name="forward"),
    path("<report_number:number>/close/", route.report_close, name="close"),
    path("<report_number:number>/stages/<int:stage>/file/", filings.stage_file, name="stage_file"),
    path("<report_number:number>/attachments/", attachments.attachment_add, name="attachment_add"),
    path(
        "<report_number:number>/attachments/<int:attachment>/",
        attachments.attachment_download,
        name="attachment",
    ),
    path(
        "<report_number:number>/attachments/<int:attachment>/delete/",
        attachments.attachment_delete,
        name="attachment_delete",
    ),
]
