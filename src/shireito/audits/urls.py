from django.urls import path

from shireito.audits import views

app_name = "audits"

urlpatterns = [
    # The engagement
    path("", views.audit_list, name="list"),
    path("plan/", views.audit_plan, name="plan"),
    path("new/", views.audit_create, name="create"),
    # Across audits: where the control tower's counts lead
    path("findings/", views.finding_list, name="findings"),
    path("actions/", views.action_list, name="actions"),
    path("<str:number>/", views.audit_detail, name="detail"),
    path("<str:number>/edit/", views.audit_edit, name="edit"),
    path("<str:number>/advance/", views.audit_advance, name="advance"),
    path("<str:number>/stages/<str:stage>/", views.stage_update, name="stage"),
    path("<str:number>/widen/", views.audit_widen, name="widen"),
    path("<str:number>/next-cycle/", views.audit_next_cycle, name="next_cycle"),
    path("<str:number>/report/", views.audit_report, name="report"),
    path("<str:number>/report.pdf", views.audit_report_pdf, name="report_pdf"),
    path("<str:number>/oscal-ar.json", views.audit_oscal_ar, name="oscal_ar"),
    path("<str:number>/oscal-poam.json", views.audit_oscal_poam, name="oscal_poam"),
    path("<str:number>/bundle.zip", views.audit_bundle, name="bundle"),
    path("<str:number>/results.csv", views.audit_results_csv, name="results_csv"),
    path("<str:number>/findings.csv", views.audit_findings_csv, name="findings_csv"),
    path("<str:number>/actions.csv", views.audit_actions_csv, name="actions_csv"),
    path("<str:number>/workbook.xlsx", views.audit_workbook, name="workbook"),
    # The work inside it
    path("<str:number>/results/", views.results_entry, name="results"),
    path("<str:number>/results/import/", views.results_import, name="results_import"),
    path("<str:number>/results/<int:result>/", views.result_row, name="result_row"),
    path("<str:number>/findings/new/", views.finding_create, name="finding_create"),
    path("<str:number>/findings/<int:finding>/", views.finding_detail, name="finding"),
    path("<str:number>/findings/<int:finding>/edit/", views.finding_edit, name="finding_edit"),
    path(
        "<str:number>/findings/<int:finding>/follow-up/",
        views.finding_follow_up,
        name="finding_follow_up",
    ),
    path(
        "<str:number>/findings/<int:finding>/actions/new/",
        views.action_create,
        name="action_create",
    ),
    path("<str:number>/actions/<int:action>/", views.action_detail, name="action"),
    path("<str:number>/evidence/", views.evidence_list, name="evidence"),
    path("<str:number>/evidence/<int:evidence>/", views.evidence_detail, name="evidence_item"),
    path(
        "<str:number>/evidence/<int:evidence>/r<int:revision>/download/",
        views.evidence_download,
        name="evidence_download",
    ),
]
