"""The 15 critical-infrastructure sectors of the national action plan (reference data).

Their supervising ministries are organisations of the deployment and are linked to them
afterwards (``shireito demo load`` does it for the demo; the API's sector endpoint in production).
"""

from django.db import migrations

SECTORS = [
    ("information-communications", "情報通信", "Information and communications"),
    ("finance", "金融", "Finance"),
    ("aviation", "航空", "Aviation"),
    ("airports", "空港", "Airports"),
    ("railways", "鉄道", "Railways"),
    ("electric-power", "電力", "Electric power"),
    ("gas", "ガス", "Gas"),
    ("government-services", "政府・行政サービス（地方公共団体を含む）", "Government and administrative services (including local governments)"),
    ("medical", "医療", "Medical"),
    ("water", "水道", "Water"),
    ("logistics", "物流", "Logistics"),
    ("chemicals", "化学", "Chemicals"),
    ("credit-cards", "クレジット", "Credit cards"),
    ("petroleum", "石油", "Petroleum"),
    ("ports", "港湾", "Ports"),
]


def create_sectors(apps, schema_editor):
    sector_model = apps.get_model("organizations", "Sector")
    for position, (code, name, name_en) in enumerate(SECTORS, start=1):
        sector_model.objects.using(schema_editor.connection.alias).update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )


def remove_sectors(apps, schema_editor):
    sector_model = apps.get_model("organizations", "Sector")
    sector_model.objects.using(schema_editor.connection.alias).filter(
        code__in=[code for code, _name, _en in SECTORS], operators__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_governance_model")]

    operations = [migrations.RunPython(create_sectors, remove_sectors)]
