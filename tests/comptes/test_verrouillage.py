"""Brute force on log-in (craft R4): after 5 failures for one identifier from one address,
the 6th attempt is refused even with the right password, for 15 minutes; a success resets the
count; the admin's log-in page is under the same rule."""

import logging
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from comptes.connexion import adresse_du_client
from comptes.models import Role, TentativeConnexion
from tests.conftest import MOT_DE_PASSE

URL = "/connexion/"


def essayer(client, identifiant, mot_de_passe, *, ip="203.0.113.7", url=URL):
    return client.post(url, {"username": identifiant, "password": mot_de_passe}, REMOTE_ADDR=ip)


def connecte(client) -> bool:
    return SESSION_KEY in client.session


def test_reglages_cinq_echecs_et_quinze_minutes(settings):
    assert settings.CONNEXION_ECHECS_MAX == 5
    assert timedelta(minutes=15) == settings.CONNEXION_DUREE_VERROU


def test_le_sixieme_essai_est_refuse_meme_avec_le_bon_mot_de_passe(
    client, creer_utilisateur, caplog
):
    creer_utilisateur("agent.nord", role=Role.AGENT)
    with caplog.at_level(logging.WARNING, logger="comptes.connexion"):
        for _ in range(5):
            reponse = essayer(client, "agent.nord", "mauvais")
            assert "Identifiant ou mot de passe incorrect" in reponse.content.decode()
    assert "Connexion verrouillée après 5 échecs" in caplog.text
    assert "agent.nord" in caplog.text and "203.0.113.7" in caplog.text

    reponse = essayer(client, "agent.nord", MOT_DE_PASSE)
    html = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Trop de tentatives" in html and "réessayez dans 15 minutes" in html
    assert not connecte(client)
    verrou = TentativeConnexion.objects.get(identifiant="agent.nord", adresse_ip="203.0.113.7")
    assert verrou.verrouillages == 1
    assert verrou.verrouille_jusqu_au is not None


def test_le_verrou_tombe_apres_le_delai_de_refroidissement(client, creer_utilisateur):
    creer_utilisateur("agent.oise", role=Role.AGENT)
    with freeze_time("2026-03-02 09:00:00") as horloge:
        for _ in range(5):
            essayer(client, "agent.oise", "mauvais")
        horloge.tick(timedelta(minutes=14))
        reponse = essayer(client, "agent.oise", MOT_DE_PASSE)
        assert "réessayez dans 1 minute" in reponse.content.decode()
        assert not connecte(client)
        horloge.tick(timedelta(minutes=1, seconds=1))
        reponse = essayer(client, "agent.oise", MOT_DE_PASSE)
        assert reponse.status_code == 302
        assert connecte(client)


def test_une_reussite_remet_le_compteur_a_zero(client, creer_utilisateur):
    creer_utilisateur("agent.somme", role=Role.AGENT)
    for _ in range(4):
        essayer(client, "agent.somme", "mauvais")
    assert essayer(client, "agent.somme", MOT_DE_PASSE).status_code == 302
    client.logout()
    for _ in range(4):
        essayer(client, "agent.somme", "mauvais")
    assert essayer(client, "agent.somme", MOT_DE_PASSE).status_code == 302


def test_le_verrou_vaut_pour_un_identifiant_et_une_adresse(client, creer_utilisateur):
    creer_utilisateur("agent.aisne", role=Role.AGENT)
    creer_utilisateur("lecteur")
    for _ in range(5):
        essayer(client, "Agent.Aisne ", "mauvais")  # normalised: same identifier
    assert "Trop de tentatives" in essayer(client, "agent.aisne", MOT_DE_PASSE).content.decode()
    # Another person from the same address, and the same person from elsewhere, still get in.
    assert essayer(Client(), "lecteur", MOT_DE_PASSE).status_code == 302
    assert essayer(Client(), "agent.aisne", MOT_DE_PASSE, ip="198.51.100.2").status_code == 302


def test_un_identifiant_inconnu_est_verrouille_aussi(client):
    for _ in range(5):
        essayer(client, "personne", "x")
    assert "Trop de tentatives" in essayer(client, "personne", "x").content.decode()


def test_l_administration_est_sous_le_meme_verrou(client, creer_utilisateur):
    creer_utilisateur("admin.site", role=Role.ADMINISTRATEUR, is_staff=True)
    for _ in range(5):
        essayer(client, "admin.site", "mauvais", url="/admin/login/")
    reponse = essayer(client, "admin.site", MOT_DE_PASSE, url="/admin/login/")
    assert reponse.status_code == 200
    assert "Trop de tentatives" in reponse.content.decode()
    assert not connecte(client)
    # The lock is shared with the portal's own page.
    assert "Trop de tentatives" in essayer(client, "admin.site", MOT_DE_PASSE).content.decode()


def test_l_adresse_vient_de_remote_addr_et_pas_d_un_en_tete_forge(rf, settings):
    requete = rf.post(URL, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert adresse_du_client(requete) == "203.0.113.7"
    settings.CONNEXION_PROXIES_DE_CONFIANCE = ["127.0.0.1"]
    requete = rf.post(
        URL, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.8, 127.0.0.1"
    )
    assert adresse_du_client(requete) == "203.0.113.8"


@pytest.mark.django_db(transaction=True)
def test_des_essais_simultanes_ne_depassent_pas_la_limite(creer_utilisateur):
    """Twelve attempts at once with wrong passwords: exactly five reach the password check."""
    creer_utilisateur("agent.mel", role=Role.AGENT)
    depart = threading.Barrier(12)
    messages: list[str] = []

    def tenter():
        try:
            depart.wait()
            reponse = essayer(Client(), "agent.mel", "mauvais")
            messages.append(reponse.content.decode())
        finally:
            connection.close()

    fils = [threading.Thread(target=tenter) for _ in range(12)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    incorrects = sum("Identifiant ou mot de passe incorrect" in m for m in messages)
    refuses = sum("Trop de tentatives" in m for m in messages)
    assert (incorrects, refuses) == (5, 7)
    assert "Trop de tentatives" in essayer(Client(), "agent.mel", MOT_DE_PASSE).content.decode()
    assert reverse("connexion") == URL
