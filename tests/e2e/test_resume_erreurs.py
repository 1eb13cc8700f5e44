"""In Chromium: a refused form opens on its error summary, in view and holding the keyboard
focus (static/js/resume_erreurs.js, allowed by the CSP), its links lead to the fields, and the
page passes axe-core."""

import pytest

from axes.models import Signataire
from comptes.models import Role
from financement.models import Engagement
from gouvernance.models import Seance
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def verifier_resume_au_focus(page) -> None:
    resume = page.locator("#resume-erreurs")
    assert resume.is_visible()
    assert page.evaluate("document.activeElement.id") == "resume-erreurs"
    haut, bas = page.evaluate(
        "(() => { const r = document.getElementById('resume-erreurs').getBoundingClientRect();"
        " return [r.top, r.bottom]; })()"
    )
    assert 0 <= haut < bas <= page.evaluate("window.innerHeight")  # in the viewport


def test_une_connexion_refusee_met_le_focus_sur_le_resume(visite, creer_utilisateur):
    creer_utilisateur("agent.aisne", role=Role.AGENT)
    se_connecter(visite.page, visite.url_base, "agent.aisne", "pas-le-bon")
    verifier_resume_au_focus(visite.page)
    assert "Identifiant ou mot de passe incorrect" in visite.page.inner_text("#resume-erreurs")
    visite.capture("connexion-refusee")
    verifier_accessibilite(visite.page)
    visite.verifier_rien_hors_portail()


def test_un_engagement_refuse_par_le_registre(visite, creer_utilisateur, projet_programme):
    creer_utilisateur(
        "agent.region2",
        role=Role.AGENT,
        organisation=Signataire.objects.get(code="region").organisation,
    )
    ligne = projet_programme.lignes_programmees.get(signataire__code="region")
    page = visite.page
    se_connecter(page, visite.url_base, "agent.region2", MOT_DE_PASSE)
    visite.ouvrir(f"/financement/lignes/{ligne.pk}/")
    page.fill("#id_reference", "CONV-2026-014")
    page.fill("#id_montant", "400 000,01")  # 1 centime over what is programmed
    page.get_by_role("button", name="Enregistrer l’engagement").click()
    page.wait_for_load_state("networkidle")
    verifier_resume_au_focus(page)
    assert "disponibles sur" in page.inner_text("#resume-erreurs")
    visite.capture("engagement-refuse")
    verifier_accessibilite(page)
    page.click('#resume-erreurs a[href="#id_montant"]')
    assert page.evaluate("document.activeElement.id") == "id_montant"
    assert not Engagement.objects.exists()


def test_une_seance_refusee(visite, creer_utilisateur):
    creer_utilisateur("secretariat", role=Role.ADMINISTRATEUR)
    nombre = Seance.objects.count()
    page = visite.page
    se_connecter(page, visite.url_base, "secretariat", MOT_DE_PASSE)
    visite.ouvrir("/gouvernance/comites/programmation/")
    page.get_by_role("button", name="Planifier la séance").click()
    page.wait_for_load_state("networkidle")
    verifier_resume_au_focus(page)
    assert "Indiquez la date" in page.inner_text("#resume-erreurs")
    visite.capture("seance-refusee")
    verifier_accessibilite(page)
    assert Seance.objects.count() == nombre
