"""The lifecycle journal (projets_transitionprojet) is append-only in the database itself: a
trigger refuses every UPDATE and DELETE, whoever sends it (the admin, the shell, raw SQL).
PostgreSQL only; the embedded SQLite demo keeps the rule in the application.

`journal_inalterable()` is shared with financement's journal (financement 0004)."""

from django.db import migrations

POSTGRESQL = r"""
CREATE OR REPLACE FUNCTION journal_inalterable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'le journal % ne se modifie pas et ne s''efface pas', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER projets_transitionprojet_inalterable
BEFORE UPDATE OR DELETE ON projets_transitionprojet
FOR EACH ROW EXECUTE FUNCTION journal_inalterable();
"""

POSTGRESQL_INVERSE = """
DROP TRIGGER IF EXISTS projets_transitionprojet_inalterable ON projets_transitionprojet;
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
    dependencies = [("projets", "0002_dossier_complet")]

    operations = [migrations.RunPython(creer, supprimer)]
