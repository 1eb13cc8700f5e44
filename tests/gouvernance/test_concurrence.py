"""Real concurrency on PostgreSQL: each thread has its own connection and commits.

Votes and the closing lock the session row, so that two members voting at the same instant both
count, one member's two ballots at the same instant give one row, and two closings at the same
instant give one decision per item.
"""

import threading

import pytest
from django.db import connections

from gouvernance.models import Decision, JournalGouvernance, Vote
from gouvernance.services import seance_clore, vote_enregistrer
from projets.models import TransitionProjet
from socle.exceptions import RegleMetierError

pytestmark = pytest.mark.django_db(transaction=True)


def en_meme_temps(*taches):
    """Run each callable in its own thread, released together by a barrier; return what each
    returned or raised."""
    barriere = threading.Barrier(len(taches))
    resultats: list = [None] * len(taches)

    def lancer(rang, tache):
        try:
            barriere.wait(timeout=10)
            resultats[rang] = tache()
        except Exception as erreur:  # reported to the test
            resultats[rang] = erreur
        finally:
            connections.close_all()

    fils = [threading.Thread(target=lancer, args=(r, t)) for r, t in enumerate(taches)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)
    return resultats


def test_deux_membres_votent_au_meme_instant(base_transactionnelle_avec_contrat, comitologie):
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    point = c.points[0]
    resultats = en_meme_temps(
        lambda: vote_enregistrer(point=point, choix="pour", par=c.votants[0].utilisateur),
        lambda: vote_enregistrer(point=point, choix="contre", par=c.votants[1].utilisateur),
    )
    assert all(isinstance(r, Vote) for r in resultats), resultats
    assert sorted(Vote.objects.filter(point=point).values_list("choix", flat=True)) == [
        "contre",
        "pour",
    ]


def test_deux_bulletins_du_meme_membre_au_meme_instant_font_un_seul_vote(
    base_transactionnelle_avec_contrat, comitologie
):
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    point = c.points[0]
    electeur = c.votants[0].utilisateur
    resultats = en_meme_temps(
        lambda: vote_enregistrer(point=point, choix="pour", par=electeur),
        lambda: vote_enregistrer(point=point, choix="contre", par=electeur),
    )
    refus = [r for r in resultats if isinstance(r, RegleMetierError)]
    assert len(refus) == 1 and "déjà enregistré" in refus[0].message
    assert Vote.objects.filter(point=point).count() == 1


def test_deux_clotures_au_meme_instant_donnent_une_decision_par_point(
    base_transactionnelle_avec_contrat, comitologie
):
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    for membre in (c.president, c.votants[0], c.votants[1]):
        vote_enregistrer(point=c.points[0], choix="pour", par=membre.utilisateur)
    vote_enregistrer(point=c.points[1], choix="contre", par=c.votants[2].utilisateur)
    resultats = en_meme_temps(
        lambda: seance_clore(seance=c.seance, par=c.secretaire),
        lambda: seance_clore(seance=c.seance, par=c.secretaire),
    )
    reussies = [r for r in resultats if isinstance(r, list)]
    refus = [r for r in resultats if isinstance(r, RegleMetierError)]
    assert len(reussies) == 1 and len(refus) == 1, resultats
    assert refus[0].message == "La séance est déjà close : ses décisions sont définitives."
    assert Decision.objects.count() == 2
    premier = Decision.objects.get(point=c.points[0])
    assert (premier.resultat, premier.pour, premier.contre, premier.abstention) == (
        "retenu",
        3,
        0,
        0,
    )
    assert Decision.objects.get(point=c.points[1]).resultat == "rejete"
    # One transition per decision, one closing in the journal.
    assert TransitionProjet.objects.filter(action__in=["retenir", "rejeter"]).count() == 2
    assert TransitionProjet.objects.filter(action="programmer").count() == 1
    assert JournalGouvernance.objects.filter(action="seance_clore").count() == 1


def test_un_vote_et_la_cloture_au_meme_instant_restent_coherents(
    base_transactionnelle_avec_contrat, comitologie
):
    """Whichever goes first, the decision counts exactly the votes stored."""
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    vote_enregistrer(point=c.points[0], choix="pour", par=c.president.utilisateur)
    en_meme_temps(
        lambda: vote_enregistrer(point=c.points[0], choix="pour", par=c.votants[0].utilisateur),
        lambda: seance_clore(seance=c.seance, par=c.secretaire),
    )
    decision = Decision.objects.get(point=c.points[0])
    assert decision.pour == Vote.objects.filter(point=c.points[0], choix="pour").count()
