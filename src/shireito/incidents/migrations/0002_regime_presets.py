from django.db import migrations


def install(apps, schema_editor):
    # Imported when the migration runs, not when migrations are loaded: the presets module
    # imports the app's models, which a migration module must not.
    from shireito.incidents.regimes import install_presets

    install_presets(apps.get_model("incidents", "ReportingRegime"), apps.get_model("incidents", "RegimeStage"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
