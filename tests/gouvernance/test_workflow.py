"""Every (state, action) pair of a session's lifecycle: the pairs the table allows succeed (and
lead to the state it says), the others are refused with `EtatIncompatible` and write nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from financement.models import JournalFinancier, LigneProgrammee
from gouvernance.models import (
    Decision,
    EtatSeance,
    JournalGouvernance,
    PointOrdreDuJour,
    Presence,
    Recusation,
    Seance,
    Vote,
)
from gouvernance.services import (
    presence_enregistrer,
    seance_clore,
    seance_convoquer,
    seance_deplacer_point,
    seance_inscrire_projet,
    seance_ouvrir,
    seance_retirer_point,
    vote_enregistrer,
    vote_modifier,
)
from gouvernance.workflow import CLOSE, EN_COURS_DE_VOTE, ETAPES, NON_CLOSE, ActionSeance, permet
from projets.models import TransitionProjet
from socle.exceptions import EtatIncompatible

PAIRES = [(etat, action) for etat in EtatSeance.values for action in ActionSeance.values]


def mettre_dans(seance: Seance, etat: str) -> Seance:
    """The state as the database keeps it coherent (`seance_etat_coherent`)."""
    maintenant = timezone.now()
    Seance.objects.filter(pk=seance.pk).update(
        etat=etat,
        ouverte_le=None if etat == EtatSeance.PLANIFIEE else maintenant - timedelta(hours=1),
        close_le=maintenant if etat == EtatSeance.CLOSE else None,
        votants_attendus=5 if etat == EtatSeance.CLOSE else None,
        votants_presents=5 if etat == EtatSeance.CLOSE else None,
    )
    return Seance.objects.get(pk=seance.pk)


def photographie(seance: Seance):
    seance = Seance.objects.get(pk=seance.pk)
    return (
        seance.etat,
        seance.convoquee_le,
        list(Vote.objects.order_by("pk").values_list("membre_id", "point_id", "choix")),
        Decision.objects.count(),
        list(Presence.objects.order_by("pk").values_list("membre_id", "statut")),
        JournalGouvernance.objects.count(),
        PointOrdreDuJour.objects.count(),
        Recusation.objects.count(),
        TransitionProjet.objects.count(),
        LigneProgrammee.objects.count(),
        JournalFinancier.objects.count(),
    )


@pytest.fixture
def scene(comitologie, instruire, nouveau_projet):
    """Everyone present, one vote already cast (to be changed), an instructed dossier ready to
    be put on the agenda."""
    c = comitologie
    for membre in [c.president, *c.votants, c.recuse]:
        presence_enregistrer(seance=c.seance, membre=membre, statut="present", par=c.secretaire)
    premier = c.votants[0]
    Vote.objects.create(point=c.points[0], membre=premier, exprime_par=premier, choix="pour")
    c.a_inscrire = instruire(nouveau_projet(titre="Troisième dossier"))
    return c


def faire(c, action: str):
    electeur = c.votants[0].utilisateur
    return {
        ActionSeance.INSCRIRE: lambda: seance_inscrire_projet(
            seance=c.seance, projet=c.a_inscrire, par=c.secretaire
        ),
        ActionSeance.RETIRER: lambda: seance_retirer_point(point=c.points[1], par=c.secretaire),
        ActionSeance.DEPLACER: lambda: seance_deplacer_point(
            point=c.points[1], rang=1, par=c.secretaire
        ),
        ActionSeance.CONVOQUER: lambda: seance_convoquer(seance=c.seance, par=c.secretaire),
        ActionSeance.OUVRIR: lambda: seance_ouvrir(seance=c.seance, par=c.secretaire),
        ActionSeance.ENREGISTRER_PRESENCE: lambda: presence_enregistrer(
            seance=c.seance, membre=c.associe, statut="excuse", par=c.secretaire
        ),
        ActionSeance.VOTER: lambda: vote_enregistrer(point=c.points[1], choix="pour", par=electeur),
        ActionSeance.MODIFIER_VOTE: lambda: vote_modifier(
            point=c.points[0], choix="contre", par=electeur
        ),
        ActionSeance.CLORE: lambda: seance_clore(seance=c.seance, par=c.secretaire),
    }[action]()


@pytest.mark.parametrize(("etat", "action"), PAIRES)
def test_chaque_paire_etat_action(scene, etat, action):
    scene.seance = mettre_dans(scene.seance, etat)
    etape = ETAPES[action]
    avant = photographie(scene.seance)
    if permet(etat, action):
        faire(scene, action)
        apres = photographie(scene.seance)
        assert apres != avant  # something was recorded
        assert apres[0] == (etape.vers or etat)
    else:
        with pytest.raises(EtatIncompatible) as refus:
            faire(scene, action)
        assert refus.value.message == etape.refus[etat].format(etat=EtatSeance(etat).label), (
            refus.value.message
        )
        assert photographie(scene.seance) == avant


def test_la_table_couvre_chaque_action_et_explique_chaque_refus():
    assert set(ETAPES) == set(ActionSeance.values)
    for action, etape in ETAPES.items():
        assert etape.depuis <= set(EtatSeance.values), action
        assert set(etape.refus) == set(EtatSeance.values) - etape.depuis, action
    # The named sets the pages and the API ask.
    assert {EtatSeance.PLANIFIEE, EtatSeance.OUVERTE} == NON_CLOSE
    assert {EtatSeance.OUVERTE} == EN_COURS_DE_VOTE
    assert {EtatSeance.CLOSE} == CLOSE
