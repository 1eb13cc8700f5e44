"""Issue 13: no dossier is « instruit » without a filed grid (`GOUVERNANCE_GRILLE_OBLIGATOIRE`,
on by default). The bare « terminer l'instruction » is refused (409 in the API, the French
message on the page), nothing written; filing the co-funders' grids is the way to « instruit »
(tests/gouvernance/test_instruction_cofinanceurs.py for the rule of every co-funder)."""

import pytest
from django.test import override_settings

from gouvernance.models import Evaluation
from gouvernance.services import evaluation_deposer
from projets.models import Projet, Statut, TransitionProjet
from projets.services import projet_transitionner
from projets.workflow import Action
from socle.exceptions import EtatIncompatible
from tests.factories.gouvernance import agent_instructeur
from tests.gouvernance.conftest import NOTES_FAVORABLES

REFUS = "Aucune grille d'analyse déposée pour ce dossier"


@pytest.fixture
def en_instruction(nouveau_projet, agent):
    projet = nouveau_projet()
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=projet.cree_par)
    projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=agent)
    return Projet.objects.get(pk=projet.pk)


def _rien_n_a_change(projet, transitions_avant):
    assert Projet.objects.get(pk=projet.pk).statut == Statut.EN_INSTRUCTION
    assert TransitionProjet.objects.filter(projet=projet).count() == transitions_avant
    assert not Evaluation.objects.filter(projet=projet).exists()


def test_le_service_refuse_de_terminer_sans_grille(en_instruction, agent, administrateur):
    avant = TransitionProjet.objects.filter(projet=en_instruction).count()
    for par in (agent, administrateur):
        with pytest.raises(EtatIncompatible, match=REFUS):
            projet_transitionner(projet=en_instruction, action=Action.TERMINER_INSTRUCTION, par=par)
    _rien_n_a_change(en_instruction, avant)


def test_l_api_repond_409_sans_grille(client, en_instruction, agent):
    avant = TransitionProjet.objects.filter(projet=en_instruction).count()
    client.force_login(agent)
    reponse = client.post(
        f"/api/v1/projets/{en_instruction.reference}/terminer_instruction/",
        {},
        content_type="application/json",
    )
    assert reponse.status_code == 409, reponse.content
    assert REFUS in reponse.content.decode()
    _rien_n_a_change(en_instruction, avant)
    grille = client.get(f"/api/v1/evaluations/{en_instruction.reference}/")
    assert grille.status_code == 200 and grille.json()["evaluations"] == []


def test_la_page_refuse_sans_grille(client, en_instruction, agent):
    avant = TransitionProjet.objects.filter(projet=en_instruction).count()
    client.force_login(agent)
    reponse = client.post(
        f"/projets/{en_instruction.reference}/action/terminer_instruction/",
        {"commentaire": "Instruction terminée."},
        follow=True,
    )
    assert REFUS in reponse.content.decode().replace("&#x27;", "'")
    _rien_n_a_change(en_instruction, avant)


def test_deposer_les_grilles_des_cofinanceurs_mene_a_instruit(en_instruction, agent):
    evaluation_deposer(projet=en_instruction, par=agent, notes=NOTES_FAVORABLES, avis="favorable")
    assert Projet.objects.get(pk=en_instruction.pk).statut == Statut.EN_INSTRUCTION
    evaluation_deposer(
        projet=en_instruction,
        par=agent_instructeur("etat"),
        notes=NOTES_FAVORABLES,
        avis="favorable",
    )
    assert Projet.objects.get(pk=en_instruction.pk).statut == Statut.INSTRUIT


@override_settings(GOUVERNANCE_GRILLE_OBLIGATOIRE=False)
def test_le_reglage_desactive_permet_de_terminer_sans_grille(en_instruction, agent):
    projet_transitionner(projet=en_instruction, action=Action.TERMINER_INSTRUCTION, par=agent)
    assert Projet.objects.get(pk=en_instruction.pk).statut == Statut.INSTRUIT


def test_la_page_de_la_grille_montre_le_reglage(client, agent):
    client.force_login(agent)
    texte = client.get("/gouvernance/grille/").content.decode()
    # Said in French as a setting, without its name.
    assert "GOUVERNANCE_GRILLE_OBLIGATOIRE" not in texte
    assert (
        "Réglage fixé par le secrétariat : aucun dossier n’est « instruit » sans une grille"
        in texte
    )
    assert "Chaque cofinanceur CPER d’un dossier" in texte
