"""Backup and restore: `manage.py sauvegarder` dumps the database, `manage.py restaurer`
restores it into an empty one, where the ledger has the same totals and every table the same
number of rows."""

from datetime import date
from decimal import Decimal

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from financement.services import engagement_enregistrer, paiement_enregistrer

pytestmark = pytest.mark.lent

TOTAUX = """
SELECT (SELECT sum(montant) FROM financement_enveloppe),
       (SELECT sum(montant_programme) FROM financement_enveloppe),
       (SELECT sum(montant_engage) FROM financement_enveloppe),
       (SELECT sum(montant_paye) FROM financement_enveloppe),
       (SELECT count(*) FROM financement_journalfinancier),
       (SELECT count(*) FROM projets_transitionprojet)
"""
COMPTES = """
SELECT relname, n FROM (
  SELECT c.relname, (xpath('/row/n/text()', query_to_xml(
      format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text::int AS n
  FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
  WHERE s.nspname = 'public' AND c.relkind = 'r'
) t ORDER BY relname
"""


def _mesurer(curseur) -> tuple:
    curseur.execute(TOTAUX)
    totaux = curseur.fetchone()
    curseur.execute(COMPTES)
    return totaux, curseur.fetchall()


@pytest.mark.django_db(transaction=True)
def test_une_sauvegarde_restauree_dans_une_base_neuve_a_les_memes_totaux(
    base_transactionnelle_avec_contrat, projet_programme, agent, tmp_path
):
    ligne = projet_programme.lignes_programmees.get(signataire__code="region")
    engagement = engagement_enregistrer(
        ligne=ligne,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-001",
        montant=Decimal("200000.00"),
        annee_budgetaire=2026,
    )
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 6, 1),
        montant=Decimal("80000.00"),
        type_="avance",
    )
    with connection.cursor() as curseur:
        origine = _mesurer(curseur)
    assert origine[0][1:4] == (
        Decimal("750000.00"),
        Decimal("200000.00"),
        Decimal("80000.00"),
    )

    fichier = tmp_path / "cper.dump"
    call_command("sauvegarder", fichier=str(fichier))
    assert fichier.stat().st_size > 0

    reglages = connection.settings_dict
    cible = f"{reglages['NAME']}_restauree"
    parametres = {
        "host": reglages["HOST"] or "127.0.0.1",
        "port": reglages["PORT"] or 5432,
        "user": reglages["USER"] or "postgres",
        "password": reglages["PASSWORD"] or None,
    }
    administration = psycopg2.connect(dbname="postgres", **parametres)
    administration.autocommit = True
    with administration.cursor() as curseur:
        curseur.execute(f'DROP DATABASE IF EXISTS "{cible}"')
        curseur.execute(f'CREATE DATABASE "{cible}"')
    try:
        call_command("restaurer", str(fichier), base=cible)
        restauree = psycopg2.connect(dbname=cible, **parametres)
        try:
            with restauree.cursor() as curseur:
                assert _mesurer(curseur) == origine
                # The journal's trigger came back with the data.
                with pytest.raises(psycopg2.Error, match="ne se modifie pas"):
                    curseur.execute("DELETE FROM financement_journalfinancier")
            restauree.rollback()
        finally:
            restauree.close()
        # A second restore into the same, now full, database is refused.
        with pytest.raises(CommandError, match="n'est pas vide"):
            call_command("restaurer", str(fichier), base=cible)
    finally:
        with administration.cursor() as curseur:
            curseur.execute(f'DROP DATABASE IF EXISTS "{cible}" WITH (FORCE)')
        administration.close()
