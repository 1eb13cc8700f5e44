"""The text search of issue 14: two normalised columns on the dossier, filled for the dossiers
already there, and on PostgreSQL the `pg_trgm` extension with a GIN trigram index, which
serves `LIKE '%mot%'` without reading every row. The embedded SQLite has neither: it reads
the column itself, with the same results."""

from django.db import migrations, models

INDEX = "projets_projet_recherche_trgm"


def remplir(apps, schema_editor):
    from projets.recherche import actualiser_recherche

    Projet = apps.get_model("projets", "Projet")
    CommuneProjet = apps.get_model("projets", "CommuneProjet")
    actualiser_recherche(Projet.objects.all(), CommuneProjet.objects.all())


def creer_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON projets_projet USING gin (recherche gin_trgm_ops)"
    )


def supprimer_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("projets", "0005_reequilibrage"),
    ]

    operations = [
        migrations.AddField(
            model_name="projet",
            name="recherche",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="texte cherché"
            ),
        ),
        migrations.AddField(
            model_name="projet",
            name="recherche_titre",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="titre cherché"
            ),
        ),
        migrations.RunPython(remplir, migrations.RunPython.noop),
        migrations.RunPython(creer_index, supprimer_index),
    ]
