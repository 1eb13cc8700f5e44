"""Journey 2 of issue 8 in a real Chromium: each co-funder's agent instructs a dossier with its
grid (issue 13); the
secretariat plans a session, puts the dossier on the agenda, records attendance, convenes and
opens it; two members vote; the secretariat closes it; the dossier is programmed and the
signatory's dashboard shows the new programmed amount."""

from datetime import date

import pytest

from axes.models import Signataire
from comptes.models import Role
from gouvernance.models import Comite, Critere, Decision, Membre, RoleMembre, Seance
from projets.models import Statut
from projets.services import projet_creer, projet_transitionner
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]


def changer_d_utilisateur(visite, identifiant):
    visite.page.context.clear_cookies()
    se_connecter(visite.page, visite.url_base, identifiant, MOT_DE_PASSE)


def cliquer(page, bouton):
    with page.expect_navigation():
        bouton.click()


def test_parcours_2_instruction_seance_votes_cloture_programmation(
    visite, creer_utilisateur, porteur, donnees_completes
):
    organisations = {s.code: s.organisation for s in Signataire.objects.all()}
    agent = creer_utilisateur("agent.region", role=Role.AGENT, organisation=organisations["region"])
    comite = Comite.objects.get(code="programmation")

    def membre(identifiant, role, code, role_utilisateur=Role.MEMBRE_COMITE):
        utilisateur = creer_utilisateur(
            identifiant, role=role_utilisateur, organisation=organisations[code]
        )
        return Membre.objects.create(
            comite=comite,
            utilisateur=utilisateur,
            organisation=organisations[code],
            role=role,
            debut=date(2024, 1, 1),
        )

    membre("prefet", RoleMembre.CO_PRESIDENT, "etat")
    membre("president.region", RoleMembre.CO_PRESIDENT, "region")
    membre("elu.nord", RoleMembre.VOTANT, "nord")
    membre("sgar", RoleMembre.SECRETARIAT, "etat", Role.AGENT)
    projet = projet_creer(donnees=donnees_completes(), par=porteur)
    projet_transitionner(projet=projet, action="deposer", par=porteur)
    projet_transitionner(projet=projet, action="instruire", par=agent)
    page = visite.page

    creer_utilisateur("agent.etat", role=Role.AGENT, organisation=organisations["etat"])

    # 1. Each co-funder's agent fills its analysis grid and files it: the Région's first (the
    # dossier stays under instruction, the État's grid missing), then the État's.
    for identifiant, attendu in (
        ("agent.region", Statut.EN_INSTRUCTION),
        ("agent.etat", Statut.INSTRUIT),
    ):
        changer_d_utilisateur(visite, identifiant)
        visite.ouvrir(f"/gouvernance/evaluations/{projet.reference}/")
        verifier_accessibilite(page)
        for critere in Critere.objects.filter(grille__active=True):
            page.locator(f"label[for=note_{critere.code}_3]").click()
        page.locator("label[for=avis_favorable]").click()
        visite.capture(f"grille-remplie-{identifiant}")
        cliquer(page, page.get_by_role("button", name="Déposer la grille"))
        projet.refresh_from_db()
        assert projet.statut == attendu
    assert "Score consolidé" in page.inner_text("main")

    # 2. The secretariat plans, fills and opens the session.
    changer_d_utilisateur(visite, "sgar")
    visite.ouvrir("/gouvernance/comites/programmation/")
    page.fill("#id_date", "2027-01-15T10:00")
    page.fill("#id_lieu", "Préfecture de région, Lille")
    cliquer(page, page.get_by_role("button", name="Planifier la séance"))
    seance = Seance.objects.get(comite=comite)
    visite.ouvrir(f"/gouvernance/seances/{seance.pk}/")
    page.select_option("#id_projet", projet.reference)
    cliquer(page, page.get_by_role("button", name="Inscrire à l’ordre du jour"))
    for m in Membre.objects.filter(comite=comite).exclude(role=RoleMembre.SECRETARIAT):
        page.select_option(f"#presence_{m.pk}", "present")
    cliquer(page, page.get_by_role("button", name="Enregistrer la feuille de présence"))
    cliquer(page, page.get_by_role("button", name="Convoquer les membres"))
    cliquer(page, page.get_by_role("button", name="Ouvrir la séance"))
    seance.refresh_from_db()
    assert seance.etat == "ouverte"
    visite.capture("seance-ouverte")
    verifier_accessibilite(page)

    # 3. Two members vote « pour ».
    for identifiant in ("prefet", "president.region"):
        changer_d_utilisateur(visite, identifiant)
        visite.ouvrir(f"/gouvernance/seances/{seance.pk}/")
        cliquer(page, page.locator("#point-1").get_by_role("button", name="Pour", exact=True))
        assert "Vote « Pour » enregistré" in page.inner_text("main")
        visite.capture(f"vote-{identifiant}")

    # 4. The secretariat closes the session, after a confirmation.
    changer_d_utilisateur(visite, "sgar")
    visite.ouvrir(f"/gouvernance/seances/{seance.pk}/clore/")
    visite.capture("confirmation-cloture")
    cliquer(page, page.get_by_role("button", name="Confirmer la clôture"))
    decision = Decision.objects.get(point__seance=seance)
    assert decision.resultat == "retenu" and decision.programme
    projet.refresh_from_db()
    assert projet.statut == Statut.PROGRAMME
    visite.capture("seance-close")

    # 5. The Région's dashboard shows the new programmed amount.
    changer_d_utilisateur(visite, "agent.region")
    visite.ouvrir("/financement/signataires/region/")
    assert "400\u202f000,00\u00a0€" in page.inner_text("#montant-programme")
    visite.capture("tableau-de-bord-region")
    verifier_accessibilite(page)
