"""The search index (``cocreation.search_index``): an FTS5 table with the trigram tokenizer on
SQLite, a table with full text and ``pg_trgm`` indexes on PostgreSQL, each kept by triggers."""

from django.db import migrations


def forward(apps, schema_editor):
    from shireito.cocreation.search_index import install

    install(schema_editor)


def backward(apps, schema_editor):
    from shireito.cocreation.search_index import uninstall

    uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("cocreation", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
