"""Personal API tokens: created and revoked on /compte/, stored as a hash, Bearer or Token,
401 with `WWW-Authenticate` without credentials, CSRF kept for sessions, throttled clients."""

import hashlib

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.settings import api_settings

from comptes.models import JetonApi
from comptes.services import jeton_creer
from projets.models import Projet


@pytest.fixture(autouse=True)
def _vider_compteurs_de_debit():
    cache.clear()
    yield
    cache.clear()


def test_creer_un_jeton_montre_la_cle_une_seule_fois_et_n_en_garde_que_l_empreinte(client, porteur):
    client.force_login(porteur)
    reponse = client.post("/compte/jetons/", {"nom": "Tableau de bord"})
    assert reponse.status_code == 200
    cle = reponse.context["cle"]
    assert cle.startswith("cper_") and cle in reponse.content.decode()
    jeton = JetonApi.objects.get(utilisateur=porteur)
    assert jeton.empreinte == hashlib.sha256(cle.encode()).hexdigest()
    assert cle not in {jeton.nom, jeton.empreinte}
    page = client.get("/compte/").content.decode()
    assert "Tableau de bord" in page and cle not in page and jeton.prefixe in page


def test_un_nom_vide_est_refuse(client, porteur):
    client.force_login(porteur)
    reponse = client.post("/compte/jetons/", {"nom": "  "})
    assert reponse.status_code == 200 and reponse.context["cle"] is None
    assert not JetonApi.objects.exists()


@pytest.mark.parametrize("mot_cle", ["Bearer", "Token", "bearer"])
def test_le_jeton_authentifie_avec_les_droits_de_son_titulaire(
    mot_cle, porteur, porteur_autre, projet_brouillon
):
    _, cle = jeton_creer(utilisateur=porteur, nom="script")
    client = Client()
    reponse = client.get("/api/v1/projets/", headers={"authorization": f"{mot_cle} {cle}"})
    assert reponse.status_code == 200
    assert [p["reference"] for p in reponse.json()["results"]] == [projet_brouillon.reference]
    assert JetonApi.objects.get().dernier_usage_le is not None
    _, cle_autre = jeton_creer(utilisateur=porteur_autre, nom="script")
    reponse = client.get(
        f"/api/v1/projets/{projet_brouillon.reference}/",
        headers={"authorization": f"Bearer {cle_autre}"},
    )
    assert reponse.status_code == 404


def test_sans_identifiants_l_api_repond_401_avec_le_schema_a_utiliser(client):
    reponse = client.get("/api/v1/projets/")
    assert reponse.status_code == 401
    assert reponse["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "detail" in reponse.json()


@pytest.mark.parametrize(
    "entete", ["Bearer inconnue", "Bearer", "Bearer a b", "Token cper_pas-la-bonne"]
)
def test_une_cle_inconnue_ou_mal_formee_repond_401(client, entete):
    reponse = client.get("/api/v1/projets/", headers={"authorization": entete})
    assert reponse.status_code == 401
    assert reponse["WWW-Authenticate"] == 'Bearer realm="api"'


def test_un_jeton_revoque_ne_donne_plus_acces(client, porteur):
    jeton, cle = jeton_creer(utilisateur=porteur, nom="script")
    client.force_login(porteur)
    confirmation = client.get(f"/compte/jetons/{jeton.pk}/revoquer/")
    assert confirmation.status_code == 200
    assert "Confirmer la révocation" in confirmation.content.decode()
    assert JetonApi.objects.get().actif, "un GET ne révoque rien"
    assert client.post(f"/compte/jetons/{jeton.pk}/revoquer/").status_code == 302
    assert not JetonApi.objects.get().actif
    api = Client()
    reponse = api.get("/api/v1/projets/", headers={"authorization": f"Bearer {cle}"})
    assert reponse.status_code == 401


def test_le_jeton_d_un_autre_est_introuvable(client, porteur, porteur_autre):
    jeton, _ = jeton_creer(utilisateur=porteur_autre, nom="le sien")
    client.force_login(porteur)
    assert client.get(f"/compte/jetons/{jeton.pk}/revoquer/").status_code == 404
    assert client.post(f"/compte/jetons/{jeton.pk}/revoquer/").status_code == 404
    assert JetonApi.objects.get().actif


def test_un_utilisateur_desactive_perd_l_acces(porteur):
    _, cle = jeton_creer(utilisateur=porteur, nom="script")
    porteur.is_active = False
    porteur.save()
    reponse = Client().get("/api/v1/projets/", headers={"authorization": f"Bearer {cle}"})
    assert reponse.status_code == 401


def test_une_session_sans_jeton_csrf_est_refusee_mais_pas_un_client_a_jeton(
    porteur, donnees_completes
):
    corps = {"titre": "Nouveau projet", "mesure": "IV.2.1.a"}
    navigateur = Client(enforce_csrf_checks=True)
    navigateur.force_login(porteur)
    reponse = navigateur.post("/api/v1/projets/", corps, content_type="application/json")
    assert reponse.status_code == 403
    assert "CSRF" in reponse.json()["detail"]
    assert not Projet.objects.filter(titre="Nouveau projet").exists()
    _, cle = jeton_creer(utilisateur=porteur, nom="script")
    programme = Client(enforce_csrf_checks=True)
    reponse = programme.post(
        "/api/v1/projets/",
        corps,
        content_type="application/json",
        headers={"authorization": f"Bearer {cle}"},
    )
    assert reponse.status_code == 201, reponse.json()


def test_le_debit_des_clients_a_jeton_est_limite_par_utilisateur(monkeypatch, porteur):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "jeton", "3/minute")
    monkeypatch.setattr(
        "comptes.authentification.JetonThrottle.THROTTLE_RATES",
        api_settings.DEFAULT_THROTTLE_RATES,
    )
    _, cle = jeton_creer(utilisateur=porteur, nom="script")
    _, cle_2 = jeton_creer(utilisateur=porteur, nom="autre script")
    client = Client()
    statuts = [
        client.get("/api/v1/contrat/", headers={"authorization": f"Bearer {c}"}).status_code
        for c in (cle, cle_2, cle, cle_2)
    ]
    assert statuts == [200, 200, 200, 429], "le débit est compté par utilisateur, pas par jeton"
    navigateur = Client()
    navigateur.force_login(porteur)
    assert navigateur.get("/api/v1/contrat/").status_code == 200
