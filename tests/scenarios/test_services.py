"""Adoption in one transaction, positions for one's own signatory, refusals that write
nothing (issue 17)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from axes.models import Signataire
from financement.models import Avenant, Enveloppe, JournalFinancier, LigneProgrammee
from gouvernance.models import Comite
from gouvernance.services import seance_creer
from projets import services as projets_services
from projets.models import NatureFinancement, Projet, Statut
from scenarios.models import Avis, JournalScenario, Position, Scenario, StatutScenario
from scenarios.services import (
    position_enregistrer,
    scenario_adopter,
    scenario_modifier,
)
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from tests.factories.scenarios import SCENARIOS, saisies

D = Decimal


def _etat_ecrit():
    return (
        Avenant.objects.count(),
        Projet.objects.count(),
        JournalFinancier.objects.count(),
        LigneProgrammee.objects.count(),
        list(Enveloppe.objects.values_list("montant", "montant_programme")),
    )


def test_adoption_prepare_l_avenant_et_cinq_dossiers_aux_montants_du_scenario(
    velo, seance, administrateur
):
    avant = list(Enveloppe.objects.order_by("pk").values_list("montant", "montant_programme"))
    journal_avant = JournalFinancier.objects.count()
    scenario = scenario_adopter(scenario=velo.scenarios["B"], seance=seance, par=administrateur)

    assert scenario.statut == StatutScenario.ADOPTE and scenario.seance == seance
    avenant = scenario.avenant
    modifications = {
        m.signataire.code: m.nouveau_montant
        for m in avenant.modifications.select_related("signataire")
    }
    etat = Enveloppe.objects.get(signataire__code="etat").montant
    region = Enveloppe.objects.get(signataire__code="region").montant
    assert modifications == {
        "etat": etat + D("1749950.00"),
        "region": region + D("2350000.00"),
        "somme": Enveloppe.objects.get(signataire__code="somme").montant + D("300000.00"),
        "pas-de-calais": Enveloppe.objects.get(signataire__code="pas-de-calais").montant
        + D("160000.00"),
        "mel": Enveloppe.objects.get(signataire__code="mel").montant + D("200000.00"),
        "nord": Enveloppe.objects.get(signataire__code="nord").montant + D("120000.00"),
    }
    dossiers = list(
        Projet.objects.filter(scenario_origine__scenario=scenario).order_by("scenario_origine")
    )
    assert len(dossiers) == 5
    assert all(p.statut == Statut.BROUILLON for p in dossiers)
    amiens = dossiers[4]
    assert amiens.maitre_ouvrage.nom == "Ville d'Amiens"
    assert amiens.cout_total_ht == D("1500000.00")
    plan = {
        (ligne.signataire.code if ligne.signataire else ligne.source, ligne.nature): ligne.montant
        for ligne in amiens.lignes_financement.select_related("signataire")
    }
    assert plan == {
        ("etat", NatureFinancement.CPER): D("499950.00"),
        ("region", NatureFinancement.CPER): D("600000.00"),
        ("somme", NatureFinancement.CPER): D("100000.00"),
        ("fonds_propres", NatureFinancement.HORS_CPER): D("300050.00"),
    }
    # Nothing moved in the ledger.
    assert (
        list(Enveloppe.objects.order_by("pk").values_list("montant", "montant_programme")) == avant
    )
    assert JournalFinancier.objects.count() == journal_avant
    assert JournalScenario.objects.filter(scenario=scenario, action="adopter").get().par == (
        administrateur
    )


def test_adoption_tout_ou_rien_une_panne_au_milieu_ne_laisse_ni_avenant_ni_dossier(
    velo, seance, administrateur, monkeypatch
):
    vrai = projets_services.projet_creer
    appels = []

    def en_panne_au_troisieme(**kwargs):
        appels.append(1)
        if len(appels) == 3:
            raise RegleMetierError(erreurs={"lignes": ["Panne simulée au troisième dossier."]})
        return vrai(**kwargs)

    monkeypatch.setattr(projets_services, "projet_creer", en_panne_au_troisieme)
    avant = _etat_ecrit()
    with pytest.raises(RegleMetierError, match="Panne simulée"):
        scenario_adopter(scenario=velo.scenarios["B"], seance=seance, par=administrateur)
    assert len(appels) == 3  # two dossiers and the avenant were written, then rolled back
    assert _etat_ecrit() == avant
    assert not Avenant.objects.exists()
    assert not Projet.objects.filter(titre__startswith="Véloroute").exists()
    scenario = Scenario.objects.get(pk=velo.scenarios["B"].pk)
    assert scenario.statut == StatutScenario.BROUILLON and scenario.avenant is None
    assert not JournalScenario.objects.filter(action="adopter").exists()


def test_un_scenario_adopte_est_en_lecture_seule(velo, seance, administrateur, agent_de):
    scenario_adopter(scenario=velo.scenarios["B"], seance=seance, par=administrateur)
    nom, repartitions = SCENARIOS["B"]
    with pytest.raises(EtatIncompatible, match="adopté"):
        scenario_modifier(
            scenario=velo.scenarios["B"],
            nom="Autre nom",
            operations=saisies(velo.candidates, repartitions),
            par=administrateur,
        )
    with pytest.raises(EtatIncompatible):
        position_enregistrer(
            scenario=velo.scenarios["B"],
            signataire=Signataire.objects.get(code="nord"),
            avis=Avis.REFUS,
            commentaire="Trop tard",
            par=agent_de("nord"),
        )
    with pytest.raises(EtatIncompatible, match="déjà adopté"):
        scenario_adopter(scenario=velo.scenarios["A"], seance=seance, par=administrateur)
    assert Scenario.objects.get(pk=velo.scenarios["B"].pk).nom == nom
    assert Avenant.objects.count() == 1


def test_seuls_le_secretariat_adopte_et_rien_n_est_ecrit(velo, seance, agent_de, lecteur):
    avant = _etat_ecrit()
    for personne in (agent_de("region"), lecteur):
        with pytest.raises(ActionNonAutorisee):
            scenario_adopter(scenario=velo.scenarios["B"], seance=seance, par=personne)
    assert _etat_ecrit() == avant
    assert Scenario.objects.get(pk=velo.scenarios["B"].pk).statut == StatutScenario.BROUILLON


def test_adoption_refusee_sans_seance_tenue_d_un_comite_qui_couvre(velo, administrateur):
    plus_tard = seance_creer(
        comite=Comite.objects.get(code="technique-velo"),
        date=timezone.now() + timedelta(days=3),
        lieu="Lille",
        par=administrateur,
    )
    fluvial = seance_creer(
        comite=Comite.objects.get(code="technique-fluvial-portuaire"),
        date=timezone.now() - timedelta(days=3),
        lieu="Lille",
        par=administrateur,
    )
    for seance, message in (
        (None, "Choisissez la séance"),
        (plus_tard, "pas encore eu lieu"),
        (fluvial, "ne couvre pas V.2.1"),
    ):
        with pytest.raises(RegleMetierError, match=message) as erreur:
            scenario_adopter(scenario=velo.scenarios["B"], seance=seance, par=administrateur)
        assert list(erreur.value.erreurs) == ["seance"]
    assert not Avenant.objects.exists()


def test_un_agent_ne_prend_position_que_pour_son_signataire(velo, agent_de, administrateur):
    somme = Signataire.objects.get(code="somme")
    for personne in (agent_de("nord"), administrateur):
        with pytest.raises(ActionNonAutorisee, match="Seuls les agents d"):
            position_enregistrer(
                scenario=velo.scenarios["B"],
                signataire=somme,
                avis=Avis.ACCORD,
                par=personne,
            )
    assert not Position.objects.exists()
    assert not JournalScenario.objects.filter(action="position").exists()


def test_position_plafonnee_sans_plafond_ou_refus_sans_motif_refuses(velo, agent_de):
    somme = Signataire.objects.get(code="somme")
    with pytest.raises(RegleMetierError) as erreur:
        position_enregistrer(
            scenario=velo.scenarios["B"],
            signataire=somme,
            avis=Avis.ACCORD_PLAFONNE,
            par=agent_de("somme"),
        )
    assert erreur.value.erreurs == {"plafond": ["Indiquez le plafond, en euros."]}
    with pytest.raises(RegleMetierError) as erreur:
        position_enregistrer(
            scenario=velo.scenarios["B"], signataire=somme, avis=Avis.REFUS, par=agent_de("somme")
        )
    assert list(erreur.value.erreurs) == ["commentaire"]
    assert not Position.objects.exists()


def test_une_position_se_change_et_l_historique_garde_la_precedente(velo, agent_de):
    somme = Signataire.objects.get(code="somme")
    agent = agent_de("somme")
    kwargs = {"scenario": velo.scenarios["B"], "signataire": somme, "par": agent}
    position_enregistrer(avis=Avis.REFUS, commentaire="Trop cher", **kwargs)
    position = position_enregistrer(avis=Avis.ACCORD_PLAFONNE, plafond=D("250000.00"), **kwargs)
    assert Position.objects.get().plafond == D("250000.00")
    historique = list(position.historique.order_by("history_date"))
    assert [h.avis for h in historique] == [Avis.REFUS, Avis.ACCORD_PLAFONNE]
    assert {h.history_user for h in historique} == {agent}


def test_parts_desequilibrees_refusees_avec_l_ecart(velo, administrateur):
    nom, repartitions = SCENARIOS["B"]
    faux = [dict(r) if r else None for r in repartitions]
    faux[0]["etat"] = "599999.99"
    with pytest.raises(RegleMetierError) as erreur:
        scenario_modifier(
            scenario=velo.scenarios["B"],
            nom=nom,
            operations=saisies(velo.candidates, faux),
            par=administrateur,
        )
    assert erreur.value.erreurs == {
        "operations": [
            "« Véloroute de la vallée de la Somme » : les parts totalisent 1\u202f999\u202f999,99"
            "\u00a0€ pour un coût de 2\u202f000\u202f000,00\u00a0€ (écart de 0,01\u00a0€)."
        ]
    }
    part = (
        velo.scenarios["B"]
        .operations.get(operation=velo.candidates[0])
        .parts.get(signataire__code="etat")
    )
    assert part.montant == D("600000.00")


def test_modifier_un_scenario_est_journalise_et_historise(velo, administrateur):
    nom, repartitions = SCENARIOS["C"]
    nouvelles = [dict(r) if r else None for r in repartitions]
    nouvelles[0] = {"etat": "800000", "region": "800000", "fonds_propres": "400000"}
    scenario_modifier(
        scenario=velo.scenarios["C"],
        nom=nom,
        operations=saisies(velo.candidates, nouvelles),
        par=administrateur,
    )
    part = (
        velo.scenarios["C"]
        .operations.get(operation=velo.candidates[0])
        .parts.get(signataire__code="etat")
    )
    assert [h.montant for h in part.historique.order_by("history_date")] == [
        D("700000.00"),
        D("800000.00"),
    ]
    assert JournalScenario.objects.filter(scenario=velo.scenarios["C"], action="modifier").exists()
