"""The import of the existing programming in a real Chromium: the secretariat reaches it from
its menu, uploads a file with an error (the report names row, column and message), then a good
file, and applies it. Screenshots go to test-artefacts/e2e/<test>/."""

import pytest

from comptes.models import Role
from projets.models import Projet, Statut
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite
from tests.reprise.fabrique import generer

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]


def test_le_secretariat_importe_la_programmation_existante(visite, creer_utilisateur, tmp_path):
    creer_utilisateur("secretariat.cper", role=Role.ADMINISTRATEUR)
    page = visite.page
    se_connecter(page, visite.url_base, "secretariat.cper", MOT_DE_PASSE)
    visite.ouvrir("/tableau-de-bord/")
    with page.expect_navigation():
        page.get_by_role("link", name="Reprise de l’existant").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Reprise de la programmation existante"
    )
    verifier_accessibilite(page)
    visite.capture("accueil")

    fautif = generer(8)
    fautif.rangees[2] = {**fautif.rangees[2], "financeur": "atlantide"}
    chemin = tmp_path / "programmation-fautive.xlsx"
    chemin.write_bytes(fautif.contenu())
    page.set_input_files("#id_fichier", str(chemin))
    with page.expect_navigation():
        page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_selector("#resultat")
    cellules = page.locator("#rapport-erreurs tbody tr").first.locator("td").all_inner_texts()
    assert cellules[:2] == ["4", "Financeur"]
    assert cellules[2].startswith("Financeur inconnu : « atlantide »")
    verifier_accessibilite(page)
    assert page.get_by_role("button", name="Appliquer l’import").count() == 0
    visite.capture("rapport")

    visite.ouvrir("/reprise/")
    chemin = tmp_path / "programmation.xlsx"
    chemin.write_bytes(generer(8).contenu())
    page.set_input_files("#id_fichier", str(chemin))
    with page.expect_navigation():
        page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_selector("#resultat")
    assert "Le fichier est vérifié, sans erreur" in page.locator("#resultat").inner_text()
    assert "au titre de la reprise de l’existant" in page.inner_text("main")
    visite.capture("verifie")
    with page.expect_navigation():
        page.get_by_role("button", name="Appliquer l’import").click()
    page.wait_for_selector("#resultat")
    assert "L’import est appliqué" in page.locator("#resultat").inner_text()
    visite.capture("applique")
    repris = Projet.objects.filter(reprise__isnull=False)
    assert sorted(repris.values_list("statut", flat=True)) == [Statut.EN_COURS, Statut.PROGRAMME]
    visite.verifier_rien_hors_portail()
