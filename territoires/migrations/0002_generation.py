"""The generation number of the territories' cached figures (`territoires.fraicheur`)."""

from django.db import migrations


def creer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS territoires_generation")


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS territoires_generation")


class Migration(migrations.Migration):
    dependencies = [("territoires", "0001_initial")]

    operations = [migrations.RunPython(creer, supprimer)]
