from django.db import migrations

# The plan's starting cycle: every ministry and IPA yearly, each independent administrative
# agency at least once in three years. Platform admins change it on the plan page.
DEFAULTS = {"ministry": 1, "digital_agency": 1, "ipa": 1, "independent_agency": 3}


def forwards(apps, schema_editor):
    rule = apps.get_model("audits", "AuditCycleRule")
    for kind, years in DEFAULTS.items():
        rule.objects.get_or_create(organization_kind=kind, defaults={"interval_years": years})


def backwards(apps, schema_editor):
    apps.get_model("audits", "AuditCycleRule").objects.filter(
        organization_kind__in=list(DEFAULTS)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
