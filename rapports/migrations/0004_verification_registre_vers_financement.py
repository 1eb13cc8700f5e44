"""The ledger's check now lives in financement (financement 0005 took the table over): the
model leaves rapports' state; the table and its rows stay, under financement's name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("rapports", "0003_proces_verbal"),
        ("financement", "0005_verification_registre"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="VerificationRegistre")],
            database_operations=[],
        ),
    ]
