"""Which database a request reads from (socle.routeurs) and the node's health (/sante/).

The suite runs without a replica: the choice is tested with the replica's presence and state
given; the cluster test (tests/deploiement) runs it against a real streaming replica."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from comptes.models import Role, Utilisateur
from projets.models import Projet
from socle import routeurs
from socle.routeurs import (
    COOKIE_PRIMAIRE,
    EtatReplique,
    LecturesMiddleware,
    RouteurLectures,
    lecture_sur_replique_permise,
    lectures_sur_replique,
)

SUIT = EtatReplique(True, True, 0.4, "La réplique suit la base principale.")


@pytest.fixture
def replique(monkeypatch):
    """A replica configured, in the state the test sets (`replique.etat = …`)."""

    class Replique:
        etat = SUIT

    monkeypatch.setattr(routeurs, "replique_configuree", lambda: True)
    monkeypatch.setattr(routeurs, "etat_replique", lambda: Replique.etat)
    return Replique


def requete(methode="get", chemin="/donnees/", **cookies):
    demande = getattr(RequestFactory(), methode)(chemin)
    demande.COOKIES.update(cookies)
    return demande


def test_sans_replique_tout_est_lu_sur_la_base_principale():
    assert lecture_sur_replique_permise(requete()) is False
    with lectures_sur_replique() as permis:
        assert permis is False
        assert RouteurLectures().db_for_read(Projet) == "default"


@pytest.mark.parametrize(
    ("methode", "chemin", "attendu"),
    [
        ("get", "/donnees/", True),
        ("head", "/api/v1/donnees/projets-programmes.csv", True),
        ("get", "/api/v1/exports/engagements.csv", True),
        ("get", "/", True),
        ("get", "/programme/IV.2/", True),
        ("get", "/projets/", False),  # a dossier list: the primary
        ("get", "/tableau-de-bord/", False),
        ("get", "/financement/lignes/3/engager/", False),
        ("post", "/donnees/", False),
    ],
)
def test_seules_les_lectures_des_pages_lourdes_vont_a_la_replique(
    replique, methode, chemin, attendu
):
    assert lecture_sur_replique_permise(requete(methode, chemin)) is attendu


def test_apres_une_ecriture_le_meme_navigateur_lit_la_base_principale(replique, settings):
    settings.REPLIQUE_DELAI_APRES_ECRITURE = 7
    middleware = LecturesMiddleware(lambda request: HttpResponse("ok"))
    reponse = middleware(requete("post", "/financement/lignes/3/engagements/"))
    cookie = reponse.cookies[COOKIE_PRIMAIRE]
    assert cookie["max-age"] == 7 and cookie["httponly"]
    assert COOKIE_PRIMAIRE not in middleware(requete()).cookies  # a read marks nothing
    assert lecture_sur_replique_permise(requete(**{COOKIE_PRIMAIRE: "1"})) is False


def test_une_replique_en_retard_ou_tombee_est_ecartee(replique, settings):
    settings.REPLIQUE_RETARD_MAX = 30
    replique.etat = EtatReplique(True, True, 31.0, "trop en retard")
    assert lecture_sur_replique_permise(requete()) is False
    replique.etat = EtatReplique(True, False, None, "ne répond pas")
    assert lecture_sur_replique_permise(requete()) is False
    replique.etat = EtatReplique(True, True, 29.0, "suit")
    assert lecture_sur_replique_permise(requete()) is True


def test_le_routeur_garde_comptes_et_ecritures_sur_la_base_principale(replique):
    routeur = RouteurLectures()
    with lectures_sur_replique() as permis:
        assert permis is True
        assert routeur.db_for_read(Projet) == "replica"
        assert routeur.db_for_read(Utilisateur) == "default"  # accounts, log-in locks
        assert routeur.db_for_write(Projet) == "default"
    assert routeur.db_for_read(Projet) == "default"
    assert routeur.allow_migrate("replica", "projets") is False
    assert routeur.allow_migrate("default", "projets") is True


def test_la_sante_du_noeud_en_json_pour_le_repartiteur(client):
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    corps = reponse.json()
    assert corps["statut"] == "ok"
    assert corps["base"]["ok"] is True and corps["broker"]["ok"] is True
    assert corps["replique"]["configuree"] is False
    assert "no-cache" in reponse["Cache-Control"]
    assert client.post("/sante/").status_code == 405


def test_un_courtier_injoignable_ecarte_le_noeud(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    assert reponse.json()["statut"] == "ko"
    assert reponse.json()["broker"]["message"] == "Le courtier des tâches (Redis) ne répond pas."


def test_la_page_d_etat_de_la_grappe_est_pour_les_administrateurs(client, creer_utilisateur):
    assert client.get("/sante/grappe/").status_code == 302  # to the log-in page
    client.force_login(creer_utilisateur("agent", role=Role.AGENT))
    assert client.get("/sante/grappe/").status_code == 403
    client.force_login(creer_utilisateur("admin", role=Role.ADMINISTRATEUR))
    reponse = client.get("/sante/grappe/")
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "Réplique de lecture" in texte and "Aucune réplique" in texte


def test_une_page_dont_la_replique_tombe_en_cours_est_relue_sur_la_base_principale(replique):
    """The view fails on the replica (connection lost): it is called again, on the primary."""
    from django.db import OperationalError
    from django.urls import ResolverMatch

    lectures = []

    def vue(request):
        base = RouteurLectures().db_for_read(Projet)
        lectures.append(base)
        if base == "replica":
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse(f"lu sur {base}")

    demande = requete()
    demande.resolver_match = ResolverMatch(vue, (), {})
    middleware = LecturesMiddleware(lambda request: HttpResponse())
    with lectures_sur_replique():
        with pytest.raises(OperationalError):
            vue(demande)
        reponse = middleware.process_exception(demande, OperationalError("fermée"))
    assert reponse is not None and reponse.content == b"lu sur default"
    assert lectures == ["replica", "default"]
    # Any other error is not the replica's: left to the usual handling.
    with lectures_sur_replique():
        assert middleware.process_exception(demande, ValueError("autre")) is None
