"""Plan notices move to the shared notifications: each ``PlanNotice`` is copied into
``notifications.Notification`` (kind and key namespaced ``plans``, the measure kept in its
parameters and link), then the notices are removed (0005). Reversible: going back copies the
plan notifications into notices again."""

from django.db import migrations

BATCH = 1000


def _keep_times(model):
    # The copy keeps when each was raised (the field would otherwise stamp now).
    model._meta.get_field("created_at").auto_now_add = False


def forward(apps, schema_editor):
    PlanNotice = apps.get_model("plans", "PlanNotice")
    Notification = apps.get_model("notifications", "Notification")
    _keep_times(Notification)
    batch = []
    notices = PlanNotice.objects.select_related("measure", "measure__edition").order_by("pk")
    for notice in notices.iterator():
        measure = notice.measure
        batch.append(
            Notification(
                user_id=notice.user_id,
                kind=f"plans.{notice.kind}",
                key=f"plans:{notice.key}",
                params={
                    **notice.params,
                    "measure_id": measure.pk,
                    "edition": measure.edition.year,
                    "measure_code": measure.code,
                },
                link=f"/plans/{measure.edition.year}/measures/{measure.code}/progress/",
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
    PlanNotice = apps.get_model("plans", "PlanNotice")
    Notification = apps.get_model("notifications", "Notification")
    Measure = apps.get_model("plans", "Measure")
    _keep_times(PlanNotice)
    found = Notification.objects.filter(kind__startswith="plans.")
    measures = set(Measure.objects.values_list("pk", flat=True))
    moved = {"measure_id", "edition", "measure_code"}
    batch = [
        PlanNotice(
            user_id=n.user_id,
            measure_id=n.params["measure_id"],
            kind=n.kind.removeprefix("plans."),
            key=n.key.removeprefix("plans:"),
            params={k: v for k, v in n.params.items() if k not in moved},
            created_at=n.created_at,
            read_at=n.read_at,
            emailed=n.emailed,
        )
        for n in found.order_by("pk").iterator()
        if n.params.get("measure_id") in measures  # a notice needs its measure
    ]
    PlanNotice.objects.bulk_create(batch, batch_size=BATCH, ignore_conflicts=True)
    found.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_kpi_unit_en"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
