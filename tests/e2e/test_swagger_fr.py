"""The API docs in French in a real Chromium, under the portal's CSP: the page's own chrome
and intro, and Swagger UI's buttons and headings translated by the portal's script, without a
CSP violation and while Swagger UI keeps working (open, try, cancel)."""

import pytest

from tests.e2e.test_csp import ecouter_les_violations

pytestmark = [pytest.mark.e2e, pytest.mark.lent]


def test_la_documentation_de_l_api_parle_francais_sous_la_csp(visite):
    page = visite.page
    violations = ecouter_les_violations(page)
    reponse = visite.ouvrir("/api/docs/")
    assert reponse.status == 200
    assert page.title().startswith("Documentation de l’API")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Mode d’emploi" in page.inner_text("#mode-d-emploi")

    autoriser = page.locator(".swagger-ui .btn.authorize")
    assert autoriser.inner_text().strip() == "Autoriser"
    assert autoriser.locator("span").get_attribute("lang") == "fr"

    # An operation with parameters: « Paramètres », « Réponses », « Essayer ».
    page.locator(".opblock-summary", has_text="/api/v1/projets/{reference}/").first.click()
    bloc = page.locator(".opblock.is-open").first
    bloc.locator(".try-out__btn").wait_for()
    assert bloc.locator(".opblock-section-header h4").first.inner_text() == "Paramètres"
    assert "Réponses" in bloc.locator(".responses-wrapper h4").first.inner_text()
    essayer = bloc.locator(".try-out__btn")
    assert essayer.inner_text().strip() == "Essayer"
    # Swagger UI's own style sheet writes « required »: in French too.
    obligatoire = page.evaluate(
        "getComputedStyle(document.querySelector('.parameter__name.required'), '::after').content"
    )
    assert obligatoire == '"obligatoire"'

    essayer.click()
    assert bloc.locator(".btn.execute").inner_text().strip() == "Exécuter"
    # React writes the button's label again (« Cancel »): translated again.
    bloc.locator(".try-out__btn.cancel").wait_for()
    assert bloc.locator(".try-out__btn").inner_text().strip() == "Annuler"
    bloc.locator(".try-out__btn").click()
    assert bloc.locator(".try-out__btn").inner_text().strip() == "Essayer"
    assert bloc.locator(".btn.execute").count() == 0

    assert not page.evaluate("window.__violations")
    assert not violations
    visite.capture("swagger-francais")
