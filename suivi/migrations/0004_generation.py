"""The generation number of the mid-term review's cached figures (`suivi.fraicheur`)."""

from django.db import migrations


def creer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS suivi_generation")


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS suivi_generation")


class Migration(migrations.Migration):
    dependencies = [("suivi", "0003_journal_inalterable")]

    operations = [migrations.RunPython(creer, supprimer)]
