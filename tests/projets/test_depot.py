"""Filing a dossier: each rule refuses with its message on its field, and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest

from axes.models import Noeud, Signataire
from comptes.models import Organisation
from projets.models import (
    NatureFinancement,
    ParametreMesure,
    Projet,
    SourceFinancement,
    Statut,
    TransitionProjet,
)
from projets.services import LigneSaisie, PhaseSaisie, projet_creer, projet_transitionner
from projets.workflow import Action
from socle.exceptions import RegleMetierError


def etat(projet):
    """Everything filing could touch on a dossier."""
    projet = Projet.objects.get(pk=projet.pk)
    return (
        projet.statut,
        projet.depose_le,
        projet.modifie_le,
        projet.historique.count(),
        TransitionProjet.objects.filter(projet=projet).count(),
    )


def deposer(projet, par):
    return projet_transitionner(projet=projet, action=Action.DEPOSER, par=par)


def refus(projet, par) -> dict:
    avant = etat(projet)
    with pytest.raises(RegleMetierError) as erreur:
        deposer(projet, par)
    assert etat(projet) == avant, "un refus ne doit rien écrire"
    return erreur.value.erreurs


def test_un_dossier_complet_se_depose_et_ecrit_une_ligne_de_journal(projet_brouillon, porteur):
    assert projet_brouillon.reference.startswith("HDF-")
    assert projet_brouillon.statut == Statut.BROUILLON
    deposer(projet_brouillon, porteur)
    projet_brouillon.refresh_from_db()
    assert projet_brouillon.statut == Statut.DEPOSE
    assert projet_brouillon.depose_le is not None
    journal = list(TransitionProjet.objects.filter(projet=projet_brouillon))
    assert [(t.de_statut, t.vers_statut, t.par) for t in journal] == [
        (Statut.BROUILLON, Statut.DEPOSE, porteur)
    ]


def test_un_plan_desequilibre_est_refuse_sur_le_plan_de_financement(porteur, donnees_completes):
    donnees = donnees_completes(cout_total_ht=Decimal("1000000.01"))
    projet = projet_creer(donnees=donnees, par=porteur)
    erreurs = refus(projet, porteur)
    assert list(erreurs) == ["lignes"]
    message = erreurs["lignes"][0]
    assert "n'est pas équilibré" in message
    assert "1\u202f000\u202f000,00\u00a0€" in message
    assert "1\u202f000\u202f000,01\u00a0€" in message
    assert "0,01\u00a0€" in message


def test_un_plan_sans_ligne_est_refuse(porteur, donnees_completes):
    projet = projet_creer(donnees=donnees_completes(lignes=[]), par=porteur)
    assert "aucune ligne" in refus(projet, porteur)["lignes"][0]


def test_la_part_du_maitre_d_ouvrage_doit_atteindre_20_pour_cent_par_defaut(
    porteur, donnees_completes
):
    donnees = donnees_completes()
    donnees.lignes[0].montant = Decimal("460000.00")  # région
    donnees.lignes[2].montant = Decimal("190000.00")  # fonds propres : 19 %
    projet = projet_creer(donnees=donnees, par=porteur)
    message = refus(projet, porteur)["lignes"][0]
    assert "(19 %)" in message
    assert "minimum de 20 %" in message
    assert "valeur par défaut du portail" in message
    assert "200\u202f000,00\u00a0€" in message


def test_une_part_tout_juste_sous_le_minimum_n_est_pas_arrondie_au_minimum(
    porteur, donnees_completes
):
    donnees = donnees_completes()
    donnees.lignes[0].montant = Decimal("450000.01")  # région
    donnees.lignes[2].montant = Decimal("199999.99")  # fonds propres : 19,999999 %
    projet = projet_creer(donnees=donnees, par=porteur)
    message = refus(projet, porteur)["lignes"][0]
    assert "(19,99 %)" in message
    assert "20,0 %" not in message


def test_le_taux_se_regle_par_mesure_et_s_applique_aux_sous_mesures(porteur, donnees_completes):
    ParametreMesure.objects.create(
        noeud=Noeud.objects.get(code="IV.2"), taux_autofinancement_minimum=Decimal("30")
    )
    projet = projet_creer(donnees=donnees_completes(), par=porteur)  # mesure IV.2.1.a, 25 %
    message = refus(projet, porteur)["lignes"][0]
    assert "minimum de 30 %" in message
    assert "paramètre de la mesure IV.2" in message


def test_canal_seine_nord_europe_20_pour_cent_sauf_pour_la_societe_du_canal(
    creer_utilisateur, agent, donnees_completes
):
    region, etat_ = Signataire.objects.get(code="region"), Signataire.objects.get(code="etat")
    lignes = [
        LigneSaisie(Decimal("500000.00"), NatureFinancement.CPER, signataire_id=region.pk),
        LigneSaisie(Decimal("500000.00"), NatureFinancement.CPER, signataire_id=etat_.pk),
    ]
    ii6 = Noeud.objects.get(code="II.6")
    commune = Organisation.objects.create(nom="Commune de Péronne")
    projet = projet_creer(
        donnees=donnees_completes(mesure=ii6, maitre_ouvrage=commune, lignes=lignes), par=agent
    )
    assert "minimum de 20 %" in refus(projet, agent)["lignes"][0]

    scsne = Organisation.objects.get(nom="Société du Canal Seine-Nord Europe")
    projet_scsne = projet_creer(
        donnees=donnees_completes(mesure=ii6, maitre_ouvrage=scsne, lignes=lignes), par=agent
    )
    deposer(projet_scsne, agent)
    assert Projet.objects.get(pk=projet_scsne.pk).statut == Statut.DEPOSE


@pytest.mark.parametrize(
    ("champ", "surcharge", "attendu"),
    [
        ("decarbonation", {"decarbonation": ""}, "Évaluez l'effet du projet sur la décarbonation"),
        (
            "impact_environnemental_justification",
            {"impact_environnemental_justification": "  "},
            "Justifiez votre réponse sur l'impact environnemental",
        ),
        (
            "egalite_femmes_hommes",
            {"egalite_femmes_hommes": ""},
            "l'égalité entre les femmes et les hommes",
        ),
        ("date_debut", {"date_debut": None}, "Indiquez la date de début"),
        ("date_fin", {"date_fin": None}, "Indiquez la date de fin"),
        ("phases", {"phases": []}, "au moins une phase"),
        ("departements", {"departements": []}, "au moins un département"),
        ("description", {"description": ""}, "Décrivez le projet"),
        ("cout_total_ht", {"cout_total_ht": None}, "coût total éligible"),
    ],
)
def test_chaque_regle_de_depot_refuse_sur_son_champ(
    porteur, donnees_completes, champ, surcharge, attendu
):
    projet = projet_creer(donnees=donnees_completes(**surcharge), par=porteur)
    erreurs = refus(projet, porteur)
    assert champ in erreurs
    assert attendu in erreurs[champ][0]


def test_une_fin_apres_2027_demande_une_justification(porteur, donnees_completes):
    projet = projet_creer(
        donnees=donnees_completes(
            date_fin=date(2029, 6, 30), phases=[PhaseSaisie("travaux", 2026, 2029)]
        ),
        par=porteur,
    )
    erreurs = refus(projet, porteur)
    assert list(erreurs) == ["justification_fin_tardive"]
    assert "31 décembre 2027" in erreurs["justification_fin_tardive"][0]

    justifie = projet_creer(
        donnees=donnees_completes(
            date_fin=date(2029, 6, 30),
            justification_fin_tardive="Livraison phasée du campus, tranche 2 en 2029.",
        ),
        par=porteur,
    )
    deposer(justifie, porteur)
    assert Projet.objects.get(pk=justifie.pk).statut == Statut.DEPOSE


def test_une_ligne_cper_doit_nommer_un_signataire(porteur, donnees_completes):
    donnees = donnees_completes()
    donnees.lignes.append(
        LigneSaisie(Decimal("1.00"), NatureFinancement.CPER, source=SourceFinancement.ADEME)
    )
    nombre = Projet.objects.count()
    with pytest.raises(RegleMetierError) as erreur:
        projet_creer(donnees=donnees, par=porteur)
    # The fourth line's error, beside it (by position from 0), the others without error.
    assert erreur.value.rangees["lignes"] == [
        {},
        {},
        {},
        {"nature": ["Seule une ligne d'un signataire peut être de nature CPER."]},
    ]
    assert Projet.objects.count() == nombre


def test_les_references_se_suivent_dans_l_annee(porteur, donnees_completes):
    premier = projet_creer(donnees=donnees_completes(), par=porteur)
    second = projet_creer(donnees=donnees_completes(), par=porteur)
    annee, numero = premier.reference.split("-")[1:]
    assert second.reference == f"HDF-{annee}-{int(numero) + 1:04d}"


def test_un_porteur_depose_pour_sa_propre_organisation(porteur, commune, donnees_completes):
    projet = projet_creer(donnees=donnees_completes(), par=porteur)
    assert projet.maitre_ouvrage == porteur.organisation
    # another organisation named by a porteur is refused, not silently replaced
    with pytest.raises(RegleMetierError, match="propre organisation"):
        projet_creer(donnees=donnees_completes(maitre_ouvrage=commune), par=porteur)


def test_un_agent_cree_le_maitre_d_ouvrage_a_la_volee_avec_un_siret_verifie(
    agent, donnees_completes
):
    projet = projet_creer(
        donnees=donnees_completes(
            maitre_ouvrage_nom="Commune de Saint-Omer", maitre_ouvrage_siret="73282932000074"
        ),
        par=agent,
    )
    assert projet.maitre_ouvrage.nom == "Commune de Saint-Omer"
    assert projet.maitre_ouvrage.siret == "73282932000074"
    with pytest.raises(RegleMetierError) as erreur:
        projet_creer(
            donnees=donnees_completes(
                maitre_ouvrage_nom="Commune d'Arques", maitre_ouvrage_siret="12345678901234"
            ),
            par=agent,
        )
    assert "clé de contrôle" in erreur.value.erreurs["maitre_ouvrage_siret"][0]
    assert not Organisation.objects.filter(nom="Commune d'Arques").exists()
