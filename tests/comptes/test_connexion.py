"""Log-in and log-out; every page but the public ones needs a login."""

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from comptes.models import Role
from tests.conftest import MOT_DE_PASSE


def test_une_page_privee_renvoie_le_visiteur_anonyme_vers_la_connexion(client):
    reponse = client.get(reverse("compte"))
    assert reponse.status_code == 302
    assert reponse["Location"] == f"{reverse('connexion')}?next={reverse('compte')}"


def test_l_administration_demande_aussi_une_connexion(client):
    reponse = client.get("/admin/")
    assert reponse.status_code == 302
    assert "/admin/login/" in reponse["Location"]


def test_un_mauvais_mot_de_passe_affiche_une_erreur_et_ne_connecte_personne(
    client, creer_utilisateur
):
    creer_utilisateur("agent.nord", role=Role.AGENT)
    reponse = client.post(
        reverse("connexion"), {"username": "agent.nord", "password": "pas-le-bon"}
    )
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Identifiant ou mot de passe incorrect" in html
    assert SESSION_KEY not in client.session
    assert client.get(reverse("compte")).status_code == 302


def test_un_identifiant_inconnu_est_refuse_du_meme_message(client):
    reponse = client.post(reverse("connexion"), {"username": "inconnu", "password": "x"})
    assert "Identifiant ou mot de passe incorrect" in reponse.content.decode()
    assert SESSION_KEY not in client.session


def test_la_connexion_ouvre_le_tableau_de_bord(client, creer_utilisateur):
    utilisateur = creer_utilisateur("porteur", role=Role.PORTEUR, first_name="Paula")
    reponse = client.post(
        reverse("connexion"), {"username": "porteur", "password": MOT_DE_PASSE}, follow=True
    )
    assert reponse.redirect_chain[-1][0] == reverse("tableau_de_bord")
    html = reponse.content.decode()
    assert "Porteur de projet" in html
    assert utilisateur.organisation.nom in html
    assert int(client.session[SESSION_KEY]) == utilisateur.pk


def test_la_connexion_respecte_la_page_demandee(client, creer_utilisateur):
    creer_utilisateur("lecteur")
    reponse = client.post(
        reverse("connexion") + "?next=/programme/",
        {"username": "lecteur", "password": MOT_DE_PASSE, "next": "/programme/"},
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == "/programme/"


def test_la_deconnexion_ferme_la_session(client, creer_utilisateur):
    utilisateur = creer_utilisateur("lecteur")
    client.force_login(utilisateur)
    reponse = client.post(reverse("deconnexion"))
    assert reponse.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get(reverse("compte")).status_code == 302


def test_les_pages_publiques_restent_ouvertes(client):
    for url in ("/", "/programme/", "/programme/I/", "/connexion/", "/api/docs/", "/api/schema/"):
        assert client.get(url).status_code == 200, url


def test_les_champs_de_connexion_sont_libelles_en_francais(client):
    html = client.get(reverse("connexion")).content.decode()
    assert "Identifiant" in html
    assert "Username" not in html
