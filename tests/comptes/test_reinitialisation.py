"""Password reset (issue 19): Django's flow in French; the same answer whether the address
has an account or not; requests counted per address and per client address."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail

from comptes.models import Role, Utilisateur
from tests.conftest import MOT_DE_PASSE

IP = "192.0.2.44"
NOUVEAU = "Un-nouveau-mot-de-passe-2027"


@pytest.fixture
def porteuse(creer_utilisateur, universite):
    return creer_utilisateur(
        "porteuse", role=Role.PORTEUR, organisation=universite, email="porteuse@univ.example"
    )


def demander(client, email, ip=IP):
    return client.post("/mot-de-passe/oublie/", {"email": email}, REMOTE_ADDR=ip, follow=True)


def lien(message) -> str:
    trouve = re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/[^\s]+/)", message.body)
    assert trouve, message.body
    return trouve.group(1)


def test_la_page_est_en_francais_et_reliee_a_la_connexion(client):
    assert "Mot de passe oublié ?" in client.get("/connexion/").content.decode()
    page = client.get("/mot-de-passe/oublie/").content.decode()
    assert "Adresse électronique de votre compte" in page
    assert "Recevoir le lien" in page


def test_un_porteur_choisit_un_nouveau_mot_de_passe_par_le_lien(client, porteuse):
    reponse = demander(client, "PORTEUSE@univ.example")
    assert reponse.redirect_chain[-1][0] == "/mot-de-passe/envoye/"
    assert "Si cette adresse correspond à un compte" in reponse.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["porteuse@univ.example"]
    assert message.subject == "Portail CPER Hauts-de-France : choisir un nouveau mot de passe"
    assert "« porteuse »" in message.body

    formulaire = client.get(lien(message), follow=True)
    assert "Nouveau mot de passe" in formulaire.content.decode()
    url = formulaire.redirect_chain[-1][0]
    refus = client.post(url, {"new_password1": NOUVEAU, "new_password2": "autre"})
    assert "Les deux mots de passe ne sont pas identiques." in refus.content.decode()
    fin = client.post(url, {"new_password1": NOUVEAU, "new_password2": NOUVEAU}, follow=True)
    assert "Votre nouveau mot de passe est enregistré" in fin.content.decode()
    porteuse.refresh_from_db()
    assert porteuse.check_password(NOUVEAU) and not porteuse.check_password(MOT_DE_PASSE)
    assert SESSION_KEY not in client.session  # the reset does not log in

    deja = client.get(lien(message), follow=True).content.decode()
    assert "Ce lien n’est plus valable" in deja
    client.post("/connexion/", {"username": "porteuse", "password": NOUVEAU})
    assert SESSION_KEY in client.session


def test_meme_reponse_que_l_adresse_existe_ou_non(client, porteuse):
    connue = demander(client, "porteuse@univ.example")
    inconnue = demander(client, "personne@nulle-part.example")
    assert connue.redirect_chain == inconnue.redirect_chain
    assert connue.status_code == inconnue.status_code == 200

    def corps(r):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())
        return re.sub(r'nonce="[^"]+"', "", html)

    assert corps(connue) == corps(inconnue)
    assert [m.to for m in mail.outbox] == [["porteuse@univ.example"]]


def test_un_compte_sans_mot_de_passe_ne_recoit_rien(client, porteuse):
    Utilisateur.objects.filter(pk=porteuse.pk).update(password="!")  # a ProConnect account
    reponse = demander(client, "porteuse@univ.example")
    assert reponse.redirect_chain[-1][0] == "/mot-de-passe/envoye/"
    assert mail.outbox == []


def test_adresse_invalide_message_pres_du_champ(client):
    reponse = client.post("/mot-de-passe/oublie/", {"email": "pas-une-adresse"})
    assert reponse.status_code == 200
    assert "Saisissez une adresse électronique valide" in reponse.content.decode()


def test_au_dela_de_trois_demandes_le_meme_refus_pour_toute_adresse(client, porteuse, settings):
    assert settings.COMPTES_REINITIALISATION_MAX == 3
    for _ in range(3):
        assert demander(client, "porteuse@univ.example").redirect_chain
        assert demander(client, "inconnue@nulle-part.example").redirect_chain
    assert len(mail.outbox) == 3
    for adresse in ("porteuse@univ.example", "inconnue@nulle-part.example"):
        refus = demander(client, adresse)
        assert refus.redirect_chain == []
        assert "Trop de demandes de réinitialisation" in refus.content.decode()
        assert "réessayez dans 15 minutes" in refus.content.decode()
    assert len(mail.outbox) == 3
    # Another address of the same person's machine is not blocked by these two.
    assert demander(client, "porteuse@univ.example", ip="192.0.2.45").redirect_chain
    assert len(mail.outbox) == 4


def test_une_adresse_ip_ne_balaye_pas_les_adresses(client, settings):
    settings.COMPTES_REINITIALISATION_MAX_PAR_IP = 4
    for n in range(4):
        assert demander(client, f"essai{n}@exemple.example").redirect_chain
    refus = demander(client, "essai9@exemple.example")
    assert "Trop de demandes de réinitialisation" in refus.content.decode()
