"""The lists' filters answer alike: an empty parameter is no filter, an invalid value a French
400 keyed by the parameter; the schema types them (integers, bounds) as the server reads them."""

import pytest
from rest_framework.test import APIClient


def api(utilisateur):
    client = APIClient()
    client.force_authenticate(utilisateur)
    return client


@pytest.mark.parametrize("taille", ["abc", "0", "-3", "1.5", "١٠"])
def test_une_taille_invalide_est_refusee(agent, taille):
    reponse = api(agent).get(f"/api/v1/projets/?taille={taille}")
    assert reponse.status_code == 400
    assert reponse.json() == {"taille": ["Indiquez un nombre entier de résultats, de 1 à 500."]}


def test_une_taille_vide_ou_trop_grande_prend_le_defaut_ou_le_plafond(agent):
    client = api(agent)
    assert len(client.get("/api/v1/projets/?taille=").json()["results"]) == 50
    assert len(client.get("/api/v1/projets/?taille=3").json()["results"]) == 3
    assert client.get("/api/v1/projets/?taille=100000").status_code == 200


def test_un_statut_vide_n_est_pas_un_filtre(agent):
    client = api(agent)
    tous = client.get("/api/v1/projets/").json()["count"]
    assert client.get("/api/v1/projets/?statut=").json()["count"] == tous
    assert client.get("/api/v1/exports/projets.csv?statut=").status_code == 200
    reponse = client.get("/api/v1/projets/?statut=inconnu")
    assert reponse.status_code == 400 and "statut" in reponse.json()


@pytest.mark.parametrize("parametre", ["annee=1999", "annee=2e3", "maitre_ouvrage=1.5"])
def test_un_entier_invalide_est_refuse(agent, parametre):
    reponse = api(agent).get(f"/api/v1/projets/?{parametre}")
    assert reponse.status_code == 400
    assert parametre.split("=")[0] in reponse.json()


def test_le_schema_type_les_filtres_comme_le_serveur_les_lit(client):
    schema = client.get("/api/schema/?format=json").json()
    for chemin in ("/api/v1/projets/", "/api/v1/exports/projets.csv"):
        parametres = {p["name"]: p for p in schema["paths"][chemin]["get"]["parameters"]}
        assert parametres["annee"]["schema"] == {
            "type": "integer",
            "minimum": 2000,
            "maximum": 2100,
        }
        assert parametres["maitre_ouvrage"]["schema"]["type"] == "integer"
        assert "laissé vide, pas de filtre" in parametres["statut"]["description"]
    taille = {p["name"]: p for p in schema["paths"]["/api/v1/projets/"]["get"]["parameters"]}
    assert taille["taille"]["schema"] == {"type": "integer", "minimum": 1}
    assert "refusée (400)" in taille["taille"]["description"]
