"""The ledger's check moves from rapports to financement, with its history.

The model is declared in financement on the table it has (state only), then the table takes
financement's name, and so does its content type (the admin permissions given on it follow);
rapports 0004 forgets the model (state only). No row is copied or lost.
"""

from django.db import migrations, models


def _deplacer_type_de_contenu(apps, depuis, vers):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=vers, model="verificationregistre").exists():
        return  # already made (post_migrate of an earlier run): nothing to carry over
    ContentType.objects.filter(app_label=depuis, model="verificationregistre").update(
        app_label=vers
    )


def _type_de_contenu_vers_financement(apps, schema_editor):
    """The admin permissions given on the model follow it (same content type row)."""
    _deplacer_type_de_contenu(apps, "rapports", "financement")


def _type_de_contenu_vers_rapports(apps, schema_editor):
    _deplacer_type_de_contenu(apps, "financement", "rapports")


class Migration(migrations.Migration):
    dependencies = [
        ("financement", "0004_journal_inalterable"),
        ("rapports", "0003_proces_verbal"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="VerificationRegistre",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "lancee_le",
                            models.DateTimeField(auto_now_add=True, verbose_name="lancée le"),
                        ),
                        (
                            "duree",
                            models.DecimalField(
                                decimal_places=3, default=0, max_digits=8, verbose_name="durée (s)"
                            ),
                        ),
                        (
                            "resultat",
                            models.CharField(
                                choices=[
                                    ("conforme", "registre cohérent"),
                                    ("ecarts", "écarts détectés"),
                                ],
                                max_length=20,
                                verbose_name="résultat",
                            ),
                        ),
                        (
                            "nombre_ecarts",
                            models.PositiveIntegerField(default=0, verbose_name="nombre d'écarts"),
                        ),
                        (
                            "ecarts",
                            models.JSONField(blank=True, default=list, verbose_name="écarts"),
                        ),
                        (
                            "controles",
                            models.PositiveIntegerField(default=0, verbose_name="totaux contrôlés"),
                        ),
                    ],
                    options={
                        "verbose_name": "vérification du registre",
                        "verbose_name_plural": "vérifications du registre",
                        "ordering": ["-lancee_le", "-pk"],
                        "db_table": "rapports_verificationregistre",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("resultat", "conforme"), ("nombre_ecarts", 0)),
                                    models.Q(("resultat", "ecarts"), ("nombre_ecarts__gt", 0)),
                                    _connector="OR",
                                ),
                                name="verification_resultat_coherent",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="verificationregistre", table=None),
        migrations.RunPython(_type_de_contenu_vers_financement, _type_de_contenu_vers_rapports),
    ]
