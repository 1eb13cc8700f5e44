"""A programmed line may move to another measure (an avenant re-scoping a listed operation):
the maquette lines of the old node and above give back its programmed amount, those of the new
node and above take it, in the same statement. A line still never changes signatory."""

from django.db import migrations

# The maquette lines of the signatory on a node or above it (craft: a node covers the codes that
# extend its own after a dot), moved by a delta.
MAQUETTE_PG = """
        UPDATE financement_maquetteligne m SET montant_programme = m.montant_programme + ({delta})
         WHERE m.signataire_id = {r}.signataire_id
           AND m.noeud_id IN (
               SELECT n.id FROM axes_noeud n JOIN axes_noeud me ON me.id = {r}.noeud_id
                WHERE n.contrat_id = me.contrat_id
                  AND (me.code = n.code OR me.code LIKE n.code || '.%'));"""

POSTGRESQL = (
    r"""
CREATE OR REPLACE FUNCTION financement_ligne_totaux() RETURNS trigger AS $$
DECLARE
    d_programme numeric;
    d_engage numeric;
    d_paye numeric;
    r record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        r := NEW; d_programme := NEW.montant_programme; d_engage := NEW.montant_engage;
        d_paye := NEW.montant_paye;
    ELSIF TG_OP = 'DELETE' THEN
        r := OLD; d_programme := -OLD.montant_programme; d_engage := -OLD.montant_engage;
        d_paye := -OLD.montant_paye;
    ELSE
        IF NEW.signataire_id <> OLD.signataire_id THEN
            RAISE EXCEPTION 'une ligne programmée ne change pas de signataire';
        END IF;
        r := NEW; d_programme := NEW.montant_programme - OLD.montant_programme;
        d_engage := NEW.montant_engage - OLD.montant_engage; d_paye := NEW.montant_paye - OLD.montant_paye;
    END IF;
    IF d_programme <> 0 OR d_engage <> 0 OR d_paye <> 0 THEN
        UPDATE financement_enveloppe
           SET montant_programme = montant_programme + d_programme,
               montant_engage = montant_engage + d_engage,
               montant_paye = montant_paye + d_paye
         WHERE signataire_id = r.signataire_id;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.noeud_id <> OLD.noeud_id THEN
        -- The line moves: the old node and above give back all it held, the new one takes it."""
    + MAQUETTE_PG.format(delta="-OLD.montant_programme", r="OLD")
    + MAQUETTE_PG.format(delta="NEW.montant_programme", r="NEW")
    + """
    ELSIF d_programme <> 0 THEN"""
    + MAQUETTE_PG.format(delta="d_programme", r="r")
    + """
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""
)

MAQUETTE_SQLITE = """
UPDATE financement_maquetteligne SET montant_programme = montant_programme + ({delta})
 WHERE signataire_id = {r}.signataire_id
   AND noeud_id IN (SELECT n.id FROM axes_noeud n JOIN axes_noeud me ON me.id = {r}.noeud_id
                     WHERE n.contrat_id = me.contrat_id
                       AND (me.code = n.code OR me.code LIKE n.code || '.%'));
"""

SQLITE = [
    "DROP TRIGGER IF EXISTS financement_ligne_upd",
    """CREATE TRIGGER financement_ligne_upd AFTER UPDATE ON financement_ligneprogrammee BEGIN
        SELECT RAISE(ABORT, 'une ligne programmée ne change pas de signataire')
         WHERE NEW.signataire_id <> OLD.signataire_id;
        UPDATE financement_enveloppe
           SET montant_programme = montant_programme + NEW.montant_programme - OLD.montant_programme,
               montant_engage = montant_engage + NEW.montant_engage - OLD.montant_engage,
               montant_paye = montant_paye + NEW.montant_paye - OLD.montant_paye
         WHERE signataire_id = NEW.signataire_id;"""
    + MAQUETTE_SQLITE.format(delta="-OLD.montant_programme", r="OLD")
    + MAQUETTE_SQLITE.format(delta="NEW.montant_programme", r="NEW")
    + "END",
]


def _executer(schema_editor, instructions):
    # No parameters: the SQL holds literal « % » signs (LIKE patterns).
    with schema_editor.connection.cursor() as curseur:
        for instruction in instructions:
            curseur.execute(instruction)


def creer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _executer(schema_editor, [POSTGRESQL])
    elif schema_editor.connection.vendor == "sqlite":
        _executer(schema_editor, SQLITE)


class Migration(migrations.Migration):
    dependencies = [("financement", "0006_execution")]

    # Going back keeps the more permissive function: the earlier one refused only more.
    operations = [migrations.RunPython(creer, migrations.RunPython.noop)]
