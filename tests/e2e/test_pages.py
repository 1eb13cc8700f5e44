"""Today's pages in a real browser: French, DSFR header and footer, no serious or critical
accessibility violation (axe-core), nothing requested outside the portal."""

import pytest

from comptes.models import Role
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite

pytestmark = [pytest.mark.e2e, pytest.mark.lent]

PAGES_PUBLIQUES = [
    ("/", "Contrat de Plan"),
    ("/programme/", "Le programme du contrat"),
    ("/programme/I.3.2/", "I.3.2"),
    ("/programme/IV.2.1.a/", "IV.2.1.a"),
    ("/connexion/", "Se connecter au portail"),
]


def verifier_gabarit_dsfr(visite) -> None:
    page = visite.page
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("header.fr-header").is_visible()
    assert page.locator("footer.fr-footer").is_visible()
    assert page.locator("main").count() == 1
    # The DSFR stylesheet is really applied (not only linked): Marianne and the header layout.
    police = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in police, police
    assert page.evaluate("document.fonts.check('1em Marianne')")


@pytest.mark.parametrize(("chemin", "titre"), PAGES_PUBLIQUES)
def test_page_publique_en_francais_accessible_et_autonome(visite, chemin, titre):
    reponse = visite.ouvrir(chemin)
    assert reponse.status == 200
    assert titre in visite.page.inner_text("main")
    verifier_gabarit_dsfr(visite)
    visite.capture("page")
    verifier_accessibilite(visite.page)
    visite.verifier_rien_hors_portail()


def test_la_documentation_de_l_api_est_servie_sans_rien_d_exterieur(visite):
    reponse = visite.ouvrir("/api/docs/")
    assert reponse.status == 200
    visite.page.wait_for_selector(".swagger-ui .info .title")
    assert "API du portail CPER" in visite.page.inner_text(".swagger-ui .info .title")
    visite.capture("swagger")
    verifier_accessibilite(visite.page)
    visite.verifier_rien_hors_portail()


@pytest.mark.django_db(transaction=True)
def test_un_mauvais_mot_de_passe_affiche_une_erreur_accessible(visite, creer_utilisateur):
    creer_utilisateur("agent.aisne", role=Role.AGENT)
    se_connecter(visite.page, visite.url_base, "agent.aisne", "pas-le-bon")
    erreur = visite.page.locator("#resume-erreurs")
    assert erreur.is_visible()
    assert "Identifiant ou mot de passe incorrect" in erreur.inner_text()
    assert visite.page.url.endswith("/connexion/")
    verifier_gabarit_dsfr(visite)
    visite.capture("erreur")
    verifier_accessibilite(visite.page)


@pytest.mark.django_db(transaction=True)
def test_la_page_compte_apres_connexion(visite, creer_utilisateur):
    creer_utilisateur("agent.nord", role=Role.AGENT, first_name="Camille", last_name="Lefebvre")
    visite.ouvrir("/compte/")
    assert "/connexion/" in visite.page.url
    visite.capture("redirigee-vers-connexion")
    se_connecter(visite.page, visite.url_base, "agent.nord", MOT_DE_PASSE)
    assert visite.page.url.endswith("/tableau-de-bord/")
    visite.ouvrir("/compte/")
    main = visite.page.inner_text("main")
    assert "Mon compte" in main
    assert "agent.nord" in main
    assert "Camille Lefebvre" in visite.page.inner_text("header")
    verifier_gabarit_dsfr(visite)
    visite.capture("compte")
    verifier_accessibilite(visite.page)
    visite.verifier_rien_hors_portail()
