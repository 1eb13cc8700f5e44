"""The pages a visitor meets when a request fails: French, DSFR, a way back; the API answers
French JSON; no entry of the main menu leads to a refusal."""

import re

import pytest
from django.test import Client, override_settings

from projets.models import Projet


def test_une_page_inconnue_repond_une_page_francaise(client):
    reponse = client.get("/cette-page-n-existe-pas/")
    assert reponse.status_code == 404
    html = reponse.content.decode()
    assert "<h1>Page introuvable</h1>" in html
    assert 'data-statut="404"' in html
    assert "fr-header" in html  # the DSFR layout, with the portal's header
    assert 'href="/"' in html
    assert "Not Found" not in html


def test_un_dossier_inconnu_ne_nomme_pas_le_modele(client, agent):
    client.force_login(agent)
    reponse = client.get("/projets/HDF-2099-9999/")
    assert reponse.status_code == 404
    html = reponse.content.decode()
    assert "Page introuvable" in html
    assert "Projet" not in re.sub(r"<[^>]+>", "", html).split("Page introuvable", 1)[1][:400]
    assert "matches the given query" not in html


def test_l_api_repond_en_json_francais_sur_un_objet_inconnu(client, agent):
    client.force_login(agent)
    reponse = client.get("/api/v1/projets/HDF-2099-9999/")
    assert reponse.status_code == 404
    assert reponse["Content-Type"].startswith("application/json")
    assert "Projet" not in reponse.json()["detail"]
    assert "No " not in reponse.json()["detail"]


def test_une_adresse_inconnue_de_l_api_repond_en_json(client):
    reponse = client.get("/api/v1/inconnue/")
    assert reponse.status_code == 404
    assert reponse.json() == {"detail": "Ressource introuvable."}


def test_un_refus_garde_la_raison_ecrite_pour_les_gens(client, porteur):
    """A porteur asking for the committees is refused with the French page (403 or 404, never
    Django's English body)."""
    client.force_login(porteur)
    reponse = client.get("/gouvernance/")
    assert reponse.status_code in (403, 404)
    assert "<h1>" in reponse.content.decode()
    assert "Forbidden" not in reponse.content.decode()


def test_un_formulaire_sans_jeton_csrf_est_refuse_en_francais(porteur, projet_brouillon):
    client = Client(enforce_csrf_checks=True)
    client.force_login(porteur)
    avant = Projet.objects.get(pk=projet_brouillon.pk).titre
    reponse = client.post(f"/projets/{projet_brouillon.reference}/modifier/", {"titre": "Autre"})
    assert reponse.status_code == 403
    html = reponse.content.decode()
    assert "<h1>Accès refusé</h1>" in html
    assert "Le formulaire a expiré" in html
    assert "CSRF verification failed" not in html
    assert Projet.objects.get(pk=projet_brouillon.pk).titre == avant


@pytest.mark.urls("tests.socle.urls_panne")
def test_une_panne_repond_une_page_francaise_sans_details():
    client = Client(raise_request_exception=False)
    reponse = client.get("/essai/panne/")
    assert reponse.status_code == 500
    html = reponse.content.decode()
    assert "<h1>Erreur inattendue</h1>" in html
    assert "panne simulée" not in html
    assert "Server Error" not in html
    reponse = client.get("/api/v1/essai/panne/")
    assert reponse.status_code == 500
    assert reponse.json()["detail"].startswith("Erreur interne")


@pytest.mark.parametrize("role", ["porteur", "agent", "administrateur", "lecteur"])
@override_settings(DEBUG=False)
def test_aucune_entree_du_menu_ne_mene_a_un_refus(client, request, role):
    client.force_login(request.getfixturevalue(role))
    html = client.get("/tableau-de-bord/").content.decode()
    menu = html.split('id="navigation-principale"', 1)[1].split("</nav>", 1)[0]
    liens = re.findall(r'href="([^"]+)"', menu)
    assert len(liens) >= 4
    for lien in liens:
        assert client.get(lien).status_code == 200, lien
    if role == "porteur":
        assert "Gouvernance" not in menu
    else:
        assert "Gouvernance" in menu


def test_le_visiteur_trouve_les_donnees_ouvertes_dans_le_menu(client):
    menu = client.get("/").content.decode().split('id="navigation-principale"', 1)[1]
    menu = menu.split("</nav>", 1)[0]
    assert "Données ouvertes" in menu
    assert ">API<" not in menu


@pytest.mark.urls("tests.socle.urls_panne")
def test_une_valeur_refusee_par_la_base_repond_400_en_francais():
    """The last guard behind the serializers' and forms' limits: a 400, not a 500, with
    neither the database's words nor the column's name."""
    client = Client(raise_request_exception=False)
    reponse = client.post("/api/v1/essai/trop-long/", {})
    assert reponse.status_code == 400
    assert reponse.json()["detail"].startswith("Une valeur envoyée dépasse")
    assert "lien_visio" not in reponse.content.decode()
    reponse = client.get("/essai/trop-long/")
    assert reponse.status_code == 400
    html = reponse.content.decode()
    assert "Une valeur saisie dépasse ce que le portail peut enregistrer" in html
    assert "lien_visio" not in html and "varying" not in html
