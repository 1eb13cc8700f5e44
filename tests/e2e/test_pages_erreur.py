"""The error pages as a visitor meets them on a production-like server (DEBUG off), in
Chromium: an unknown address (404), another porteur's dossier (the same 404: its existence is
not revealed), a page reserved to the secretariat (403 with the French reason), and a page that
fails (500). Each is French, in the State's design system (header and footer), offers a way
back, never shows Django's English wording, and passes axe.

This module serves the portal on its own server, with the settings
`tests.e2e.reglages_sans_debug`: DEBUG off and the portal's URLs and error handlers plus a page
that fails (`tests.e2e.urls_sans_debug`), so that no production URL is made to fail."""

import pytest

from projets.models import Projet
from tests.conftest import MOT_DE_PASSE
from tests.e2e.conftest import demarrer_serveur
from tests.e2e.outils import se_connecter, verifier_accessibilite
from tests.factories.projets import DossierFactory

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]

MOTS_ANGLAIS = ("Not Found", "Forbidden", "Server Error", "Traceback", "Page not found")


@pytest.fixture(scope="module")
def serveur_portail(django_db_setup, django_db_blocker, tmp_path_factory):
    """`manage.py runserver` as the package's harness starts it, on the error-page settings."""
    journal = tmp_path_factory.mktemp("serveur-sans-debug") / "runserver.log"
    with demarrer_serveur(
        "tests.e2e.reglages_sans_debug", django_db_blocker=django_db_blocker, journal=journal
    ) as url:
        yield url


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
