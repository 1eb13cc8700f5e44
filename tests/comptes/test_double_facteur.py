"""Second factor of staff (issue 19): after a right password, an administrator or an agent
reaches nothing (pages, admin, API) until a TOTP code or a recovery code is given; a wrong
code, a reused code and too many tries are refused under the same lockout as the password."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes.double_facteur import codes_secours_generer
from comptes.models import CodeSecours, Role, TentativeConnexion
from tests.conftest import MOT_DE_PASSE

IP = "198.51.100.20"


@pytest.fixture(autouse=True)
def _exige_pour_le_personnel(settings):
    settings.COMPTES_DOUBLE_FACTEUR_ROLES = ["administrateur", "agent"]


def code_de(appareil: TOTPDevice, *, decalage_pas: int = 0) -> str:
    totp = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift)
    totp.time = time.time() + decalage_pas * appareil.step
    return str(totp.token()).zfill(appareil.digits)


def enrole(utilisateur) -> tuple[TOTPDevice, list[str]]:
    appareil = TOTPDevice.objects.create(user=utilisateur, name="Téléphone", confirmed=True)
    return appareil, codes_secours_generer(utilisateur=utilisateur)


def mot_de_passe(client, identifiant, mdp=MOT_DE_PASSE, url="/connexion/"):
    return client.post(url, {"username": identifiant, "password": mdp}, REMOTE_ADDR=IP)


def code(client, valeur):
    return client.post("/connexion/second-facteur/", {"code": valeur}, REMOTE_ADDR=IP)


def test_sans_code_l_agent_n_atteint_ni_les_pages_ni_l_api_ni_l_administration(
    client, agent, creer_utilisateur
):
    enrole(agent)
    reponse = mot_de_passe(client, "agent.region")
    assert reponse.status_code == 302
    suivante = client.get("/tableau-de-bord/")
    assert suivante.status_code == 302
    assert suivante["Location"].startswith("/connexion/second-facteur/?next=")
    page = client.get(suivante["Location"])
    assert "Saisissez le code à 6 chiffres" in page.content.decode()
    api = client.get("/api/v1/projets/")
    assert api.status_code == 403
    assert api.json()["detail"] == "Second facteur d'authentification attendu."
    assert client.get("/compte/").status_code == 302

    administrateur = creer_utilisateur(
        "admin.site", role=Role.ADMINISTRATEUR, is_staff=True, is_superuser=True
    )
    enrole(administrateur)
    client.logout()
    connexion = mot_de_passe(client, "admin.site", url="/admin/login/?next=/admin/")
    assert connexion.status_code == 302 and connexion["Location"] == "/admin/"
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"].startswith("/connexion/second-facteur/")


def test_un_bon_code_ouvre_la_session_et_l_api(client, agent):
    appareil, _ = enrole(agent)
    mot_de_passe(client, "agent.region")
    reponse = code(client, code_de(appareil))
    assert reponse.status_code == 302
    assert client.get("/tableau-de-bord/").status_code == 200
    assert client.get("/api/v1/projets/").status_code == 200


def test_un_mauvais_code_est_refuse(client, agent):
    appareil, _ = enrole(agent)
    mot_de_passe(client, "agent.region")
    bon = code_de(appareil)
    faux = "000000" if bon != "000000" else "111111"
    reponse = code(client, faux)
    assert reponse.status_code == 200
    assert "Code incorrect ou déjà utilisé" in reponse.content.decode()
    assert client.get("/tableau-de-bord/").status_code == 302
    vide = code(client, "")
    assert "Saisissez le code de vérification." in vide.content.decode()


def test_un_code_totp_ne_sert_qu_une_fois(client, agent):
    appareil, _ = enrole(agent)
    mot_de_passe(client, "agent.region")
    valeur = code_de(appareil)
    assert code(client, valeur).status_code == 302
    client.post("/deconnexion/")
    mot_de_passe(client, "agent.region")
    reponse = code(client, valeur)
    assert "Code incorrect ou déjà utilisé" in reponse.content.decode()
    assert client.get("/tableau-de-bord/").status_code == 302


def test_un_code_de_secours_sert_une_fois_puis_est_refuse(client, agent):
    _, codes = enrole(agent)
    mot_de_passe(client, "agent.region")
    reponse = code(client, codes[0].upper())  # case and dashes do not matter
    assert reponse.status_code == 302
    page = client.get(reponse["Location"])
    assert "il vous en reste 9" in page.content.decode()
    client.post("/deconnexion/")

    mot_de_passe(client, "agent.region")
    reponse = code(client, codes[0])
    assert reponse.status_code == 200
    assert "Code incorrect ou déjà utilisé" in reponse.content.decode()
    assert client.get("/tableau-de-bord/").status_code == 302
    assert code(client, codes[1]).status_code == 302


def test_les_codes_de_secours_ne_sont_gardes_que_haches(agent):
    _, codes = enrole(agent)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    empreintes = set(CodeSecours.objects.values_list("empreinte", flat=True))
    assert len(empreintes) == 10
    for c in codes:
        assert c not in empreintes and c.replace("-", "") not in empreintes


def test_mots_de_passe_et_codes_partagent_le_verrouillage(client, agent):
    """Three wrong passwords, the right one, one wrong code: five attempts, the pair is
    locked; the right code is then refused too. A right password alone resets nothing."""
    appareil, _ = enrole(agent)
    for _ in range(3):
        mot_de_passe(client, "agent.region", "mauvais")
    mot_de_passe(client, "agent.region")
    assert TentativeConnexion.objects.get(identifiant="agent.region").echecs == 4
    code(client, "000000" if code_de(appareil) != "000000" else "111111")
    reponse = code(client, code_de(appareil))
    assert "Trop de tentatives" in reponse.content.decode()
    assert client.get("/tableau-de-bord/").status_code == 302


def test_le_bon_code_remet_le_compte_a_zero(client, agent):
    appareil, _ = enrole(agent)
    mot_de_passe(client, "agent.region", "mauvais")
    mot_de_passe(client, "agent.region")
    code(client, code_de(appareil))
    assert TentativeConnexion.objects.get(identifiant="agent.region").echecs == 0


def test_enrolement_oblige_qr_code_local_puis_codes_montres_une_fois(client, agent):
    mot_de_passe(client, "agent.region")
    vers = client.get("/connexion/second-facteur/")
    assert vers.status_code == 302 and vers["Location"].startswith("/compte/double-facteur/")
    page = client.get("/compte/double-facteur/").content.decode()
    assert 'src="data:image/svg+xml' in page
    assert "obligatoire" in page and "réglage fixé par le secrétariat" in page
    appareil = TOTPDevice.objects.get(user=agent, confirmed=False)

    refus = client.post("/compte/double-facteur/", {"code": "12"}, REMOTE_ADDR=IP)
    assert "Code incorrect" in refus.content.decode()
    assert not TOTPDevice.objects.filter(user=agent, confirmed=True).exists()

    reponse = client.post("/compte/double-facteur/", {"code": code_de(appareil)}, REMOTE_ADDR=IP)
    html = reponse.content.decode()
    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", html)
    assert len(codes) == 10
    assert "ne seront plus jamais affichés" in html
    assert client.get("/tableau-de-bord/").status_code == 200
    suivante = client.get("/compte/double-facteur/").content.decode()
    assert "active" in suivante and codes[0] not in suivante
    assert "Il vous reste <strong>10</strong>" in suivante


def test_une_session_en_attente_ne_peut_pas_enroler_un_autre_telephone(client, agent):
    enrole(agent)
    mot_de_passe(client, "agent.region")
    reponse = client.get("/compte/double-facteur/")
    assert reponse.status_code == 302 and reponse["Location"] == "/connexion/second-facteur/"
    assert TOTPDevice.objects.filter(user=agent).count() == 1


def test_le_reglage_choisit_les_roles(client, settings, porteur, agent):
    settings.COMPTES_DOUBLE_FACTEUR_ROLES = ["administrateur"]
    mot_de_passe(client, "agent.region")
    assert client.get("/tableau-de-bord/").status_code == 200
    client.post("/deconnexion/")
    settings.COMPTES_DOUBLE_FACTEUR_ROLES = ["administrateur", "agent"]
    mot_de_passe(client, "porteur")
    assert client.get("/tableau-de-bord/").status_code == 200
    client.post("/deconnexion/")
    mot_de_passe(client, "agent.region")
    assert client.get("/tableau-de-bord/").status_code == 302


def test_un_porteur_enrole_volontairement_donne_aussi_son_code(client, porteur):
    appareil, _ = enrole(porteur)
    mot_de_passe(client, "porteur")
    assert SESSION_KEY in client.session
    assert client.get("/tableau-de-bord/").status_code == 302
    code(client, code_de(appareil))
    assert client.get("/tableau-de-bord/").status_code == 200


def test_regenerer_les_codes_annule_les_anciens(client, agent):
    appareil, anciens = enrole(agent)
    mot_de_passe(client, "agent.region")
    code(client, code_de(appareil))
    reponse = client.post("/compte/double-facteur/codes-de-secours/")
    nouveaux = re.findall(r"<code>([a-z2-9-]{14})</code>", reponse.content.decode())
    assert len(nouveaux) == 10 and not set(nouveaux) & set(anciens)
    client.post("/deconnexion/")
    mot_de_passe(client, "agent.region")
    assert "Code incorrect" in code(client, anciens[1]).content.decode()
    assert code(client, nouveaux[0]).status_code == 302


def test_sans_le_reglage_rien_ne_change_pour_le_personnel(client, settings, creer_utilisateur):
    settings.COMPTES_DOUBLE_FACTEUR_ROLES = []
    creer_utilisateur("admin.sans", role=Role.ADMINISTRATEUR)
    mot_de_passe(client, "admin.sans")
    assert client.get("/tableau-de-bord/").status_code == 200


def test_une_session_en_attente_ne_peut_pas_se_faire_donner_des_codes_de_secours(client, agent):
    _, anciens = enrole(agent)
    mot_de_passe(client, "agent.region")
    reponse = client.post("/compte/double-facteur/codes-de-secours/")
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/connexion/second-facteur/")
    assert CodeSecours.objects.filter(dispositif__user=agent).count() == 10
    assert code(client, anciens[0]).status_code == 302  # the old codes still work
