"""The dossier's history reads as French: dates, amounts and yes/no as people write them, and
one save of the form is one event."""

from datetime import date
from decimal import Decimal

from projets.models import LignePlanFinancement
from projets.selectors import historique_projet


def test_les_valeurs_changees_se_lisent_en_francais(projet_brouillon):
    projet_brouillon.date_debut = date(2026, 3, 1)
    projet_brouillon.cout_total_ht = Decimal("1200000.50")
    projet_brouillon.save()
    dernier = historique_projet(projet=projet_brouillon)[0]
    textes = {c["champ"]: (c["avant"], c["apres"]) for c in dernier["changements"]}
    debut = next(v for k, v in textes.items() if "début" in k)
    assert debut == ("1 janvier 2026", "1 mars 2026")
    cout = next(v for k, v in textes.items() if "oût" in k)
    assert cout == ("1\u202f000\u202f000,00\u00a0€", "1\u202f200\u202f000,50\u00a0€")
    assert "2026-" not in str(dernier)


def test_un_enregistrement_du_dossier_et_de_son_plan_est_un_seul_evenement(
    projet_brouillon, porteur
):
    # As the form saves them: the dossier and a line, by the same person (django-simple-history
    # reads the author from `_history_user`, as its middleware sets it from the request).
    projet_brouillon._history_user = porteur
    projet_brouillon.titre = "Nouveau titre"
    projet_brouillon.save()
    ligne = LignePlanFinancement.objects.filter(projet=projet_brouillon).first()
    ligne._history_user = porteur
    ligne.montant = Decimal("390000.00")
    ligne.save()
    evenements = historique_projet(projet=projet_brouillon)
    dernier = evenements[0]
    champs = [c["champ"] for c in dernier["changements"]]
    assert any("itre" in c for c in champs) and any("ontant" in c for c in champs)
    assert "plan de financement" in dernier["motif"]
    # the creation stays a separate event: two saves of the dossier are never merged
    assert len(evenements) >= 2


def test_l_historique_lit_ses_versions_en_nombre_fixe_de_requetes(projet_brouillon):
    """Each version's previous one is read from the versions already fetched (issue 14): the
    versions of the dossier and of its plan lines are read once each, for 2 versions as for 6
    (the départements' and territories' changes still read their own tables), and each
    version is compared with the one before it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ligne = LignePlanFinancement.objects.filter(projet=projet_brouillon).first()
    tables = ('FROM "projets_historicalprojet" ', 'FROM "projets_historicalligneplanfinancement" ')

    def lectures_des_versions() -> list[str]:
        with CaptureQueriesContext(connection) as requetes:
            historique_projet(projet=projet_brouillon)
        return [t for q in requetes.captured_queries for t in tables if t in q["sql"]]

    projet_brouillon.titre = "Titre 1"
    projet_brouillon.save()
    assert len(lectures_des_versions()) == 2
    for rang in range(2, 6):
        ligne.montant += Decimal(rang)
        ligne.save()
    for rang in range(2, 6):
        projet_brouillon.titre = f"Titre {rang}"
        projet_brouillon.save()
    assert len(lectures_des_versions()) == 2
    evenements = historique_projet(projet=projet_brouillon, limite=3)
    changes = [(c["avant"], c["apres"]) for e in evenements for c in e["changements"]]
    assert changes == [("Titre 4", "Titre 5"), ("Titre 3", "Titre 4"), ("Titre 2", "Titre 3")]
    montants = [c for e in historique_projet(projet=projet_brouillon) for c in e["changements"]]
    assert len([c for c in montants if "ontant" in c["champ"]]) == 4
