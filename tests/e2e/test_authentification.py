"""The log-in journeys of issue 19 in a real Chromium, against a REAL OpenID Connect provider
(node-oidc-provider, tests/oidc/fournisseur/, installed by `npm ci`) started on the loopback:
ProConnect log-in of an invited agent, an unknown identity sent to the request for access, an
expired ID token, a tampered `state`, the log-out at the provider; then the second factor of
staff (enrolment by QR code, wrong code, recovery code used once).

This module serves the portal with ProConnect on and the second factor required for
administrators and agents, on its own server (the package's server has both off)."""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser

from axes.models import Contrat, Signataire
from comptes.models import DemandeAcces, IdentiteProConnect, Invitation, Role, Utilisateur
from tests.conftest import MOT_DE_PASSE
from tests.e2e.conftest import (
    ARTEFACTS,
    RACINE,
    Visite,
    _attendre_la_fin_des_sessions_du_serveur,
    _port_libre,
    _url_base_de_donnees,
)
from tests.e2e.outils import hotes_exterieurs, se_connecter, verifier_accessibilite

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]

FOURNISSEUR = RACINE / "tests" / "oidc" / "fournisseur"
CLIENT_ID = "portail-cper-de-test"
CLIENT_SECRET = "secret-du-client-de-test-0123456789abcdef"
COMPTES_FOURNISSEUR = {
    "camille.martin@nord.example": {
        "password": "mdp-fournisseur-1",
        "given_name": "Camille",
        "usual_name": "Martin",
        "siret": "22590001000011",
    },
    "inconnu@somme.example": {
        "password": "mdp-fournisseur-2",
        "given_name": "Dominique",
        "usual_name": "Inconnu",
        "siret": "22800001400013",
    },
}


def _attendre(url: str, processus: subprocess.Popen, journal: Path) -> None:
    for _ in range(150):
        if processus.poll() is not None:
            pytest.fail(f"arrêté :\n{journal.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reponse:
                if reponse.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} n'a pas répondu :\n{journal.read_text()}")


def _arreter(processus: subprocess.Popen) -> None:
    processus.terminate()
    try:
        processus.wait(timeout=10)
    except subprocess.TimeoutExpired:
        processus.kill()
        processus.wait()


@pytest.fixture(scope="module")
def ports():
    return {"portail": _port_libre(), "fournisseur": _port_libre()}


@pytest.fixture(scope="module")
def fournisseur(ports, tmp_path_factory):
    """node-oidc-provider on a free loopback port; its discovery document once it answers."""
    if not (FOURNISSEUR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("fournisseur OIDC non installé : cd tests/oidc/fournisseur && npm ci")
    node = shutil.which("node")
    if node is None:
        pytest.fail("node introuvable : apt-get install -y nodejs npm")
    emetteur = f"http://127.0.0.1:{ports['fournisseur']}"
    journal = tmp_path_factory.mktemp("fournisseur") / "oidc-provider.log"
    env = {
        **os.environ,
        "PORT": str(ports["fournisseur"]),
        "PORTAIL_URL": f"http://127.0.0.1:{ports['portail']}",
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "COMPTES": json.dumps(COMPTES_FOURNISSEUR),
    }
    with open(journal, "w") as sortie:
        processus = subprocess.Popen(
            [node, "fournisseur.mjs"],
            cwd=FOURNISSEUR,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )
    try:
        decouverte = f"{emetteur}/.well-known/openid-configuration"
        _attendre(decouverte, processus, journal)
        with urllib.request.urlopen(decouverte, timeout=5) as reponse:
            configuration = json.load(reponse)
        assert configuration["issuer"] == emetteur
        yield configuration
    finally:
        _arreter(processus)


def regler_horloge_du_fournisseur(configuration, secondes: int) -> None:
    requete = urllib.request.Request(
        f"{configuration['issuer']}/__horloge?decalage={secondes}", method="POST"
    )
    with urllib.request.urlopen(requete, timeout=5) as reponse:
        assert reponse.status == 204


@pytest.fixture(scope="module")
def serveur_portail(django_db_setup, django_db_blocker, tmp_path_factory, ports, fournisseur):
    """The portal as the package's harness serves it, with ProConnect pointed at the provider
    and the second factor required for administrators and agents."""
    with django_db_blocker.unblock():
        url_bdd = _url_base_de_donnees()
        if not Contrat.objects.exists():
            call_command("charger_cper", verbosity=0)
    journal = tmp_path_factory.mktemp("serveur-oidc") / "runserver.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cper.settings_test",
        "DATABASE_URL": url_bdd,
        "CONN_MAX_AGE": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OIDC_ACTIVE": "1",
        "OIDC_OP_ISSUER": fournisseur["issuer"],
        "OIDC_OP_AUTHORIZATION_ENDPOINT": fournisseur["authorization_endpoint"],
        "OIDC_OP_TOKEN_ENDPOINT": fournisseur["token_endpoint"],
        "OIDC_OP_USER_ENDPOINT": fournisseur["userinfo_endpoint"],
        "OIDC_OP_JWKS_ENDPOINT": fournisseur["jwks_uri"],
        "OIDC_OP_LOGOUT_ENDPOINT": fournisseur["end_session_endpoint"],
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "COMPTES_DOUBLE_FACTEUR_ROLES": "administrateur,agent",
    }
    env.pop("DEBUG", None)
    with open(journal, "w") as sortie:
        processus = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                f"127.0.0.1:{ports['portail']}",
            ],
            cwd=RACINE,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{ports['portail']}"
    try:
        _attendre(f"{url}/", processus, journal)
        yield url
    finally:
        _arreter(processus)
        with django_db_blocker.unblock():
            _attendre_la_fin_des_sessions_du_serveur()


@pytest.fixture
def visite(request, serveur_portail, fournisseur, navigateur: Browser):
    """A fresh browser context; only the portal and the provider on the loopback are reached."""
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    nom = re.sub(r"[^\w.-]+", "_", request.node.name)
    page = contexte.new_page()
    v = Visite(page=page, url_base=serveur_portail, dossier=ARTEFACTS / nom)
    page.on("request", lambda r: v.requetes.append(r.url))
    hote_fournisseur = urlsplit(fournisseur["issuer"]).netloc

    def dehors(urls):
        return [
            u
            for u in hotes_exterieurs(urls, hote_portail=v.hote)
            if urlsplit(u).netloc != hote_fournisseur
        ]

    contexte.route(
        "**/*", lambda route: route.abort() if dehors([route.request.url]) else route.continue_()
    )
    yield v
    contexte.close()
    assert not dehors(v.requetes), f"requêtes hors du portail et du fournisseur : {v.requetes}"


def agent_invite(creer_utilisateur):
    nord = Signataire.objects.get(code="nord").organisation
    compte = creer_utilisateur(
        "c.martin",
        role=Role.AGENT,
        organisation=nord,
        email="camille.martin@nord.example",
        first_name="Camille",
        last_name="Martin",
    )
    Invitation.objects.create(email=compte.email, organisation=nord, role=Role.AGENT)
    return compte


def proconnect(visite, email: str, mot_de_passe: str, *, fournisseur_demande=True) -> None:
    """From the log-in page through the ProConnect button to the provider's form and back."""
    page = visite.page
    visite.ouvrir("/connexion/")
    page.get_by_role("link", name=re.compile("ProConnect")).click()
    if fournisseur_demande:
        page.wait_for_selector("#email")
        page.fill("#email", email)
        page.fill("#motdepasse", mot_de_passe)
        page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state("networkidle")


def test_un_agent_invite_se_connecte_par_proconnect_sans_second_facteur(
    visite, fournisseur, creer_utilisateur
):
    compte = agent_invite(creer_utilisateur)
    page = visite.page
    visite.ouvrir("/connexion/")
    visite.capture("connexion-avec-proconnect")
    verifier_accessibilite(page)
    demandes = []
    page.on(
        "request",
        lambda r: demandes.append(r.url) if r.url.startswith(fournisseur["issuer"]) else None,
    )
    proconnect(visite, compte.email, "mdp-fournisseur-1")
    assert page.url.endswith("/tableau-de-bord/"), page.url
    assert "Camille Martin" in page.inner_text("header")
    visite.capture("connecte")
    # The authorization request carried PKCE (S256), a state and a nonce.
    autorisation = next(u for u in demandes if urlsplit(u).path == "/auth")
    parametres = parse_qs(urlsplit(autorisation).query)
    assert parametres["code_challenge_method"] == ["S256"]
    assert len(parametres["code_challenge"][0]) >= 43
    assert parametres["state"][0] and parametres["nonce"][0]
    identite = IdentiteProConnect.objects.get(utilisateur=compte)
    assert identite.emetteur == fournisseur["issuer"]
    assert identite.sujet == compte.email
    assert Invitation.objects.get(email=compte.email).utilisee_le is not None


def test_une_identite_inconnue_arrive_sur_la_demande_d_acces_puis_le_secretariat_l_accorde(
    visite, creer_utilisateur
):
    page = visite.page
    proconnect(visite, "inconnu@somme.example", "mdp-fournisseur-2")
    assert page.url.endswith("/connexion/demande-acces/"), page.url
    assert "Votre demande est transmise au secrétariat du CPER" in page.inner_text("main")
    visite.capture("demande-acces")
    verifier_accessibilite(page)
    visite.ouvrir("/tableau-de-bord/")
    assert "/connexion/" in page.url  # not logged in
    demande = DemandeAcces.objects.get(email="inconnu@somme.example")
    assert (demande.prenom, demande.nom, demande.siret) == (
        "Dominique",
        "Inconnu",
        "22800001400013",
    )

    # The secretariat approves (role and organisation chosen there), then the person is in.
    secretariat = creer_utilisateur("secretariat", role=Role.ADMINISTRATEUR)
    _secretariat_accorde(visite, secretariat)
    proconnect(visite, "inconnu@somme.example", "mdp-fournisseur-2", fournisseur_demande=False)
    assert page.url.endswith("/tableau-de-bord/"), page.url
    compte = Utilisateur.objects.get(email="inconnu@somme.example")
    assert compte.identite_proconnect.sujet == "inconnu@somme.example"
    assert compte.role == Role.LECTEUR
    assert compte.organisation == Signataire.objects.get(code="somme").organisation


def _secretariat_accorde(visite, secretariat) -> None:
    """An administrator in another browser context: password, then the second factor the
    server requires (enrolled beforehand), then the request's page."""
    appareil = TOTPDevice.objects.create(user=secretariat, name="Téléphone", confirmed=True)
    onglet = visite.page.context.browser.new_context(locale="fr-FR").new_page()
    try:
        se_connecter(onglet, visite.url_base, "secretariat", MOT_DE_PASSE)
        onglet.fill("#id_code", code_totp(appareil.bin_key))
        onglet.get_by_role("button", name="Vérifier").click()
        onglet.goto(f"{visite.url_base}/comptes/demandes-acces/")
        onglet.get_by_role("link", name=re.compile("Traiter")).click()
        onglet.select_option("#id_organisation", label="Département de la Somme")
        onglet.select_option("#id_role", "lecteur")
        onglet.get_by_role("button", name="Accorder l’accès").click()
        onglet.wait_for_load_state()
        assert "Accès accordé à inconnu@somme.example" in onglet.inner_text("main")
    finally:
        onglet.context.close()


def test_un_jeton_expire_est_refuse(visite, fournisseur, creer_utilisateur):
    compte = agent_invite(creer_utilisateur)
    regler_horloge_du_fournisseur(fournisseur, -7200)  # its tokens expired an hour ago
    try:
        proconnect(visite, compte.email, "mdp-fournisseur-1")
    finally:
        regler_horloge_du_fournisseur(fournisseur, 0)
    page = visite.page
    assert urlsplit(page.url).path == "/connexion/"
    assert "le jeton d'identité du fournisseur a expiré" in page.inner_text("main")
    visite.capture("jeton-expire")
    visite.ouvrir("/tableau-de-bord/")
    assert "/connexion/" in page.url
    assert not IdentiteProConnect.objects.exists()


def test_un_state_altere_est_refuse(visite, fournisseur, creer_utilisateur):
    """The provider's answer is held back before the browser follows it (Playwright does not
    route redirects: the provider's two redirects are replayed with the browser's cookies),
    then the browser opens it with one character of `state` changed."""
    compte = agent_invite(creer_utilisateur)
    page = visite.page
    retenue: list[str] = []

    def retenir(route):
        if route.request.method != "POST":
            route.continue_()
            return
        reprise = route.fetch(max_redirects=0)  # the provider's 303 to its /auth/<uid>
        suite = page.context.request.get(
            urljoin(fournisseur["issuer"], reprise.headers["location"]), max_redirects=0
        )
        retenue.append(suite.headers["location"])
        route.fulfill(status=200, content_type="text/html", body="<p>retenu</p>")

    page.route("**/interaction/**", retenir)
    proconnect(visite, compte.email, "mdp-fournisseur-1")
    page.unroute("**/interaction/**")
    assert retenue and retenue[0].startswith(f"{visite.url_base}/oidc/callback/"), retenue
    parametres = {k: v[0] for k, v in parse_qs(urlsplit(retenue[0]).query).items()}
    assert parametres["code"]
    etat = parametres["state"]
    parametres["state"] = etat[:-1] + ("A" if etat[-1] != "A" else "B")
    visite.ouvrir(f"/oidc/callback/?{urlencode(parametres)}")
    assert urlsplit(page.url).path == "/connexion/"
    assert "ne correspond à aucune demande de connexion en cours" in page.inner_text("main")
    visite.capture("state-altere")
    visite.ouvrir("/tableau-de-bord/")
    assert "/connexion/" in page.url
    assert not IdentiteProConnect.objects.exists()


def test_la_deconnexion_termine_aussi_la_session_du_fournisseur(visite, creer_utilisateur):
    compte = agent_invite(creer_utilisateur)
    page = visite.page
    proconnect(visite, compte.email, "mdp-fournisseur-1")
    assert page.url.endswith("/tableau-de-bord/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_selector("text=Voulez-vous vous déconnecter du fournisseur ?")
    visite.capture("fournisseur-deconnexion")
    page.get_by_role("button", name="Oui, me déconnecter").click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/", page.url
    assert page.url.startswith(visite.url_base)
    assert "Se connecter" in page.inner_text("header")
    # The provider forgot the session: ProConnect asks for the credentials again.
    visite.ouvrir("/connexion/")
    page.get_by_role("link", name=re.compile("ProConnect")).click()
    page.wait_for_selector("#email")


# --- Second factor -------------------------------------------------------------------------


def code_totp(cle: bytes, *, pas_suivant: bool = False) -> str:
    totp = TOTP(cle)
    if pas_suivant:
        totp.time = time.time() + 30
    return str(totp.token()).zfill(6)


def test_parcours_du_second_facteur_d_un_agent(visite, creer_utilisateur):
    creer_utilisateur(
        "agent.oise",
        role=Role.AGENT,
        organisation=Signataire.objects.get(code="oise").organisation,
        first_name="Sacha",
        last_name="Leroy",
    )
    page = visite.page
    se_connecter(page, visite.url_base, "agent.oise", MOT_DE_PASSE)
    # First log-in: the enrolment is required before anything else.
    assert "/compte/double-facteur/" in page.url, page.url
    assert page.locator("#qr-totp").evaluate("img => img.naturalWidth") > 0
    visite.capture("enrolement")
    verifier_accessibilite(page)
    brute = page.inner_text("#cle-totp").replace(" ", "")
    cle = base64.b32decode(brute + "=" * (-len(brute) % 8))
    page.fill("#id_code", code_totp(cle))
    page.get_by_role("button", name="Activer la vérification en deux étapes").click()
    page.wait_for_load_state()
    codes = page.locator("#codes-secours code").all_inner_texts()
    assert len(codes) == 10
    visite.capture("codes-de-secours")
    page.get_by_role("link", name="J’ai noté mes codes, continuer").click()
    page.wait_for_load_state()
    visite.ouvrir("/tableau-de-bord/")
    assert page.url.endswith("/tableau-de-bord/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()

    # Second log-in: without the code nothing opens; a wrong code is refused.
    se_connecter(page, visite.url_base, "agent.oise", MOT_DE_PASSE)
    assert "/connexion/second-facteur/" in page.url
    visite.ouvrir("/tableau-de-bord/")
    assert "/connexion/second-facteur/" in page.url
    faux = "000000" if code_totp(cle) != "000000" else "111111"
    page.fill("#id_code", faux)
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_load_state()
    assert "Code incorrect ou déjà utilisé" in page.inner_text("main")
    visite.capture("code-faux")
    verifier_accessibilite(page)
    page.fill("#id_code", codes[0])
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_load_state()
    assert page.url.endswith("/tableau-de-bord/")
    assert "il vous en reste 9" in page.inner_text("main")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()

    # The same recovery code a second time: refused.
    se_connecter(page, visite.url_base, "agent.oise", MOT_DE_PASSE)
    page.fill("#id_code", codes[0])
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_load_state()
    assert "Code incorrect ou déjà utilisé" in page.inner_text("main")
    visite.ouvrir("/tableau-de-bord/")
    assert "/connexion/second-facteur/" in page.url


def test_un_compte_desactive_est_refuse(visite, creer_utilisateur):
    compte = agent_invite(creer_utilisateur)
    compte.is_active = False
    compte.save(update_fields=["is_active"])
    page = visite.page
    proconnect(visite, compte.email, "mdp-fournisseur-1")
    assert urlsplit(page.url).path == "/connexion/"
    assert "ce compte ProConnect n'a pas accès au portail" in page.inner_text("main")
    visite.ouvrir("/tableau-de-bord/")
    assert "/connexion/" in page.url
