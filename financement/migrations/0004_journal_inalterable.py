"""The financial journal (financement_journalfinancier) is append-only in the database: the
trigger function of projets 0003 refuses every UPDATE and DELETE. PostgreSQL only."""

from django.db import migrations

POSTGRESQL = """
CREATE TRIGGER financement_journalfinancier_inalterable
BEFORE UPDATE OR DELETE ON financement_journalfinancier
FOR EACH ROW EXECUTE FUNCTION journal_inalterable();
"""

POSTGRESQL_INVERSE = """
DROP TRIGGER IF EXISTS financement_journalfinancier_inalterable
ON financement_journalfinancier;
"""


def _executer(schema_editor, sql):
    # No parameters: the SQL holds a literal « % » (RAISE's placeholder).
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as curseur:
            curseur.execute(sql)


def creer(apps, schema_editor):
    _executer(schema_editor, POSTGRESQL)


def supprimer(apps, schema_editor):
    _executer(schema_editor, POSTGRESQL_INVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("financement", "0003_declencheurs"),
        ("projets", "0003_journal_inalterable"),
    ]

    operations = [migrations.RunPython(creer, supprimer)]
