"""The journey of issue 16 in a real Chromium: the porteur of a programmed dossier declares its
progress and files an advance with a statement of expenses; the État's agent accepts 80 % of
it; the ledger pays exactly that; the balance with the final statement closes the État's line
and releases the unspent remainder; once the Région's line is closed too the dossier is
« soldé », with the totals to the cent on the signatory's page and in the open data.
Screenshots of each step go to test-artefacts/e2e/<test>/."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from axes.models import Signataire
from comptes.models import Role
from financement.execution import DepenseSaisie, demande_accepter, demande_deposer
from financement.models import DemandePaiement, JournalFinancier, LigneProgrammee, Paiement
from financement.services import engagement_enregistrer, projet_programmer
from projets.models import Projet, Statut
from projets.services import projet_creer
from socle.montants import format_euros
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite
from tests.factories.projets import dater_la_programmation

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]


def euros(montant: str) -> str:
    return format_euros(Decimal(montant))


def engager(ligne, par, montant):
    engagement_enregistrer(
        ligne=ligne,
        par=par,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference=f"CONV-{ligne.signataire.code}",
        montant=Decimal(montant),
        annee_budgetaire=2026,
    )


def remplir_facture(page, rang, fournisseur, date_facture, ht, ttc, eligible):
    page.fill(f"#id_depenses-{rang}-fournisseur", fournisseur)
    page.fill(f"#id_depenses-{rang}-date_facture", date_facture)
    page.fill(f"#id_depenses-{rang}-montant_ht", ht)
    page.fill(f"#id_depenses-{rang}-montant_ttc", ttc)
    page.fill(f"#id_depenses-{rang}-montant_eligible", eligible)


def test_parcours_execution_avance_a_80_pour_cent_solde_et_dossier_solde(
    visite, creer_utilisateur, universite, donnees_completes
):
    porteur = creer_utilisateur("porteur.univ", role=Role.PORTEUR, organisation=universite)
    etat, region = Signataire.objects.get(code="etat"), Signataire.objects.get(code="region")
    agent_etat = creer_utilisateur("agent.etat", role=Role.AGENT, organisation=etat.organisation)
    agent_region = creer_utilisateur(
        "agent.region", role=Role.AGENT, organisation=region.organisation
    )
    administrateur = creer_utilisateur("admin", role=Role.ADMINISTRATEUR)
    projet = projet_creer(donnees=donnees_completes(maitre_ouvrage=universite), par=porteur)
    Projet.objects.filter(pk=projet.pk).update(statut=Statut.RETENU)
    dater_la_programmation(
        projet_programmer(projet=Projet.objects.get(pk=projet.pk), par=administrateur)
    )
    ligne_etat = LigneProgrammee.objects.get(projet=projet, signataire=etat)  # 350 000,00 €
    ligne_region = LigneProgrammee.objects.get(projet=projet, signataire=region)
    engager(ligne_etat, agent_etat, "350000.00")
    engager(ligne_region, agent_region, "400000.00")

    page = visite.page
    # 1. The porteur's dashboard leads to the execution page; it declares its progress.
    se_connecter(page, visite.url_base, "porteur.univ", MOT_DE_PASSE)
    visite.ouvrir("/tableau-de-bord/")
    with page.expect_navigation():
        page.get_by_role("link", name="Déclarer l’avancement et les dépenses").click()
    assert f"Exécution du dossier {projet.reference}" in page.inner_text("h1")
    assert "réglage fixé par le secrétariat" in page.inner_text("#regles-execution")
    visite.capture("page-execution")
    verifier_accessibilite(page)
    formulaire = page.locator("#form-avancement")
    formulaire.get_by_label("Étape atteinte").select_option("travaux")
    formulaire.get_by_label("Avancement des travaux (%)").fill("25")
    with page.expect_navigation():
        formulaire.get_by_role("button", name="Déclarer l’avancement").click()
    assert "Avancement déclaré." in page.inner_text("main")
    assert "travaux réalisés à 25" in page.inner_text("#avancement-courant")

    # 2. An advance of 100 000,00 € to the État, with a statement of two invoices.
    with page.expect_navigation():
        page.get_by_role("link", name="Demander un paiement à l’État").click()
    page.get_by_label("Nature de la demande").select_option("avance")
    page.get_by_label("Montant demandé (€)").fill("100 000,00")
    remplir_facture(page, 0, "Bâtiments du Nord", "2026-05-04", "120 000", "144 000", "120 000")
    remplir_facture(page, 1, "Études Artois", "2026-05-20", "80 000", "96 000", "80 000")
    visite.capture("demande-avance")
    verifier_accessibilite(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Déposer la demande").click()
    assert "Demande déposée" in page.inner_text("main")
    demande = DemandePaiement.objects.get(ligne=ligne_etat)
    assert demande.depenses.count() == 2

    # 3. The État's agent accepts 80 % of it, with the reason.
    page.context.clear_cookies()
    se_connecter(page, visite.url_base, "agent.etat", MOT_DE_PASSE)
    visite.ouvrir(f"/financement/demandes/{demande.pk}/")
    assert euros("105000.00") in page.inner_text("#plafond-acceptation")
    verifier_accessibilite(page)
    formulaire = page.locator("#form-instruction")
    formulaire.locator("input[name=decision][value=accepter]").check(force=True)
    formulaire.get_by_label("Montant accepté (€)").fill("80 000,00")
    formulaire.get_by_label("Motif").fill("Avance limitée : devis du lot 2 non signé.")
    with page.expect_navigation():
        formulaire.get_by_role("button", name="Enregistrer la décision").click()
    assert "Décision enregistrée" in page.inner_text("main")
    assert page.inner_text("#statut-demande") == "Acceptée en partie"
    assert euros("80000.00") in page.inner_text("#paiements")
    visite.capture("avance-acceptee-80")
    # The ledger paid exactly that.
    assert [p.montant for p in Paiement.objects.filter(engagement__ligne=ligne_etat)] == [
        Decimal("80000.00")
    ]

    # 4. The porteur files the balance with the final statement: 900 000,00 € eligible in all,
    #    35 % of it is 315 000,00 €, 80 000,00 € already paid → 235 000,00 €.
    page.context.clear_cookies()
    se_connecter(page, visite.url_base, "porteur.univ", MOT_DE_PASSE)
    visite.ouvrir(f"/financement/lignes/{ligne_etat.pk}/demander/")
    page.get_by_label("Nature de la demande").select_option("solde")
    page.get_by_label("Montant demandé (€)").fill("235 000,00")
    remplir_facture(page, 0, "Bâtiments du Nord", "2026-11-30", "700 000", "840 000", "700 000")
    with page.expect_navigation():
        page.get_by_role("button", name="Déposer la demande").click()
    # Without the final statement the balance is refused, next to the field.
    assert "état récapitulatif final" in page.inner_text("#form-demande")
    assert DemandePaiement.objects.filter(ligne=ligne_etat).count() == 1
    visite.capture("solde-sans-etat-final")
    page.get_by_label("Nature de la demande").select_option("solde")
    page.get_by_label("Montant demandé (€)").fill("235 000,00")
    remplir_facture(page, 0, "Bâtiments du Nord", "2026-11-30", "700 000", "840 000", "700 000")
    page.locator("#id_etat_final").check(force=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Déposer la demande").click()
    assert "Demande déposée" in page.inner_text("main")
    solde = DemandePaiement.objects.get(ligne=ligne_etat, type="solde")

    # 5. The État's agent accepts the balance: the line is closed, 35 000,00 € released.
    page.context.clear_cookies()
    se_connecter(page, visite.url_base, "agent.etat", MOT_DE_PASSE)
    visite.ouvrir(f"/financement/demandes/{solde.pk}/")
    formulaire = page.locator("#form-instruction")
    formulaire.locator("input[name=decision][value=accepter]").check(force=True)
    formulaire.get_by_label("Montant accepté (€)").fill("235 000,00")
    with page.expect_navigation():
        formulaire.get_by_role("button", name="Enregistrer la décision").click()
    assert "Ligne soldée" in page.inner_text("#etapes-demande")
    visite.capture("solde-accepte")
    ligne_etat.refresh_from_db()
    assert (ligne_etat.montant_paye, ligne_etat.montant_degage) == (
        Decimal("315000.00"),
        Decimal("35000.00"),
    )
    assert JournalFinancier.objects.get(type="degagement", signataire=etat).montant == Decimal(
        "35000.00"
    )
    visite.ouvrir(f"/financement/projets/{projet.reference}/execution/")
    assert "ligne soldée" in page.inner_text("#ligne-etat").lower()  # a badge, in capitals
    assert euros("35000.00") in page.inner_text("#degage-etat")
    assert page.inner_text("#statut-projet") == "En cours"  # the Région's line is still open

    # 6. The Région's balance (through the use-cases): every line is closed, the dossier soldé.
    solde_region = demande_deposer(
        ligne=ligne_region,
        par=porteur,
        type_="solde",
        montant=Decimal("360000.00"),
        depenses=[
            DepenseSaisie(
                "Bâtiments du Nord",
                date(2026, 11, 30),
                Decimal("900000.00"),
                Decimal("1080000.00"),
                Decimal("900000.00"),
            )
        ],
        etat_final=True,
    )
    demande_accepter(demande=solde_region, par=agent_region, montant=Decimal("360000.00"))
    visite.ouvrir(f"/projets/{projet.reference}/")
    assert Projet.objects.get(pk=projet.pk).statut == Statut.SOLDE
    assert "soldé" in page.inner_text("main").lower()
    visite.capture("dossier-solde")

    # 7. The totals to the cent: the signatory's page and the open data.
    visite.ouvrir("/financement/signataires/etat/")
    etat.enveloppe.refresh_from_db()
    assert page.inner_text("#montant-paye") == format_euros(etat.enveloppe.montant_paye)
    assert etat.enveloppe.montant_paye == Decimal("315000.00")
    visite.capture("page-signataire")
    reponse = page.request.get(f"{visite.url_base}/api/v1/donnees/projets-programmes.csv")
    rangees = [
        r
        for r in csv.DictReader(io.StringIO(reponse.text()))
        if r["reference_projet"] == projet.reference
    ]
    par_financeur = {r["code_financeur"]: r for r in rangees}
    assert (par_financeur["etat"]["montant_paye"], par_financeur["etat"]["montant_degage"]) == (
        "315000.00",
        "35000.00",
    )
    assert par_financeur["region"]["statut"] == "solde"
