"""Every (state, action) pair of the lifecycle: legal ones write exactly one journal row,
illegal ones are refused with a clear message and change nothing."""

import pytest

from financement.services import (
    projet_abandonner,
    projet_programmer,
    projet_reprendre,
    projet_solder,
)
from projets.models import Projet, Statut, TransitionProjet
from projets.services import actions_possibles, projet_transitionner
from projets.workflow import TRANSITIONS, Acteur, Action, MandatComite, MandatReprise
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from tests.factories.gouvernance import grilles_deja_deposees

# What gouvernance passes for committee actions (built from its decision or session).
MANDAT = MandatComite(comite="programmation", seance_id=1, decision_id=1)

PAIRES = [(statut, action) for statut in Statut.values for action in Action.values]


def mettre_dans(projet, statut):
    Projet.objects.filter(pk=projet.pk).update(
        statut=statut, motif_abandon="motif" if statut == Statut.ABANDONNE else ""
    )
    return Projet.objects.get(pk=projet.pk)


def transitionner(*, projet, action, par, commentaire="", mandat=None):
    """A step as the portal takes it: those that move money through the ledger's use-cases."""
    if action == Action.PROGRAMMER:
        return projet_programmer(projet=projet, par=par, commentaire=commentaire, mandat=mandat)
    if action == Action.SOLDER:
        return projet_solder(projet=projet, par=par, commentaire=commentaire)
    if action == Action.ABANDONNER:
        return projet_abandonner(projet=projet, par=par, commentaire=commentaire)
    if action == Action.TERMINER_INSTRUCTION:
        # The co-funders' grids end the instruction (`GOUVERNANCE_GRILLE_OBLIGATOIRE`).
        grilles_deja_deposees(projet)
    if action == Action.REPRENDRE:
        # What `reprise` passes when the secretariat applies an import of the existing programming.
        return projet_reprendre(projet=projet, par=par, mandat=MandatReprise(import_id=1))
    return projet_transitionner(
        projet=projet, action=action, par=par, commentaire=commentaire, mandat=mandat
    )


@pytest.mark.parametrize("action", [Action.PROGRAMMER, Action.SOLDER, Action.ABANDONNER])
def test_une_etape_qui_deplace_de_l_argent_ne_se_prend_pas_hors_du_registre(
    projet_brouillon, administrateur, action
):
    """Programming, closing and abandoning move money: `projets` alone refuses them, so that
    no caller can change the state and forget the ledger."""
    projet = mettre_dans(projet_brouillon, Statut.RETENU)
    with pytest.raises(ValueError, match="déplace de l'argent"):
        projet_transitionner(projet=projet, action=action, par=administrateur, commentaire="x")
    assert Projet.objects.get(pk=projet.pk).statut == Statut.RETENU
    assert not TransitionProjet.objects.filter(projet=projet).exists()


@pytest.mark.parametrize(("statut", "action"), PAIRES)
def test_chaque_paire_statut_action(projet_brouillon, administrateur, statut, action):
    projet = mettre_dans(projet_brouillon, statut)
    transition = TRANSITIONS[action]
    mandat = MANDAT if transition.acteur in (Acteur.COMITE, Acteur.SECRETARIAT) else None
    avant = TransitionProjet.objects.count()
    if (statut, action) == (Statut.INSCRIT_CONTRAT, Action.ABANDONNER):
        # Issue 13: a listed operation of the contract is abandoned only by an avenant.
        with pytest.raises(ActionNonAutorisee, match="Seul un avenant au contrat"):
            transitionner(projet=projet, action=action, par=administrateur, commentaire="x")
        assert Projet.objects.get(pk=projet.pk).statut == statut
        assert TransitionProjet.objects.count() == avant
    elif statut in transition.depuis:
        transitionner(
            projet=projet,
            action=action,
            par=administrateur,
            commentaire="Motif de test",
            mandat=mandat,
        )
        projet.refresh_from_db()
        assert projet.statut == transition.vers
        assert TransitionProjet.objects.count() == avant + 1
        ligne = TransitionProjet.objects.latest("pk")
        assert (ligne.action, ligne.de_statut, ligne.vers_statut) == (
            action,
            statut,
            transition.vers,
        )
        assert ligne.par == administrateur
    else:
        with pytest.raises(EtatIncompatible) as erreur:
            transitionner(
                projet=projet,
                action=action,
                par=administrateur,
                commentaire="Motif de test",
                mandat=mandat,
            )
        assert "Impossible de" in erreur.value.message
        assert Statut(statut).label in erreur.value.message
        assert Projet.objects.get(pk=projet.pk).statut == statut
        assert TransitionProjet.objects.count() == avant


@pytest.mark.parametrize("action", [Action.RETENIR, Action.REJETER, Action.AJOURNER])
def test_seul_un_comite_retient_rejette_ou_ajourne(projet_brouillon, administrateur, action):
    projet = mettre_dans(projet_brouillon, Statut.INSCRIT_ORDRE_DU_JOUR)
    with pytest.raises(ActionNonAutorisee, match="Seule une décision de comité"):
        transitionner(projet=projet, action=action, par=administrateur)
    assert Projet.objects.get(pk=projet.pk).statut == Statut.INSCRIT_ORDRE_DU_JOUR
    assert not TransitionProjet.objects.filter(projet=projet).exists()


@pytest.mark.parametrize(
    ("statut", "action"),
    [
        (Statut.INSCRIT_ORDRE_DU_JOUR, Action.RETENIR),
        (Statut.INSTRUIT, Action.INSCRIRE_ORDRE_DU_JOUR),
        (Statut.RETENU, Action.PROGRAMMER),
        (Statut.DEPOSE, Action.INSTRUIRE),
    ],
)
@pytest.mark.parametrize(
    "intrus", [object(), "décision de test", {"comite": "programmation", "seance_id": 1}]
)
def test_un_objet_qui_n_est_pas_un_mandat_est_refuse_sans_rien_ecrire(
    projet_brouillon, lecteur, statut, action, intrus
):
    """Only a `MandatComite` stands for a committee: any other object passed as a mandate is a
    403, even for a step the person could not take anyway, and nothing is written."""
    projet = mettre_dans(projet_brouillon, statut)
    avant = TransitionProjet.objects.count()
    with pytest.raises(ActionNonAutorisee, match="Seul un mandat de comité"):
        transitionner(projet=projet, action=action, par=lecteur, commentaire="Motif", mandat=intrus)
    assert Projet.objects.get(pk=projet.pk).statut == statut
    assert TransitionProjet.objects.count() == avant


def test_un_mandat_ne_donne_pas_les_actions_a_la_main(projet_brouillon, lecteur):
    """A mandate lets committee steps (and the programming they decide) through, not the
    others: a reader with a mandate still cannot start the instruction."""
    projet = mettre_dans(projet_brouillon, Statut.DEPOSE)
    with pytest.raises(ActionNonAutorisee, match="Vous ne pouvez pas commencer l'instruction"):
        transitionner(projet=projet, action=Action.INSTRUIRE, par=lecteur, mandat=MANDAT)
    assert Projet.objects.get(pk=projet.pk).statut == Statut.DEPOSE


@pytest.mark.parametrize(
    ("statut", "action"),
    [(Statut.INSCRIT_ORDRE_DU_JOUR, Action.RETENIR), (Statut.RETENU, Action.PROGRAMMER)],
)
def test_le_mandat_d_une_seance_ne_vaut_pas_decision(projet_brouillon, lecteur, statut, action):
    """A session's mandate puts dossiers on its agenda; only a decision retains or programmes."""
    projet = mettre_dans(projet_brouillon, statut)
    seance = MandatComite(comite="programmation", seance_id=1)
    with pytest.raises(ActionNonAutorisee, match="Seule une décision de comité"):
        transitionner(projet=projet, action=action, par=lecteur, mandat=seance)
    assert Projet.objects.get(pk=projet.pk).statut == statut
    assert not TransitionProjet.objects.filter(projet=projet).exists()


def test_abandonner_exige_un_motif_qui_reste_au_dossier(projet_brouillon, porteur):
    with pytest.raises(RegleMetierError) as erreur:
        transitionner(projet=projet_brouillon, action=Action.ABANDONNER, par=porteur)
    assert "commentaire" in erreur.value.erreurs
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == Statut.BROUILLON
    transitionner(
        projet=projet_brouillon,
        action=Action.ABANDONNER,
        par=porteur,
        commentaire="Projet financé autrement.",
    )
    projet = Projet.objects.get(pk=projet_brouillon.pk)
    assert projet.statut == Statut.ABANDONNE
    assert projet.motif_abandon == "Projet financé autrement."


def test_un_porteur_ne_peut_pas_instruire(projet_brouillon, porteur):
    projet = mettre_dans(projet_brouillon, Statut.DEPOSE)
    with pytest.raises(ActionNonAutorisee, match="Vous ne pouvez pas commencer l'instruction"):
        transitionner(projet=projet, action=Action.INSTRUIRE, par=porteur)
    assert Projet.objects.get(pk=projet.pk).statut == Statut.DEPOSE


def test_un_lecteur_ne_peut_rien_declencher(projet_brouillon, lecteur):
    with pytest.raises(ActionNonAutorisee):
        transitionner(projet=projet_brouillon, action=Action.DEPOSER, par=lecteur)
    assert actions_possibles(projet_brouillon, lecteur) == []


def test_un_porteur_ne_peut_plus_abandonner_une_fois_l_instruction_commencee(
    projet_brouillon, porteur
):
    projet = mettre_dans(projet_brouillon, Statut.EN_INSTRUCTION)
    assert Action.ABANDONNER not in actions_possibles(projet, porteur)
    # The state is the cause (the porteur abandons its dossier before the instruction): 409.
    with pytest.raises(EtatIncompatible, match="à cette étape"):
        transitionner(
            projet=projet, action=Action.ABANDONNER, par=porteur, commentaire="Plus besoin."
        )


def test_les_boutons_proposes_suivent_le_role_et_le_statut(projet_brouillon, porteur, agent):
    assert set(actions_possibles(projet_brouillon, porteur)) == {
        Action.DEPOSER,
        Action.ABANDONNER,
    }
    projet = mettre_dans(projet_brouillon, Statut.DEPOSE)
    assert set(actions_possibles(projet, agent)) == {
        Action.DECLARER_INCOMPLET,
        Action.INSTRUIRE,
        Action.ABANDONNER,
    }


def test_une_operation_inscrite_se_programme_quand_son_plan_est_complet(administrateur):
    operation = Projet.objects.get(identifiant_contrat="op-127")
    with pytest.raises(RegleMetierError) as erreur:
        transitionner(projet=operation, action=Action.PROGRAMMER, par=administrateur)
    assert "plan de financement" in erreur.value.erreurs["lignes"][0]
    assert Projet.objects.get(pk=operation.pk).statut == Statut.INSCRIT_CONTRAT


def test_le_secretariat_complete_le_plan_d_une_operation_inscrite_qu_un_cofinanceur_programme(
    agent, administrateur, donnees_completes
):
    """Issue 13: the plan names other signatories than the agent's, so the secretariat writes
    it (an agent changes only its own signatory's line); then the Région's agent, a CPER
    co-funder, programmes the operation."""
    from projets.services import projet_modifier

    operation = Projet.objects.get(identifiant_contrat="op-127")
    projet_modifier(
        projet=operation,
        donnees=donnees_completes(titre=operation.titre, mesure=operation.mesure),
        par=administrateur,
    )
    transitionner(projet=operation, action=Action.PROGRAMMER, par=agent)
    operation.refresh_from_db()
    assert operation.statut == Statut.PROGRAMME
    assert operation.transitions.get().de_statut == Statut.INSCRIT_CONTRAT
