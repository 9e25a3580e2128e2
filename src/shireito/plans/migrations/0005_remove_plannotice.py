from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_notices_to_notifications")]

    operations = [migrations.DeleteModel(name="PlanNotice")]
