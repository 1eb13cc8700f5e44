"""Database triggers that keep the ledger's running totals, on PostgreSQL and on SQLite.

Paiement → Engagement.montant_paye; Engagement → LigneProgrammee (engagé, payé) and
CreditsOuverts (engagé of the year); LigneProgrammee → Enveloppe (programmé, engagé, payé) and
the maquette lines of the signatory on the node or above it. The CHECK constraints on those
totals then refuse any write that would exceed a limit, whoever makes it. A row's parent keys
are immutable (a trigger refuses to move a commitment to another line).
"""

from django.db import migrations

POSTGRESQL = r"""
CREATE OR REPLACE FUNCTION financement_paiement_totaux() RETURNS trigger AS $$
DECLARE
    delta numeric;
    cle bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        delta := NEW.montant; cle := NEW.engagement_id;
    ELSIF TG_OP = 'DELETE' THEN
        delta := -OLD.montant; cle := OLD.engagement_id;
    ELSE
        IF NEW.engagement_id <> OLD.engagement_id THEN
            RAISE EXCEPTION 'un paiement ne change pas d''engagement';
        END IF;
        delta := NEW.montant - OLD.montant; cle := NEW.engagement_id;
    END IF;
    IF delta <> 0 THEN
        UPDATE financement_engagement SET montant_paye = montant_paye + delta WHERE id = cle;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER financement_paiement_totaux
AFTER INSERT OR UPDATE OR DELETE ON financement_paiement
FOR EACH ROW EXECUTE FUNCTION financement_paiement_totaux();

CREATE OR REPLACE FUNCTION financement_engagement_totaux() RETURNS trigger AS $$
DECLARE
    d_engage numeric;
    d_paye numeric;
    r record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        r := NEW; d_engage := NEW.montant; d_paye := NEW.montant_paye;
    ELSIF TG_OP = 'DELETE' THEN
        r := OLD; d_engage := -OLD.montant; d_paye := -OLD.montant_paye;
    ELSE
        IF NEW.ligne_id <> OLD.ligne_id OR NEW.signataire_id <> OLD.signataire_id
           OR NEW.annee_budgetaire <> OLD.annee_budgetaire THEN
            RAISE EXCEPTION 'un engagement ne change pas de ligne, de signataire ni d''année';
        END IF;
        r := NEW; d_engage := NEW.montant - OLD.montant; d_paye := NEW.montant_paye - OLD.montant_paye;
    END IF;
    IF d_engage <> 0 OR d_paye <> 0 THEN
        UPDATE financement_ligneprogrammee
           SET montant_engage = montant_engage + d_engage, montant_paye = montant_paye + d_paye
         WHERE id = r.ligne_id;
    END IF;
    IF d_engage <> 0 THEN
        UPDATE financement_creditsouverts SET montant_engage = montant_engage + d_engage
         WHERE signataire_id = r.signataire_id AND annee = r.annee_budgetaire;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER financement_engagement_totaux
AFTER INSERT OR UPDATE OR DELETE ON financement_engagement
FOR EACH ROW EXECUTE FUNCTION financement_engagement_totaux();

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
        IF NEW.signataire_id <> OLD.signataire_id OR NEW.noeud_id <> OLD.noeud_id THEN
            RAISE EXCEPTION 'une ligne programmée ne change pas de signataire ni de mesure';
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
    IF d_programme <> 0 THEN
        UPDATE financement_maquetteligne m SET montant_programme = m.montant_programme + d_programme
         WHERE m.signataire_id = r.signataire_id
           AND m.noeud_id IN (
               SELECT n.id FROM axes_noeud n JOIN axes_noeud me ON me.id = r.noeud_id
                WHERE n.contrat_id = me.contrat_id
                  AND (me.code = n.code OR me.code LIKE n.code || '.%'));
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER financement_ligne_totaux
AFTER INSERT OR UPDATE OR DELETE ON financement_ligneprogrammee
FOR EACH ROW EXECUTE FUNCTION financement_ligne_totaux();
"""

POSTGRESQL_INVERSE = r"""
DROP TRIGGER IF EXISTS financement_ligne_totaux ON financement_ligneprogrammee;
DROP TRIGGER IF EXISTS financement_engagement_totaux ON financement_engagement;
DROP TRIGGER IF EXISTS financement_paiement_totaux ON financement_paiement;
DROP FUNCTION IF EXISTS financement_ligne_totaux();
DROP FUNCTION IF EXISTS financement_engagement_totaux();
DROP FUNCTION IF EXISTS financement_paiement_totaux();
"""

MAQUETTE_SQLITE = """
UPDATE financement_maquetteligne SET montant_programme = montant_programme + ({delta})
 WHERE signataire_id = {r}.signataire_id
   AND noeud_id IN (SELECT n.id FROM axes_noeud n JOIN axes_noeud me ON me.id = {r}.noeud_id
                     WHERE n.contrat_id = me.contrat_id
                       AND (me.code = n.code OR me.code LIKE n.code || '.%'));
"""

SQLITE = [
    # Paiement → Engagement
    """CREATE TRIGGER financement_paiement_ins AFTER INSERT ON financement_paiement BEGIN
        UPDATE financement_engagement SET montant_paye = montant_paye + NEW.montant
         WHERE id = NEW.engagement_id; END""",
    """CREATE TRIGGER financement_paiement_del AFTER DELETE ON financement_paiement BEGIN
        UPDATE financement_engagement SET montant_paye = montant_paye - OLD.montant
         WHERE id = OLD.engagement_id; END""",
    """CREATE TRIGGER financement_paiement_upd AFTER UPDATE ON financement_paiement BEGIN
        SELECT RAISE(ABORT, 'un paiement ne change pas d''engagement')
         WHERE NEW.engagement_id <> OLD.engagement_id;
        UPDATE financement_engagement SET montant_paye = montant_paye + NEW.montant - OLD.montant
         WHERE id = NEW.engagement_id; END""",
    # Engagement → LigneProgrammee, CreditsOuverts
    """CREATE TRIGGER financement_engagement_ins AFTER INSERT ON financement_engagement BEGIN
        UPDATE financement_ligneprogrammee SET montant_engage = montant_engage + NEW.montant,
               montant_paye = montant_paye + NEW.montant_paye WHERE id = NEW.ligne_id;
        UPDATE financement_creditsouverts SET montant_engage = montant_engage + NEW.montant
         WHERE signataire_id = NEW.signataire_id AND annee = NEW.annee_budgetaire; END""",
    """CREATE TRIGGER financement_engagement_del AFTER DELETE ON financement_engagement BEGIN
        UPDATE financement_ligneprogrammee SET montant_engage = montant_engage - OLD.montant,
               montant_paye = montant_paye - OLD.montant_paye WHERE id = OLD.ligne_id;
        UPDATE financement_creditsouverts SET montant_engage = montant_engage - OLD.montant
         WHERE signataire_id = OLD.signataire_id AND annee = OLD.annee_budgetaire; END""",
    """CREATE TRIGGER financement_engagement_upd AFTER UPDATE ON financement_engagement BEGIN
        SELECT RAISE(ABORT, 'un engagement ne change pas de ligne, de signataire ni d''année')
         WHERE NEW.ligne_id <> OLD.ligne_id OR NEW.signataire_id <> OLD.signataire_id
            OR NEW.annee_budgetaire <> OLD.annee_budgetaire;
        UPDATE financement_ligneprogrammee
           SET montant_engage = montant_engage + NEW.montant - OLD.montant,
               montant_paye = montant_paye + NEW.montant_paye - OLD.montant_paye
         WHERE id = NEW.ligne_id;
        UPDATE financement_creditsouverts SET montant_engage = montant_engage + NEW.montant - OLD.montant
         WHERE signataire_id = NEW.signataire_id AND annee = NEW.annee_budgetaire; END""",
    # LigneProgrammee → Enveloppe, maquette
    """CREATE TRIGGER financement_ligne_ins AFTER INSERT ON financement_ligneprogrammee BEGIN
        UPDATE financement_enveloppe SET montant_programme = montant_programme + NEW.montant_programme,
               montant_engage = montant_engage + NEW.montant_engage,
               montant_paye = montant_paye + NEW.montant_paye
         WHERE signataire_id = NEW.signataire_id;"""
    + MAQUETTE_SQLITE.format(delta="NEW.montant_programme", r="NEW")
    + "END",
    """CREATE TRIGGER financement_ligne_del AFTER DELETE ON financement_ligneprogrammee BEGIN
        UPDATE financement_enveloppe SET montant_programme = montant_programme - OLD.montant_programme,
               montant_engage = montant_engage - OLD.montant_engage,
               montant_paye = montant_paye - OLD.montant_paye
         WHERE signataire_id = OLD.signataire_id;"""
    + MAQUETTE_SQLITE.format(delta="-OLD.montant_programme", r="OLD")
    + "END",
    """CREATE TRIGGER financement_ligne_upd AFTER UPDATE ON financement_ligneprogrammee BEGIN
        SELECT RAISE(ABORT, 'une ligne programmée ne change pas de signataire ni de mesure')
         WHERE NEW.signataire_id <> OLD.signataire_id OR NEW.noeud_id <> OLD.noeud_id;
        UPDATE financement_enveloppe
           SET montant_programme = montant_programme + NEW.montant_programme - OLD.montant_programme,
               montant_engage = montant_engage + NEW.montant_engage - OLD.montant_engage,
               montant_paye = montant_paye + NEW.montant_paye - OLD.montant_paye
         WHERE signataire_id = NEW.signataire_id;"""
    + MAQUETTE_SQLITE.format(delta="NEW.montant_programme - OLD.montant_programme", r="NEW")
    + "END",
]

SQLITE_INVERSE = [
    f"DROP TRIGGER IF EXISTS financement_{nom}"
    for nom in (
        "paiement_ins",
        "paiement_del",
        "paiement_upd",
        "engagement_ins",
        "engagement_del",
        "engagement_upd",
        "ligne_ins",
        "ligne_del",
        "ligne_upd",
    )
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


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _executer(schema_editor, [POSTGRESQL_INVERSE])
    elif schema_editor.connection.vendor == "sqlite":
        _executer(schema_editor, SQLITE_INVERSE)


class Migration(migrations.Migration):
    dependencies = [("financement", "0002_registre")]

    operations = [migrations.RunPython(creer, supprimer)]
