from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0010_notices_to_notifications")]

    operations = [migrations.DeleteModel(name="Notice")]
