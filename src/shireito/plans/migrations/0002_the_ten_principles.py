"""The ten basic principles of the digital society, as the measures refer to them."""

from django.db import migrations

PRINCIPLES = [
    (1, "オープン・透明", "open and transparent"),
    (2, "公平・倫理", "fair and ethical"),
    (3, "安全・安心", "safe and secure"),
    (4, "継続・安定・強靱", "continuous, stable and resilient"),
    (5, "社会課題の解決", "solving social problems"),
    (6, "迅速・柔軟", "quick and flexible"),
    (7, "包摂・多様性", "inclusive and diverse"),
    (8, "浸透", "reaching everyone"),
    (9, "新たな価値の創造", "creating new value"),
    (10, "飛躍・国際貢献", "leaping ahead and contributing internationally"),
]


def add(apps, schema_editor):
    Principle = apps.get_model("plans", "Principle")
    for number, name, name_en in PRINCIPLES:
        Principle.objects.update_or_create(number=number, defaults={"name": name, "name_en": name_en})


def remove(apps, schema_editor):
    apps.get_model("plans", "Principle").objects.filter(
        number__in=[number for number, _, _ in PRINCIPLES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
