"""Hostile input answers a French 400 (or 404/413) in JSON, never a 500, nor HTML, nor the
framework's English words; nothing is written."""

import json

import pytest
from rest_framework.test import APIClient

from projets.models import Projet
from socle.parseurs import PROFONDEUR_MAXIMALE, profondeur
from tests.api.test_projets import DOSSIER


def api(utilisateur=None):
    client = APIClient(raise_request_exception=False)
    if utilisateur is not None:
        client.force_authenticate(utilisateur)
    return client


def poster(client, corps: str):
    return client.generic("POST", "/api/v1/projets/", corps, content_type="application/json")


@pytest.mark.parametrize("niveaux", [10_000, PROFONDEUR_MAXIMALE + 1])
def test_un_json_trop_imbrique_est_refuse_en_400(agent, niveaux):
    nombre = Projet.objects.count()
    imbrique = "[" * niveaux + "]" * niveaux
    reponse = poster(api(agent), json.dumps(DOSSIER)[:-1] + f', "phases": {imbrique}}}')
    assert reponse.status_code == 400
    attendu = f"Le corps de la requête est trop imbriqué : {PROFONDEUR_MAXIMALE} niveaux au plus."
    assert reponse.json() == {"detail": attendu}
    assert Projet.objects.count() == nombre


def test_un_dossier_ordinaire_reste_sous_la_limite():
    assert profondeur(DOSSIER) == 3
    assert profondeur([[[]]]) == 3
    assert profondeur("texte") == 0


@pytest.mark.parametrize("corps", ["{mauvais", '{"titre": NaN}', b'{"titre": "\xff"}'])
def test_un_json_malforme_est_refuse_en_francais(agent, corps):
    reponse = poster(api(agent), corps)
    assert reponse.status_code == 400
    assert reponse.json()["detail"].startswith("Le corps de la requête")
    assert "JSON parse error" not in reponse.content.decode()


def test_un_corps_trop_gros_repond_en_json(agent):
    nombre = Projet.objects.count()
    # 3 Mo of JSON: past the 2.5 Mo that a body without documents may weigh.
    reponse = poster(api(agent), json.dumps({**DOSSIER, "description": "a" * 3_000_000}))
    assert reponse.status_code == 413
    assert reponse["Content-Type"].startswith("application/json")
    assert reponse.json()["detail"].startswith("Requête trop volumineuse")
    # Announced past the 21 Mo cap: refused before anything is read.
    reponse = api(agent).generic(
        "POST", "/api/v1/projets/", "{}", content_type="application/json", CONTENT_LENGTH="30000000"
    )
    assert reponse.status_code == 413
    assert reponse.json()["detail"].startswith("Requête trop volumineuse")
    assert Projet.objects.count() == nombre


@pytest.mark.parametrize(
    "chemin", ["/api/inconnue/", "/api/v2/projets/", "/api/v1/projets/HDF-1/a/b/c/"]
)
def test_une_adresse_inconnue_sous_api_repond_en_json_francais(agent, chemin):
    reponse = api(agent).get(chemin)
    assert reponse.status_code == 404
    assert reponse["Content-Type"].startswith("application/json")
    assert reponse.json() == {"detail": "Ressource introuvable."}


def test_un_objet_inconnu_ne_nomme_aucun_modele(agent):
    for chemin in ["/api/v1/projets/HDF-2099-9999/", "/api/v1/seances/999999/"]:
        reponse = api(agent).get(chemin)
        assert reponse.status_code == 404
        assert reponse.json() == {"detail": "Ressource introuvable."}


def test_un_courriel_trop_long_est_refuse_par_champ(agent):
    nombre = Projet.objects.count()
    courriel = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".fr"
    reponse = poster(api(agent), json.dumps({**DOSSIER, "contact_courriel": courriel}))
    assert reponse.status_code == 400
    assert "contact_courriel" in reponse.json()
    assert Projet.objects.count() == nombre
