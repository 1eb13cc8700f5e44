"""The business pages pass axe in Chromium, and the financing-plan table works with the
keyboard alone."""

import pytest

from axes.models import Noeud, Signataire
from comptes.models import Organisation, Role
from projets.models import Projet
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]


def test_les_pages_metier_passent_axe(visite, creer_utilisateur, projet_programme):
    creer_utilisateur(
        "agent.region2",
        role=Role.AGENT,
        organisation=Signataire.objects.get(code="region").organisation,
    )
    se_connecter(visite.page, visite.url_base, "agent.region2", MOT_DE_PASSE)
    ligne = projet_programme.lignes_programmees.get(signataire__code="region")
    for chemin in (
        "/tableau-de-bord/",
        "/projets/",
        f"/projets/{projet_programme.reference}/",
        "/projets/nouveau/",
        "/financement/",
        "/financement/signataires/region/",
        f"/financement/lignes/{ligne.pk}/",
        "/financement/avenants/",
        "/gouvernance/",
        "/gouvernance/grille/",
    ):
        reponse = visite.ouvrir(chemin)
        assert reponse.status == 200, chemin
        assert "fr-header" in visite.page.content()
        verifier_accessibilite(visite.page)
        visite.capture(chemin.strip("/").replace("/", "-") or "accueil")


def test_le_plan_de_financement_se_remplit_au_clavier(visite, creer_utilisateur):
    universite = Organisation.objects.create(nom="Université fictive du clavier")
    creer_utilisateur("porteur.clavier", role=Role.PORTEUR, organisation=universite)
    page = visite.page
    se_connecter(page, visite.url_base, "porteur.clavier", MOT_DE_PASSE)
    visite.ouvrir("/projets/nouveau/")
    page.focus("#id_titre")
    page.keyboard.type("Atelier de prototypage")
    page.select_option("#id_mesure", value=str(Noeud.objects.get(code="IV.2.3.a").pk))
    page.focus("#id_lignes-0-financeur")
    # Keyboard only from here: a select moves with the arrows, Tab goes to the next cell.
    page.keyboard.press("ArrowDown")  # from « — » to the first signatory: État
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_lignes-0-nature"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_lignes-0-montant"
    page.keyboard.type("120 000,00")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_lignes-0-DELETE"
    # Tab through the rest of the table to « Ajouter une ligne », then Enter.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Ajouter une ligne":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Ajouter une ligne"
    # Enter adds the row in the page (no reload) and puts the focus on its first cell.
    page.keyboard.press("Enter")
    assert page.locator("#id_lignes-2-montant").count() == 1
    assert page.evaluate("document.activeElement.id") == "id_lignes-2-financeur"
    assert page.input_value("#id_lignes-0-montant") == "120 000,00"
    page.focus("#id_titre")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field sends the form (first button)
    projet = Projet.objects.get(titre="Atelier de prototypage")
    ligne = projet.lignes_financement.get()
    assert (ligne.signataire.code, str(ligne.montant)) == ("etat", "120000.00")
    visite.capture("enregistre-au-clavier")
