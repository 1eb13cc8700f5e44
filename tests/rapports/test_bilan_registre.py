"""The bilan prints the ledger's figures, to the cent, read back from the PDF."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from axes.selectors import contrat_courant
from financement.models import Enveloppe
from financement.services import credits_ouvrir, engagement_enregistrer, paiement_enregistrer
from rapports.pdf import document_pdf
from rapports.selectors import donnees_bilan
from socle.montants import format_euros
from tests.rapports.outils import nombre_pages, normaliser, texte_pdf


def euros(montant) -> str:
    return normaliser(format_euros(Decimal(montant)))


def rendre(signataire_code=None) -> bytes:
    with translation.override("fr"):
        donnees = donnees_bilan(contrat=contrat_courant(), signataire_code=signataire_code)
        return document_pdf(gabarit="rapports/bilan_execution.html", contexte={"bilan": donnees})


@pytest.fixture
def registre(ligne_region, agent):
    """Région: 400 000,00 programmed, 250 000,00 committed (budget 2026), 123 456,78 paid on
    15 January 2027; État: 350 000,00 programmed, nothing committed."""
    credits_ouvrir(
        signataire=ligne_region.signataire, annee=2026, montant=Decimal("300000.00"), par=agent
    )
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-017",
        montant=Decimal("250000.00"),
        annee_budgetaire=2026,
    )
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2027, 1, 15),
        montant=Decimal("123456.78"),
        type_="avance",
        reference="MANDAT-1",
    )
    return ligne_region


def test_le_bilan_donne_programme_engage_paye_et_disponible_par_signataire_au_centime(registre):
    texte = texte_pdf(rendre())
    region = Enveloppe.objects.get(signataire__code="region")
    etat = Enveloppe.objects.get(signataire__code="etat")
    assert (
        f"Région Hauts-de-France {euros(region.montant)} {euros('400000')} {euros('250000')} "
        f"{euros('123456.78')} {euros(region.montant - Decimal('400000'))}"
    ) in texte
    assert (
        f"État {euros(etat.montant)} {euros('350000')} {euros(0)} {euros(0)} "
        f"{euros(etat.montant - Decimal('350000'))}"
    ) in texte
    assert (
        f"Total du contrat {euros('2759563000')} {euros('750000')} {euros('250000')} "
        f"{euros('123456.78')} {euros(Decimal('2759563000') - Decimal('750000'))}"
    ) in texte
    # Rates: payé / engagé = 123 456,78 / 250 000,00 = 49,4 %
    assert "49,4 %" in texte


def test_le_bilan_ventile_par_signataire_et_axe_par_axe_par_departement_et_par_annee(registre):
    texte = texte_pdf(rendre())
    axe_iv = f"{euros('400000')} {euros('250000')} {euros('123456.78')}"
    assert (
        f"Région Hauts-de-France\nAxe IV – Développer l'attractivité de la région {axe_iv}" in texte
    )
    assert f"État\nAxe IV – Développer l'attractivité de la région {euros('350000')}" in texte
    assert f"Axe IV – Développer l'attractivité de la région {euros('750000')}" in texte
    assert f"Total {euros('750000')} {euros('250000')} {euros('123456.78')}" in texte
    assert f"Nord (59) {euros('750000')} {euros('250000')} {euros('123456.78')}" in texte
    assert f"Somme (80) {euros(0)} {euros(0)} {euros(0)}" in texte
    # Commitments by budget year (2026), payments by calendar year (2027).
    assert f"2026 {euros('250000')} {euros(0)}" in texte
    assert f"2027 {euros(0)} {euros('123456.78')}" in texte
    assert "La parité État-Région du Canal Seine-Nord Europe" in texte
    assert "Aucun montant n'est encore programmé sur le Canal Seine-Nord Europe." in texte
    # The programme tree carries the amounts down to the measure of the dossier.
    assert "IV.2.1.a" in texte


def test_le_bilan_d_un_signataire_montre_son_enveloppe_ses_annees_et_ses_lignes(registre):
    texte = texte_pdf(rendre("region"))
    region = Enveloppe.objects.get(signataire__code="region")
    projet = registre.projet
    assert (
        f"Région Hauts-de-France {euros(region.montant)} {euros('400000')} {euros('250000')} "
        f"{euros('123456.78')}"
    ) in texte
    # 2026: 300 000,00 opened, 250 000,00 committed, nothing paid, 50 000,00 left.
    assert f"2026 {euros('300000')} {euros('250000')} {euros(0)} {euros('50000')}" in texte
    assert f"{projet.reference}" in texte
    assert (
        f"IV.2.1.a {euros('400000')} {euros('250000')} {euros('123456.78')} {euros('150000')}"
    ) in texte
    assert "Les lignes programmées" in texte
    assert euros("350000") not in texte  # the État's line is not in the Région's bilan
    assert "Par département" not in texte


@pytest.mark.lent
def test_le_bilan_avec_registre_reste_sous_0_6_seconde_par_page(registre):
    debut = time.perf_counter()
    pdf = rendre()
    duree = time.perf_counter() - debut
    pages = nombre_pages(pdf)
    print(f"bilan : {pages} pages, {duree:.2f} s, {duree / pages:.3f} s/page")
    assert duree / pages < 0.6


def test_le_bilan_nomme_l_avenant_qui_fixe_une_enveloppe(administrateur):
    from django.utils import timezone

    from axes.models import Signataire
    from financement.services import avenant_creer, avenant_mettre_en_vigueur
    from tests.financement.test_avenants import approuver_par_tous

    region = Signataire.objects.get(code="region")
    avenant = avenant_creer(
        numero=2,
        titre="Avenant mobilités",
        justification="Volet mobilités 2023-2027.",
        initie_par=region,
        enveloppes={region: Decimal("1045212000.50")},
        par=administrateur,
    )
    approuver_par_tous(avenant, administrateur)
    avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=timezone.localdate())
    bilan = donnees_bilan(contrat=contrat_courant())
    assert {ligne.signataire.code: ligne.avenant for ligne in bilan.signataires} == {
        s.code: (2 if s.code == "region" else None) for s in Signataire.objects.all()
    }
    texte = texte_pdf(rendre())
    assert texte.count("fixée par l'avenant n° 2") == 1
