"""Issue 18 in Chromium: from the home map, click the Nord, then an intercommunality, then a
commune, and land on each territory page with its totals to the cent; the region's map and its
table alternative pass axe-core."""

from decimal import Decimal

import pytest

from socle.montants import format_euros
from tests.e2e.outils import verifier_accessibilite
from tests.factories.projets import DossierFactory

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]


def euros(montant: str) -> str:
    return format_euros(Decimal(montant))


def test_de_la_carte_au_departement_a_l_intercommunalite_puis_a_la_commune(visite):
    # 400 000 (Région) + 350 000 (État) + 250 000 own funds, on three communes of the MEL.
    projet = DossierFactory(
        programme=True,
        titre="Halle des sports métropolitaine",
        communes=[("59009", "Villeneuve-d'Ascq"), ("59350", "Lille"), ("59512", "Roubaix")],
    )
    brouillon = DossierFactory(titre="Brouillon de Lille", par=projet.cree_par)
    page = visite.page

    visite.ouvrir("/")
    nord = page.locator('#carte-operations a[data-code="59"]')
    nord.scroll_into_view_if_needed()
    with page.expect_navigation():
        nord.click()
    assert page.url == f"{visite.url_base}/territoires/departement/59/"
    assert page.inner_text("h1") == "Nord (59)"
    assert page.inner_text("#total-prevu") == euros("1000000.00")
    assert page.inner_text("#total-programme") == euros("750000.00")
    visite.capture("nord")

    with page.expect_navigation():
        page.locator("#epcis a", has_text="Métropole Européenne de Lille").click()
    assert page.url == f"{visite.url_base}/territoires/epci/200093201/"
    assert page.inner_text("h1") == "Métropole Européenne de Lille"
    assert page.inner_text("#total-prevu") == euros("1000000.00")
    visite.capture("mel")

    with page.expect_navigation():
        page.locator("#tableau-sous-territoires a", has_text="Lille (59350)").click()
    assert page.url == f"{visite.url_base}/territoires/commune/59350/"
    assert page.inner_text("h1") == "Lille (59350)"
    # A third of each line, rounded down to the cent (Roubaix, last by INSEE code, gets the
    # remaining cents): 133 333,33 + 116 666,66 + 83 333,33.
    assert page.inner_text("#total-prevu") == euros("333333.32")
    region = page.locator('#tableau-financeurs tr[data-financeur="region"]')
    assert euros("133333.33") in region.inner_text()
    assert projet.reference in page.inner_text("#tableau-dossiers")
    assert brouillon.reference not in page.content()
    visite.capture("lille")

    visite.ouvrir("/territoires/")
    assert page.locator("#carte-territoires a.carte-departements__lien").count() == 5
    assert euros("1000000.00") in page.inner_text("#carte-territoires table")
    verifier_accessibilite(page)
    visite.capture("region")
