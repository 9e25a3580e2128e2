"""Every stored STIX object version records the organisation that created it (STIX 2.1: only
an object's creator versions it). Existing rows: the organisation whose identity the object
names as ``created_by_ref``, else the collection's owner."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from shireito.sharing.identity import organization_identity_id


def backfill_creators(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    Collection = apps.get_model("sharing", "Collection")
    StixObject = apps.get_model("sharing", "StixObject")
    for organization in Organization.objects.only("pk", "code").iterator():
        StixObject.objects.filter(
            creator__isnull=True, body__created_by_ref=organization_identity_id(organization)
        ).update(creator=organization.pk)
    StixObject.objects.filter(creator__isnull=True).update(
        creator=Subquery(
            Collection.objects.filter(pk=OuterRef("collection_id")).values("owner_id")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("organizations", "0006_help_texts_in_english"),
        ("sharing", "0002_field_labels_for_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="stixobject",
            name="creator",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.organization",
                verbose_name="created by",
            ),
        ),
        migrations.RunPython(backfill_creators, migrations.RunPython.noop),
    ]
