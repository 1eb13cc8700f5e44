"""The map and the chart on the home page, in a browser: figures on hover, links on click,
keyboard focus, no accessibility violation."""

import pytest

from tests.e2e.outils import verifier_accessibilite

pytestmark = [pytest.mark.e2e, pytest.mark.lent]


def test_la_carte_montre_le_chiffre_au_survol_et_mene_au_lien_au_clic(visite):
    visite.ouvrir("/")
    page = visite.page
    zones = page.locator("#carte-operations a.carte-departements__lien")
    assert zones.count() == 5
    nord = page.locator('#carte-operations a[data-code="59"]')
    nord.scroll_into_view_if_needed()
    boite = nord.bounding_box()
    assert boite and boite["width"] > 50 and boite["height"] > 30  # really drawn
    nord.hover()
    # The zone under the mouse is the Nord, and its <title> (the hover text) gives its figure.
    sous_la_souris = page.evaluate(
        """([x, y]) => {
            const lien = document.elementFromPoint(x, y).closest('a');
            return {code: lien.dataset.code, titre: lien.querySelector('title').textContent};
        }""",
        [boite["x"] + boite["width"] / 2, boite["y"] + boite["height"] / 2],
    )
    assert sous_la_souris["code"] == "59"
    assert sous_la_souris["titre"].startswith("Nord (59) : ")
    assert sous_la_souris["titre"].endswith("opérations")
    trait = page.evaluate(
        "getComputedStyle(document.querySelector('#carte-operations a[data-code=\"59\"] path'))"
        ".strokeWidth"
    )
    assert trait != "0.6px"  # the hovered zone is outlined
    visite.capture("survol-nord")
    # Same figure in the table that is the map's text alternative.
    chiffre = sous_la_souris["titre"].removeprefix("Nord (59) : ")
    assert chiffre in page.inner_text("#carte-operations table")
    with page.expect_navigation():
        nord.click()
    # each département leads to its own territory page (all the money on it)
    assert page.url == f"{visite.url_base}/territoires/departement/59/"
    assert page.inner_text("h1") == "Nord (59)"
    visite.capture("apres-clic")


def test_les_zones_de_la_carte_se_parcourent_au_clavier(visite):
    visite.ouvrir("/")
    page = visite.page
    page.locator('#carte-operations a[data-code="02"]').focus()
    codes = []
    for _ in range(5):
        codes.append(page.evaluate("document.activeElement.dataset.code"))
        page.keyboard.press("Tab")
    assert codes == ["02", "59", "60", "62", "80"]
    page.locator('#carte-operations a[data-code="80"]').focus()
    visite.capture("focus-somme")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/territoires/departement/80/")


def test_le_graphique_des_enveloppes_est_dessine_et_accessible(visite):
    visite.ouvrir("/")
    page = visite.page
    graphique = page.locator("#graphique-enveloppes svg")
    assert graphique.get_attribute("role") == "img"
    assert page.locator("#graphique-enveloppes rect").count() == 9
    largeurs = page.eval_on_selector_all(
        "#graphique-enveloppes rect", "rs => rs.map(r => r.getBoundingClientRect().width)"
    )
    assert max(largeurs) > 300
    assert min(largeurs) > 0
    nom = page.evaluate("document.getElementById('graphique-enveloppes-titre').textContent")
    assert nom == "Enveloppe de chaque signataire (article 2)"
    graphique.scroll_into_view_if_needed()
    visite.capture("graphique")
    verifier_accessibilite(page)
