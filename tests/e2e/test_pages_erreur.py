"""The error pages as a visitor meets them on a production-like server (DEBUG off), in
Chromium: an unknown address (404), another porteur's dossier (the same 404: its existence is
not revealed), a page reserved to the secretariat (403 with the French reason), and a page that
fails (500). Each is French, in the State's design system (header and footer), offers a way
back, never shows Django's English wording, and passes axe.

This module serves the portal on its own server, with the settings
`tests.e2e.reglages_sans_debug`: DEBUG off and the portal's URLs and error handlers plus a page
that fails (`tests.e2e.urls_sans_debug`), so that no production URL is made to fail."""

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command

from axes.models import Contrat
from projets.models import Projet
from tests.conftest import MOT_DE_PASSE
from tests.e2e.conftest import (
    RACINE,
    _attendre_la_fin_des_sessions_du_serveur,
    _port_libre,
    _url_base_de_donnees,
)
from tests.e2e.outils import se_connecter, verifier_accessibilite
from tests.factories.projets import DossierFactory

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]

MOTS_ANGLAIS = ("Not Found", "Forbidden", "Server Error", "Traceback", "Page not found")


@pytest.fixture(scope="module")
def serveur_portail(django_db_setup, django_db_blocker, tmp_path_factory):
    """`manage.py runserver` as the package's harness starts it, on the error-page settings."""
    with django_db_blocker.unblock():
        url_bdd = _url_base_de_donnees()
        if not Contrat.objects.exists():
            call_command("charger_cper", verbosity=0)
    port = _port_libre()
    journal = tmp_path_factory.mktemp("serveur-sans-debug") / "runserver.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.reglages_sans_debug",
        "DATABASE_URL": url_bdd,
        "CONN_MAX_AGE": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("DEBUG", None)
    with open(journal, "w") as sortie:
        processus = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=RACINE,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if processus.poll() is not None:
                pytest.fail(f"le serveur s'est arrêté :\n{journal.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/", timeout=5) as reponse:
                    if reponse.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"le serveur n'a pas répondu :\n{journal.read_text()}")
        yield url
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
        with django_db_blocker.unblock():
            _attendre_la_fin_des_sessions_du_serveur()


def verifier_page_erreur(visite, chemin, statut, titre, *, textes=(), nom=""):
    page = visite.page
    reponse = visite.ouvrir(chemin)
    assert reponse.status == statut, (chemin, reponse.status)
    assert page.inner_text("h1") == titre
    assert page.locator("#page-erreur").get_attribute("data-statut") == str(statut)
    assert page.locator("html").get_attribute("lang") == "fr"
    # The State's layout: its header with the portal's name, its main area.
    assert page.locator("header.fr-header").is_visible()
    assert "CPER Hauts-de-France" in page.inner_text("header.fr-header")
    texte = page.inner_text("body")
    assert f"Erreur {statut}" in texte
    for attendu in textes:
        assert attendu in texte, (chemin, attendu)
    for mot in MOTS_ANGLAIS:
        assert mot not in page.content(), (chemin, mot)
    # A way back: the home page, always.
    retour = page.locator("#page-erreur").get_by_role("link", name="Page d’accueil")
    assert retour.get_attribute("href") == "/"
    verifier_accessibilite(page)
    visite.capture(nom or str(statut))
    return page


def test_une_adresse_inconnue_donne_la_page_introuvable_du_portail(visite):
    page = verifier_page_erreur(
        visite,
        "/cette-page-n-existe-pas/",
        404,
        "Page introuvable",
        textes=("La page que vous cherchez n’existe pas",),
    )
    assert page.locator("footer.fr-footer").is_visible()
    # Anonymous: the page offers to log in.
    assert page.locator("#page-erreur").get_by_role("link", name="Se connecter").is_visible()
    with page.expect_navigation():
        page.locator("#page-erreur").get_by_role("link", name="Page d’accueil").click()
    assert page.url == f"{visite.url_base}/"


def test_un_porteur_ne_voit_ni_le_dossier_d_un_autre_ni_le_journal(visite, porteur, porteur_autre):
    dossier = DossierFactory(titre="Dossier de la commune", par=porteur_autre)
    titre_avant = Projet.objects.get(pk=dossier.pk).titre
    page = visite.page
    se_connecter(page, visite.url_base, porteur.username, MOT_DE_PASSE)

    # Another porteur's dossier: the same page as an unknown one (its existence is not told).
    for chemin in (f"/projets/{dossier.reference}/", f"/projets/{dossier.reference}/modifier/"):
        verifier_page_erreur(visite, chemin, 404, "Page introuvable", nom="dossier-autre")
        assert dossier.titre not in page.content()
        assert dossier.reference not in page.inner_text("main")
        assert page.locator("footer.fr-footer").is_visible()
        # Logged in: the way back includes the dashboard.
        assert page.locator("#page-erreur").get_by_role("link", name="Tableau de bord").is_visible()
    assert Projet.objects.get(pk=dossier.pk).titre == titre_avant

    # A page reserved to the secretariat: 403, with the reason written for people.
    verifier_page_erreur(
        visite,
        "/financement/journal/",
        403,
        "Accès refusé",
        textes=(
            "Le journal financier est réservé au secrétariat du CPER.",
            "Rien n’a été enregistré.",
        ),
        nom="journal-refuse",
    )
    assert page.locator("#page-erreur .fr-alert--error").inner_text() == (
        "Le journal financier est réservé au secrétariat du CPER."
    )
    assert page.locator("footer.fr-footer").is_visible()


def test_une_panne_donne_la_page_d_erreur_inattendue_du_portail(visite):
    page = verifier_page_erreur(
        visite,
        "/essai/panne/",
        500,
        "Erreur inattendue",
        textes=("Le portail a rencontré un problème. Rien n’a été enregistré",),
    )
    # Its layout asks nothing of the database, and still has the State's footer.
    assert page.locator("footer.fr-footer").is_visible()
    # Nothing of the failure reaches the visitor.
    assert "panne simulée" not in page.content()
    assert "RuntimeError" not in page.content()
