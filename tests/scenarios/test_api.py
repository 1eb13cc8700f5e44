"""The API of the scenarios: the same rules as the pages, 400 keyed by field, 403/404/409,
nothing written on a refusal (issue 17)."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from financement.models import Avenant
from projets.models import Projet
from scenarios.models import Position, Scenario, StatutScenario

D = Decimal


@pytest.fixture
def api():
    return APIClient()


def _corps(velo, nom="Scénario par l'API"):
    operations = []
    for rang, c in enumerate(velo.candidates):
        operations.append(
            {
                "operation": c.pk,
                "incluse": rang < 4,
                "parts": [
                    {"signataire": "etat", "pourcentage": "50"},
                    {
                        "signataire": "region",
                        "montant": str((c.cout * D("0.3")).quantize(D("0.01"))),
                    },
                    {"source": "fonds_propres", "pourcentage": "20"},
                ],
            }
        )
    return {"sous_axe": "V.2.1", "nom": nom, "operations": operations}


def test_sans_identification_401(api, velo):
    assert api.get("/api/v1/scenarios/").status_code == 401


def test_liste_et_detail_avec_les_calculs(api, velo, agent):
    api.force_authenticate(agent)
    liste = api.get("/api/v1/scenarios/?sous_axe=V.2.1").json()
    assert [s["nom"] for s in liste] == [s.nom for s in velo.scenarios.values()]
    detail = api.get(f"/api/v1/scenarios/{velo.scenarios['B'].pk}/").json()
    etat = next(s for s in detail["signataires"] if s["signataire"] == "etat")
    assert etat["demande"] == "1749950.00"
    assert etat["reste"] == "992512050.00"
    assert detail["ratio"] == {
        "etat": "1749950.00",
        "region": "2350000.00",
        "ratio": "0.74",
        "part_etat": "42.68",
        "ecart": "-600050.00",
        "parite_visee": False,
    }
    assert detail["operations"][4]["parts"]["etat"] == "499950.00"


def test_un_porteur_ne_voit_aucun_scenario(api, velo, porteur_velo):
    api.force_authenticate(porteur_velo)
    assert api.get(f"/api/v1/scenarios/{velo.scenarios['B'].pk}/").status_code == 404
    assert api.get("/api/v1/scenarios/").status_code == 404


def test_le_secretariat_cree_un_scenario(api, velo, administrateur):
    api.force_authenticate(administrateur)
    reponse = api.post("/api/v1/scenarios/", _corps(velo), format="json")
    assert reponse.status_code == 201, reponse.json()
    assert reponse.json()["total"] == "4600000.00"  # the first four operations
    scenario = Scenario.objects.get(nom="Scénario par l'API")
    assert not scenario.operations.get(operation=velo.candidates[4]).incluse


def test_parts_desequilibrees_400_par_champ_et_rien_d_ecrit(api, velo, administrateur):
    api.force_authenticate(administrateur)
    corps = _corps(velo)
    corps["operations"][0]["parts"][0]["pourcentage"] = "49"
    reponse = api.post("/api/v1/scenarios/", corps, format="json")
    assert reponse.status_code == 400
    assert "écart de 20\u202f000,00\u00a0€" in reponse.json()["operations"][0]
    assert not Scenario.objects.filter(nom="Scénario par l'API").exists()
    corps = _corps(velo)
    corps["operations"][0]["parts"][0]["signataire"] = "inconnu"
    assert "operations" in api.post("/api/v1/scenarios/", corps, format="json").json()


def test_un_agent_ne_cree_ni_ne_modifie_de_scenario(api, velo, agent):
    api.force_authenticate(agent)
    assert api.post("/api/v1/scenarios/", _corps(velo), format="json").status_code == 403
    corps = _corps(velo, nom="Renommé")
    del corps["sous_axe"]
    url = f"/api/v1/scenarios/{velo.scenarios['A'].pk}/"
    assert api.patch(url, corps, format="json").status_code == 403
    assert not Scenario.objects.filter(nom__in=["Scénario par l'API", "Renommé"]).exists()


def test_positions_par_l_api_seulement_pour_son_signataire(api, velo, agent_de, administrateur):
    url = f"/api/v1/scenarios/{velo.scenarios['B'].pk}/positions/"
    api.force_authenticate(agent_de("somme"))
    reponse = api.post(url, {"avis": "accord_plafonne", "plafond": "250000.00"}, format="json")
    assert reponse.status_code == 201
    assert reponse.json()["signataire"] == "somme"
    assert api.post(url, {"avis": "accord_plafonne"}, format="json").json() == {
        "plafond": ["Indiquez le plafond, en euros."],
        "detail": "Indiquez le plafond, en euros.",
    }
    api.force_authenticate(administrateur)
    assert api.post(url, {"avis": "accord"}, format="json").status_code == 403
    assert [p["signataire"] for p in api.get(url).json()] == ["somme"]
    assert Position.objects.get().plafond == D("250000.00")
    detail = api.get(f"/api/v1/scenarios/{velo.scenarios['B'].pk}/").json()
    somme = next(s for s in detail["signataires"] if s["signataire"] == "somme")
    assert somme["non_accorde"] == "50000.00"


def test_adoption_par_l_api_puis_409(api, velo, seance, administrateur, agent):
    url = f"/api/v1/scenarios/{velo.scenarios['B'].pk}/adopter/"
    api.force_authenticate(agent)
    assert api.post(url, {"seance": seance.pk}, format="json").status_code == 403
    assert not Avenant.objects.exists()
    api.force_authenticate(administrateur)
    reponse = api.post(url, {"seance": seance.pk}, format="json")
    assert reponse.status_code == 200
    assert reponse.json()["scenario"]["statut"] == StatutScenario.ADOPTE
    assert all(o["dossier"] for o in reponse.json()["operations"])
    assert Projet.objects.filter(scenario_origine__scenario=velo.scenarios["B"]).count() == 5
    assert api.post(url, {"seance": seance.pk}, format="json").status_code == 409
    autre = f"/api/v1/scenarios/{velo.scenarios['A'].pk}/adopter/"
    assert api.post(autre, {"seance": seance.pk}, format="json").status_code == 409
    assert Avenant.objects.count() == 1


def test_comparaison_par_l_api(api, velo, agent):
    api.force_authenticate(agent)
    ids = "&".join(f"ids={velo.scenarios[c].pk}" for c in "ABC")
    reponse = api.get(f"/api/v1/scenarios/comparaison/?{ids}")
    assert reponse.status_code == 200
    etat = reponse.json()["par_signataire"][0]
    assert etat == {
        "libelle": "État",
        "valeurs": ["2440000.00", "1749950.00", "1650000.00"],
        "differe": True,
    }
    seul = api.get(f"/api/v1/scenarios/comparaison/?ids={velo.scenarios['A'].pk}")
    assert seul.status_code == 400 and "ids" in seul.json()
