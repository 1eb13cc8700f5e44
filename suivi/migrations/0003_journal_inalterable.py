from django.db import migrations

# The follow-up's journal is append-only in the database, like the financial journal
# (financement 0004, whose `journal_inalterable()` refuses the statement).
INALTERABLE = """
CREATE TRIGGER suivi_journalsuivi_inalterable
BEFORE UPDATE OR DELETE ON suivi_journalsuivi
FOR EACH ROW EXECUTE FUNCTION journal_inalterable();
"""
INALTERABLE_INVERSE = "DROP TRIGGER IF EXISTS suivi_journalsuivi_inalterable ON suivi_journalsuivi;"


def _executer(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as curseur:
            curseur.execute(sql)


def creer(apps, schema_editor):
    _executer(schema_editor, INALTERABLE)


def supprimer(apps, schema_editor):
    _executer(schema_editor, INALTERABLE_INVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("suivi", "0002_indicateurs"),
        ("financement", "0004_journal_inalterable"),
    ]

    operations = [migrations.RunPython(creer, supprimer)]
