"""Once every row has its creator (0003), the column is required (a migration of its own: on
PostgreSQL a table whose rows were just updated cannot be altered in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("sharing", "0003_stix_object_creator"),
    ]

    operations = [
        migrations.AlterField(
            model_name="stixobject",
            name="creator",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.organization",
                verbose_name="created by",
            ),
        ),
    ]
