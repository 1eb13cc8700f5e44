"""A committee member votes on the session page in a real browser, with the keyboard; the page
has no serious or critical accessibility violation."""

import pytest

from gouvernance.models import Vote
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite
from tests.gouvernance.conftest import comitologie, instruire, nouveau_projet  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.lent]


@pytest.mark.django_db(transaction=True)
def test_un_membre_vote_sur_la_page_de_seance_au_clavier(visite, comitologie):  # noqa: F811
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    membre = c.votants[0]
    page = visite.page
    se_connecter(page, visite.url_base, membre.utilisateur.username, MOT_DE_PASSE)
    visite.ouvrir(f"/gouvernance/seances/{c.seance.pk}/")
    assert "Ordre du jour" in page.inner_text("main")
    visite.capture("seance")
    verifier_accessibilite(page)

    bouton = page.locator("#point-1").get_by_role("button", name="Pour", exact=True)
    bouton.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "Vote « Pour » enregistré" in page.inner_text("main")
    pousse = page.locator("#point-1").get_by_role("button", name="Pour", exact=True)
    assert pousse.get_attribute("aria-pressed") == "true"
    assert "actuellement : Pour" in page.locator("#point-1").inner_text()
    visite.capture("vote-enregistre")
    verifier_accessibilite(page)
    assert Vote.objects.get(point=c.points[0], membre=membre).choix == "pour"

    # The dossier view for members: plan and grid, and the vote can be changed there.
    visite.ouvrir(f"/gouvernance/seances/{c.seance.pk}/points/{c.points[0].pk}/")
    assert "Plan de financement" in page.inner_text("main")
    assert "Score consolidé" in page.inner_text("main")
    verifier_accessibilite(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Contre", exact=True).click()
    assert Vote.objects.get(point=c.points[0], membre=membre).choix == "contre"
    assert Vote.objects.count() == 1
    visite.capture("vote-change")
    visite.verifier_rien_hors_portail()
