"""The ledger's check moves from rapports to financement, with its history.

The model is declared in financement on the table it has (state only), then the table takes
financement's name; rapports 0004 forgets the model (state only). No row is copied or lost.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("financement", "0004_journal_inalterable"),
        ("rapports", "0003_proces_verbal"),
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
    ]
