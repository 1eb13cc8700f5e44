"""The financing plan's table shared by the dossier's form and the re-balancing page, in a real
Chromium under the CSP: « Ajouter une ligne » adds the row in the page, the running total
counts the signatories' lines the committee kept, a refusal shows beside its cell."""

import pytest

from projets.models import Projet
from projets.services import projet_creer
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter
from tests.e2e.test_csp import ecouter_les_violations
from tests.factories.projets import a_reequilibrer

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]


def total_affiche(page) -> str:
    return page.inner_text("#total-plan").replace("\u202f", " ").replace("\xa0", " ")


def test_le_reequilibrage_ajoute_une_ligne_dans_la_page_et_tient_le_total(
    visite, porteur, donnees_completes
):
    projet = a_reequilibrer(projet_creer(donnees=donnees_completes(), par=porteur), porteur=porteur)
    page = visite.page
    violations = ecouter_les_violations(page)
    se_connecter(page, visite.url_base, porteur.username, MOT_DE_PASSE)
    visite.ouvrir(f"/projets/{projet.reference}/reequilibrer/")
    # The Région's 400 000,00 € and the État's 250 000,00 € stay, the own funds' 250 000,00 €
    # are in the table: 100 000,00 € short of the cost (1 000 000,00 €, its field left empty).
    assert total_affiche(page) == (
        "Total du plan, lignes des signataires comprises : 900 000,00 € pour un coût total de "
        "1 000 000,00 € — il manque 100 000,00 €."
    )
    page.fill("#id_lignes-0-montant", "300 000,00")
    assert "il manque 50 000,00 €" in total_affiche(page)
    # The page offers one empty row (the second); « Ajouter une ligne » adds a third in place.
    page.select_option("#id_lignes-1-financeur", "src:fonds_europeens")
    page.fill("#id_lignes-1-montant", "0")
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.wait_for_selector("#id_lignes-2-financeur")
    assert page.evaluate("document.activeElement.id") == "id_lignes-2-financeur"
    assert page.input_value("#id_lignes-0-montant") == "300 000,00"  # no reload
    assert page.input_value("#id_lignes-1-montant") == "0"
    assert "il manque 50 000,00 €" in total_affiche(page)

    page.get_by_role("button", name="Rééquilibrer le plan").click()
    page.wait_for_load_state()
    # The zero amount refused beside its own cell, on the second row; nothing written.
    erreur = page.locator("#id_lignes-1-montant-erreur")
    assert erreur.inner_text() == "Le montant doit être supérieur à zéro."
    assert page.locator("#id_lignes-0-montant-erreur").count() == 0
    assert page.locator("#id_lignes-1-montant").get_attribute("aria-invalid") == "true"
    assert Projet.objects.get(pk=projet.pk).montant_a_reequilibrer == 100000
    page.fill("#id_lignes-1-montant", "50 000,00")
    assert "le plan est équilibré" in total_affiche(page)
    page.get_by_role("button", name="Rééquilibrer le plan").click()
    page.wait_for_load_state()
    assert Projet.objects.get(pk=projet.pk).montant_a_reequilibrer == 0
    assert not page.evaluate("window.__violations")
    assert not violations
