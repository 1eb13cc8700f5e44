"""The journeys of issue 8 in a real Chromium: a porteur files a dossier, refused once for an
unbalanced plan; an agent records a commitment and a payment, then tries to commit too much.
Screenshots of each step go to test-artefacts/e2e/<test>/."""

import pytest

from axes.models import Noeud, Signataire
from comptes.models import Organisation, Role
from financement.models import Engagement, LigneProgrammee, Paiement
from financement.services import projet_programmer
from projets.models import Projet, Statut
from projets.services import projet_creer
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]


def test_parcours_1_un_porteur_depose_un_dossier_a_trois_lignes(visite, creer_utilisateur):
    universite = Organisation.objects.create(nom="Université du Littoral Côte d'Opale")
    creer_utilisateur("porteur.ulco", role=Role.PORTEUR, organisation=universite)
    page = visite.page
    se_connecter(page, visite.url_base, "porteur.ulco", MOT_DE_PASSE)
    visite.ouvrir("/projets/nouveau/")
    visite.capture("formulaire-vide")

    page.fill("#id_titre", "Halle technologique de Boulogne-sur-Mer")
    page.fill("#id_description", "Plateau technique partagé pour la filière halieutique.")
    page.select_option("#id_mesure", value=str(Noeud.objects.get(code="IV.2.3.a").pk))
    page.locator("label", has_text="Pas-de-Calais (62)").click()
    page.fill("#id_communes", "62160 Boulogne-sur-Mer")
    page.fill("#id_date_debut", "2026-09-01")
    page.fill("#id_date_fin", "2027-12-31")
    page.select_option("#id_phases-0-type", "travaux")
    page.select_option("#id_phases-0-annee_debut", "2026")
    page.select_option("#id_phases-0-annee_fin", "2027")
    page.fill("#id_cout_total_ht", "3 000 000,00")
    region, etat = Signataire.objects.get(code="region"), Signataire.objects.get(code="etat")
    page.select_option("#id_lignes-0-financeur", f"sig:{region.pk}")
    page.fill("#id_lignes-0-montant", "1 200 000,00")
    page.select_option("#id_lignes-1-financeur", f"sig:{etat.pk}")
    page.fill("#id_lignes-1-montant", "1 000 000,00")
    # The row is added in the page (no reload), the focus on its first field.
    adresse = page.url
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.wait_for_selector("#id_lignes-2-financeur")
    assert page.url == adresse
    assert page.evaluate("document.activeElement.id") == "id_lignes-2-financeur"
    assert page.input_value("#id_lignes-0-montant") == "1 200 000,00"
    page.select_option("#id_lignes-2-financeur", "src:fonds_propres")
    # the nature is left « selon le financeur »: own funds are hors CPER without asking
    assert page.input_value("#id_lignes-2-nature") == ""
    page.fill("#id_lignes-2-montant", "700 000,00")  # 100 000,00 short
    total = page.inner_text("#total-plan")
    assert "Total du plan : 2 900 000,00 €" in total
    assert "il manque 100 000,00 €" in total
    for principe in ("decarbonation", "impact_environnemental", "egalite_femmes_hommes"):
        page.select_option(f"#id_{principe}", "favorable")
        page.fill(f"#id_{principe}_justification", "Expliqué dans la note jointe.")
    visite.capture("formulaire-rempli")

    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer et déposer").click()
    # The error summary at the top, focused, links to the plan's table.
    assert page.evaluate("document.activeElement.id") == "resume-erreurs"
    assert page.locator('#resume-erreurs a[href="#table-lignes"]').count() == 1
    erreur = page.locator("#erreurs-lignes")
    assert erreur.is_visible()
    assert "n'est pas équilibré" in erreur.inner_text()
    assert "il manque 100\u202f000,00\u00a0€" in erreur.inner_text()
    assert not Projet.objects.filter(titre__startswith="Halle technologique").exists()
    visite.capture("refus-plan-desequilibre")
    verifier_accessibilite(page)

    page.fill("#id_lignes-2-montant", "800 000,00")
    assert "le plan est équilibré" in page.inner_text("#total-plan")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer et déposer").click()
    assert "Déposé" in page.inner_text("main")
    projet = Projet.objects.get(titre__startswith="Halle technologique")
    assert projet.statut == Statut.DEPOSE
    assert projet.maitre_ouvrage == universite
    assert projet.lignes_financement.count() == 3
    visite.capture("depose")
    verifier_accessibilite(page)


def test_parcours_3_un_agent_engage_paie_puis_depasse(visite, creer_utilisateur, donnees_completes):
    region = Signataire.objects.get(code="region")
    creer_utilisateur("agent.region", role=Role.AGENT, organisation=region.organisation)
    administrateur = creer_utilisateur("admin", role=Role.ADMINISTRATEUR)
    projet = projet_creer(donnees=donnees_completes(), par=administrateur)
    Projet.objects.filter(pk=projet.pk).update(statut=Statut.RETENU)
    projet_programmer(projet=projet, par=administrateur)
    ligne = LigneProgrammee.objects.get(projet=projet, signataire=region)  # 400 000,00 €

    page = visite.page
    se_connecter(page, visite.url_base, "agent.region", MOT_DE_PASSE)
    visite.ouvrir(f"/financement/lignes/{ligne.pk}/")
    visite.capture("ligne-programmee")
    verifier_accessibilite(page)

    formulaire = page.locator("#form-engagement")
    formulaire.get_by_label("Référence de l'acte").fill("CP-2026-0412")
    formulaire.get_by_label("Montant engagé (€)").fill("250 000,00")
    with page.expect_navigation():
        formulaire.get_by_role("button", name="Enregistrer l’engagement").click()
    assert "Engagement enregistré." in page.inner_text("main")
    visite.capture("engagement-enregistre")
    engagement = Engagement.objects.get(ligne=ligne)

    paiement = page.locator(f"#engagement-{engagement.pk} form")
    paiement.get_by_label("Montant payé (€)").fill("100 000,00")
    paiement.get_by_label("Référence du mandat").fill("MANDAT-9")
    with page.expect_navigation():
        paiement.get_by_role("button", name="Enregistrer le paiement").click()
    assert "Paiement enregistré." in page.inner_text("main")
    assert Paiement.objects.get().montant == 100000
    visite.capture("paiement-enregistre")

    formulaire = page.locator("#form-engagement")
    formulaire.get_by_label("Référence de l'acte").fill("CP-2026-0413")
    formulaire.get_by_label("Montant engagé (€)").fill("150 000,01")
    with page.expect_navigation():
        formulaire.get_by_role("button", name="Enregistrer l’engagement").click()
    texte = page.inner_text("#form-engagement")
    assert "150\u202f000,00\u00a0€ disponibles sur 400\u202f000,00\u00a0€ programmés" in texte
    assert Engagement.objects.count() == 1
    visite.capture("depassement-refuse")
    verifier_accessibilite(page)

    visite.ouvrir("/financement/signataires/region/")
    assert "250\u202f000,00\u00a0€" in page.inner_text("#montant-engage")
    assert "100\u202f000,00\u00a0€" in page.inner_text("#montant-paye")
    visite.capture("tableau-de-bord-signataire")
