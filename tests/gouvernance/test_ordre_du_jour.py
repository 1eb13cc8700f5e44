"""Issue 15: before a session opens, its secretariat removes dossiers from the agenda and
reorders it; after, the agenda no longer changes. Nobody else may; nothing is written on a
refusal; every change is journaled."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from gouvernance.models import JournalGouvernance, PointOrdreDuJour
from gouvernance.services import (
    seance_deplacer_point,
    seance_inscrire_projet,
    seance_ouvrir,
    seance_retirer_point,
)
from projets.models import Projet, Statut
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError


def _ordre(seance):
    return list(seance.points.order_by("ordre").values_list("projet__titre", "ordre"))


@pytest.fixture
def trois_points(comitologie, instruire, nouveau_projet):
    c = comitologie
    projet = instruire(nouveau_projet(titre="Troisième dossier"))
    c.projets.append(projet)
    c.points.append(seance_inscrire_projet(seance=c.seance, projet=projet, par=c.secretaire))
    return c


def test_retirer_un_dossier_le_rend_instruit_et_remonte_les_suivants(trois_points):
    c = trois_points
    seance_retirer_point(point=c.points[0], par=c.secretaire)
    assert _ordre(c.seance) == [("Extension de la bibliothèque", 1), ("Troisième dossier", 2)]
    projet = Projet.objects.get(pk=c.projets[0].pk)
    assert projet.statut == Statut.INSTRUIT
    assert projet.transitions.latest("pk").action == "retirer_odj"
    journal = JournalGouvernance.objects.get(action="seance_retirer_point")
    assert journal.par == c.secretaire and journal.projet == projet
    # It may be put on the agenda again, at the end.
    seance_inscrire_projet(seance=c.seance, projet=projet, par=c.secretaire)
    assert _ordre(c.seance)[-1] == ("Rénovation du bâtiment A", 3)


def test_deplacer_un_dossier_garde_l_ordre_des_autres(trois_points):
    c = trois_points
    seance_deplacer_point(point=c.points[2], rang=1, par=c.secretaire)
    assert _ordre(c.seance) == [
        ("Troisième dossier", 1),
        ("Rénovation du bâtiment A", 2),
        ("Extension de la bibliothèque", 3),
    ]
    with pytest.raises(RegleMetierError) as refus:
        seance_deplacer_point(point=c.points[0], rang=4, par=c.secretaire)
    assert refus.value.erreurs["rang"] == ["Le rang doit être compris entre 1 et 3."]


def test_personne_d_autre_et_plus_apres_l_ouverture(trois_points, agent):
    c = trois_points
    avant = (_ordre(c.seance), JournalGouvernance.objects.count())
    for qui in (agent, c.votants[0].utilisateur):
        with pytest.raises(ActionNonAutorisee):
            seance_retirer_point(point=c.points[0], par=qui)
        with pytest.raises(ActionNonAutorisee):
            seance_deplacer_point(point=c.points[0], rang=2, par=qui)
    assert (_ordre(c.seance), JournalGouvernance.objects.count()) == avant
    assert Projet.objects.get(pk=c.projets[0].pk).statut == Statut.INSCRIT_ORDRE_DU_JOUR

    for membre in [c.president, *c.votants]:
        from gouvernance.services import presence_enregistrer

        presence_enregistrer(seance=c.seance, membre=membre, statut="present", par=c.secretaire)
    seance_ouvrir(seance=c.seance, par=c.secretaire)
    avant = (_ordre(c.seance), PointOrdreDuJour.objects.count())
    with pytest.raises(EtatIncompatible, match="son ordre du jour ne change plus"):
        seance_retirer_point(point=c.points[0], par=c.secretaire)
    with pytest.raises(EtatIncompatible, match="son ordre du jour ne change plus"):
        seance_deplacer_point(point=c.points[0], rang=2, par=c.secretaire)
    assert (_ordre(c.seance), PointOrdreDuJour.objects.count()) == avant


def test_par_la_page_et_par_l_api(client, trois_points, agent):
    c = trois_points
    client.force_login(c.secretaire)
    page = client.get(reverse("gouvernance:seance", args=[c.seance.pk])).content.decode()
    assert reverse("gouvernance:point_retirer", args=[c.seance.pk, c.points[1].pk]) in page
    reponse = client.post(
        reverse("gouvernance:point_deplacer", args=[c.seance.pk, c.points[1].pk]),
        {"sens": "monter"},
    )
    assert reponse.status_code == 302
    assert _ordre(c.seance)[0] == ("Extension de la bibliothèque", 1)

    api = APIClient()
    api.force_authenticate(agent)
    url = f"/api/v1/seances/{c.seance.pk}/points/{c.points[2].pk}/"
    assert api.delete(url).status_code in (403, 404)
    assert api.post(f"{url}rang/", {"rang": 1}, format="json").status_code in (403, 404)
    assert len(_ordre(c.seance)) == 3
    api.force_authenticate(c.secretaire)
    reponse = api.post(f"{url}rang/", {"rang": 1}, format="json")
    assert reponse.status_code == 200
    assert reponse.json()[0]["projet"] == c.projets[2].reference
    assert api.post(f"{url}rang/", {"rang": 0}, format="json").status_code == 400
    assert api.delete(url).status_code == 204
    assert len(_ordre(c.seance)) == 2
    assert Projet.objects.get(pk=c.projets[2].pk).statut == Statut.INSTRUIT
