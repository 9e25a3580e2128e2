"""Count the results already recorded into the new tallies (and each control's area), so a
deployment upgraded with results in it shows them on the tower at once. Written with this
point's models: later changes to the tally code never change what this migration does."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count, Max

STATUSES = ("satisfied", "partially", "not_satisfied", "not_applicable", "not_assessed")


def count_existing(apps, schema_editor):
    ScopeItem = apps.get_model("audits", "ScopeItem")
    ControlResult = apps.get_model("audits", "ControlResult")
    ControlArea = apps.get_model("audits", "ControlArea")
    ComplianceTally = apps.get_model("audits", "ComplianceTally")
    AreaTally = apps.get_model("audits", "AreaTally")
    CatalogNode = apps.get_model("standards", "CatalogNode")
    # Counted afresh, whatever an earlier state of a development database left in them.
    for model in (AreaTally, ComplianceTally, ControlArea):
        model.objects.all().delete()
    catalogs = set(ScopeItem.objects.values_list("baseline_id", flat=True))
    parents = dict(
        CatalogNode.objects.filter(catalog_id__in=catalogs).values_list("pk", "parent_id")
    )

    def top(pk):
        for _depth in range(1000):
            if parents.get(pk) is None:
                break
            pk = parents[pk]
        return pk

    area_of = {pk: top(pk) for pk in parents}
    ControlArea.objects.bulk_create(
        [ControlArea(control_id=pk, area_id=area) for pk, area in area_of.items()],
        batch_size=2000,
    )
    parties = ("audit__auditee_id", "audit__auditor_id", "audit__entrusting_id")
    rows = (
        ControlResult.objects.values(
            "audit_id",
            "system_id",
            "control_id",
            *parties,
            "audit__fiscal_year",
            "audit__kind",
            "status",
            "claimed",
        )
        .annotate(n=Count("pk"), at=Max("updated_at"))
        .order_by()
    )
    by_system: dict = defaultdict(lambda: defaultdict(int))
    by_area: dict = defaultdict(lambda: defaultdict(int))
    heads = {}
    latest: dict = {}
    for row in rows:
        head = tuple(row[name] for name in (*parties, "audit__fiscal_year", "audit__kind"))
        heads[row["audit_id"]] = head
        for key, counts in (
            ((row["audit_id"], row["system_id"]), by_system),
            ((row["audit_id"], area_of.get(row["control_id"], row["control_id"])), by_area),
        ):
            counts[key][row["status"]] += row["n"]
            counts[key]["claimed_" + row["claimed"]] += row["n"]
            if row["at"] is not None:
                stamp = (counts is by_system, key)
                latest[stamp] = max(latest.get(stamp, row["at"]), row["at"])

    def made(model, key_name, counted):
        for (audit_id, key), counts in counted.items():
            auditee, auditor, entrusting, year, kind = heads[audit_id]
            yield model(
                audit_id=audit_id,
                auditee_id=auditee,
                auditor_id=auditor,
                entrusting_id=entrusting,
                fiscal_year=year,
                kind=kind,
                updated_at=latest.get((counted is by_system, (audit_id, key))),
                **{key_name: key},
                **{name: counts[name] for name in STATUSES},
                **{f"claimed_{name}": counts[f"claimed_{name}"] for name in STATUSES},
            )

    ComplianceTally.objects.bulk_create(made(ComplianceTally, "system_id", by_system), 2000)
    AreaTally.objects.bulk_create(made(AreaTally, "area_id", by_area), 2000)


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0005_results_without_redundant_indexes"),
        ("standards", "0001_catalogs"),
    ]

    operations = [migrations.RunPython(count_existing, migrations.RunPython.noop)]
