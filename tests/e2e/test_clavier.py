"""Keyboard only: the skip link comes first and lands in the content; the log-in form can be
filled and sent without a mouse."""

import pytest

from comptes.models import Role
from tests.conftest import MOT_DE_PASSE

pytestmark = [pytest.mark.e2e, pytest.mark.lent]


def element_actif(page) -> dict:
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return {tag: e.tagName, id: e.id, texte: (e.innerText || '').trim(),
                    href: e.getAttribute('href'), dansMain: !!e.closest('main')};
        }"""
    )


def test_tab_atteint_d_abord_le_lien_d_evitement_et_entree_mene_au_contenu(visite):
    visite.ouvrir("/")
    visite.page.keyboard.press("Tab")
    actif = element_actif(visite.page)
    assert actif["texte"] == "Contenu"
    assert actif["href"] == "#contenu"
    assert visite.page.locator(".fr-skiplinks").is_visible()
    visite.capture("lien-d-evitement")
    visite.page.keyboard.press("Enter")
    actif = element_actif(visite.page)
    assert actif["dansMain"], actif
    assert visite.page.url.endswith("#contenu")
    # The next Tab goes on from the content, not from the top of the page.
    visite.page.keyboard.press("Tab")
    assert element_actif(visite.page)["dansMain"]
    visite.capture("focus-dans-le-contenu")


@pytest.mark.django_db(transaction=True)
def test_le_formulaire_de_connexion_se_remplit_et_s_envoie_au_clavier(visite, creer_utilisateur):
    creer_utilisateur("agent.oise", role=Role.AGENT)
    visite.ouvrir("/connexion/")
    page = visite.page
    # The identifier field has the focus on arrival (autofocus).
    assert element_actif(page)["id"] == "id_username"
    page.keyboard.type("agent.oise")
    page.keyboard.press("Tab")
    assert element_actif(page)["id"] == "id_password"
    page.keyboard.type(MOT_DE_PASSE)
    page.keyboard.press("Tab")
    actif = element_actif(page)
    assert actif["tag"] == "BUTTON"
    assert actif["texte"] == "Se connecter"
    visite.capture("formulaire-rempli")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/tableau-de-bord/")
    assert "agent.oise" in page.inner_text("main")
    visite.capture("connecte")
