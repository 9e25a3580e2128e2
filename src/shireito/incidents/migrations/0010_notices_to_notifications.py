"""Incident notices move to the shared notifications: each ``Notice`` is copied into
``notifications.Notification`` (kind and key namespaced ``incidents``, the report kept in its
parameters and link), then the notices are removed (0011). Reversible: going back copies the
incident notifications into notices again."""

from django.db import migrations

BATCH = 1000


def _keep_times(model):
    # The copy keeps when each was raised (the field would otherwise stamp now).
    model._meta.get_field("created_at").auto_now_add = False


def forward(apps, schema_editor):
    Notice = apps.get_model("incidents", "Notice")
    Notification = apps.get_model("notifications", "Notification")
    _keep_times(Notification)
    batch = []
    for notice in Notice.objects.select_related("report").order_by("pk").iterator():
        params = dict(notice.params)
        link = ""
        if notice.report_id:
            params.setdefault("number", notice.report.number)
            params["report_id"] = notice.report_id
            link = f"/incidents/{notice.report.number}/"
        batch.append(
            Notification(
                user_id=notice.user_id,
                kind=f"incidents.{notice.kind}",
                key=f"incidents:{notice.key}",
                params=params,
                link=link,
                created_at=notice.created_at,
                read_at=notice.read_at,
                emailed=notice.emailed,
            )
        )
        if len(batch) >= BATCH:
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notification.objects.bulk_create(batch, ignore_conflicts=True)


def backward(apps, schema_editor):
    Notice = apps.get_model("incidents", "Notice")
    Notification = apps.get_model("notifications", "Notification")
    IncidentReport = apps.get_model("incidents", "IncidentReport")
    _keep_times(Notice)
    found = Notification.objects.filter(kind__startswith="incidents.")
    reports = set(IncidentReport.objects.values_list("pk", flat=True))
    batch = []
    for n in found.order_by("pk").iterator():
        report_id = n.params.get("report_id")
        batch.append(
            Notice(
                user_id=n.user_id,
                report_id=report_id if report_id in reports else None,
                kind=n.kind.removeprefix("incidents."),
                key=n.key.removeprefix("incidents:"),
                params={k: v for k, v in n.params.items() if k != "report_id"},
                created_at=n.created_at,
                read_at=n.read_at,
                emailed=n.emailed,
            )
        )
    Notice.objects.bulk_create(batch, batch_size=BATCH, ignore_conflicts=True)
    found.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0009_add_version_for_conflicts"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
