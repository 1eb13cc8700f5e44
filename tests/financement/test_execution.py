"""Execution by the porteur (issue 16): payment requests to each funder, instructed by that
funder's agents, paid through the ledger to the cent; the balance closes the line and releases
the remainder; the dossier is « soldé » when every line is closed. Refusals write nothing.

The test dossier: eligible cost 1 000 000,00 €, Région 400 000,00 € (40 %), État 350 000,00 €
(35 %); advances at most 30 % of the share, instalments up to 80 % (the default settings)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from axes.selectors import contrat_courant
from comptes.models import Role
from financement.donnees_ouvertes import rangees_projets_programmes
from financement.execution import (
    DepenseSaisie,
    demande_accepter,
    demande_completer,
    demande_demander_complements,
    demande_deposer,
    demande_refuser,
    ligne_soldee,
    plafond,
)
from financement.models import (
    DemandePaiement,
    Engagement,
    Enveloppe,
    EvenementDemande,
    JournalFinancier,
    LigneProgrammee,
    Paiement,
)
from financement.services import engagement_enregistrer
from projets.execution import AvancementSaisi, avancement_declarer
from projets.models import DeclarationAvancement, Document, Projet, Statut
from rapports.selectors import donnees_bilan
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from socle.montants import format_euros


def euros(montant: str) -> str:
    return format_euros(Decimal(montant))


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def facture(eligible: str, fournisseur="Bâtiments du Nord", le=date(2026, 5, 4)) -> DepenseSaisie:
    montant = Decimal(eligible)
    return DepenseSaisie(fournisseur, le, montant, montant * Decimal("1.2"), montant)


def ligne_de(projet, code) -> LigneProgrammee:
    return LigneProgrammee.objects.get(projet=projet, signataire__code=code)


def engager(ligne, par, montant):
    return engagement_enregistrer(
        ligne=ligne,
        par=par,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference=f"CONV-{ligne.signataire.code}",
        montant=Decimal(montant),
        annee_budgetaire=2026,
    )


@pytest.fixture
def ligne_etat(projet_programme, agent_etat):
    ligne = ligne_de(projet_programme, "etat")
    engager(ligne, agent_etat, "350000.00")
    return ligne


def empreinte():
    """Everything a request, its instruction or its payment could write."""
    return (
        DemandePaiement.objects.count(),
        list(DemandePaiement.objects.values_list("statut", "montant_accepte").order_by("pk")),
        EvenementDemande.objects.count(),
        Paiement.objects.count(),
        JournalFinancier.objects.count(),
        Document.objects.count(),
        list(LigneProgrammee.objects.values_list("montant_paye", "montant_degage").order_by("pk")),
        list(Projet.objects.values_list("statut", flat=True)),
    )


def deposer_avance(ligne, porteur, montant="100000.00"):
    return demande_deposer(
        ligne=ligne,
        par=porteur,
        type_="avance",
        montant=Decimal(montant),
        depenses=[facture("120000.00"), facture("80000.00", "Études Artois")],
        commentaire="Démarrage du chantier.",
        fichiers=[SimpleUploadedFile("etat-depenses.pdf", PDF)],
    )


def test_le_parcours_avance_acceptee_a_80_pour_cent_puis_solde_qui_solde_le_dossier(
    client, porteur, agent, agent_etat, ligne_etat, django_capture_on_commit_callbacks
):
    porteur.email, agent_etat.email = "porteur@univ.test", "agent@etat.test"
    porteur.save(), agent_etat.save()
    projet = ligne_etat.projet
    enveloppe_etat = Enveloppe.objects.get(signataire__code="etat")
    paye_avant = enveloppe_etat.montant_paye

    with django_capture_on_commit_callbacks(execute=True):
        demande = deposer_avance(ligne_etat, porteur)
    assert demande.statut == "deposee"
    assert [m.to for m in mail.outbox] == [["agent@etat.test"]]
    assert "Demande de paiement (avance) déposée" in mail.outbox[0].subject
    assert demande.documents.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        demande = demande_accepter(
            demande=demande,
            par=agent_etat,
            montant=Decimal("80000.00"),
            motif="Avance limitée à 80 % : devis non signé pour le lot 2.",
        )
    assert demande.libelle_statut == "Acceptée en partie"
    assert mail.outbox[-1].to == ["porteur@univ.test"]
    assert "acceptée en partie" in mail.outbox[-1].subject
    paiement = Paiement.objects.get(engagement__ligne=ligne_etat)
    assert (paiement.montant, paiement.type) == (Decimal("80000.00"), "avance")
    assert list(demande.paiements.all()) == [paiement]
    ligne_etat.refresh_from_db()
    assert ligne_etat.montant_paye == Decimal("80000.00")
    enveloppe_etat.refresh_from_db()
    assert enveloppe_etat.montant_paye - paye_avant == Decimal("80000.00")
    assert JournalFinancier.objects.filter(type="paiement", projet=projet).get().montant == Decimal(
        "80000.00"
    )
    assert Projet.objects.get(pk=projet.pk).statut == Statut.EN_COURS

    # The balance: 200 000 + 700 000 = 900 000,00 € eligible, 35 % is 315 000,00 €, 80 000 paid.
    solde = demande_deposer(
        ligne=ligne_etat,
        par=porteur,
        type_="solde",
        montant=Decimal("235000.00"),
        depenses=[facture("700000.00")],
        etat_final=True,
    )
    demande_accepter(demande=solde, par=agent_etat, montant=Decimal("235000.00"))
    ligne_etat.refresh_from_db()
    assert (ligne_etat.montant_paye, ligne_etat.montant_degage, ligne_etat.montant_programme) == (
        Decimal("315000.00"),
        Decimal("35000.00"),
        Decimal("315000.00"),
    )
    assert ligne_soldee(ligne_etat)
    degagement = JournalFinancier.objects.get(type="degagement", signataire__code="etat")
    assert degagement.montant == Decimal("35000.00")
    assert Engagement.objects.get(ligne=ligne_etat).montant_degage == Decimal("35000.00")
    assert Projet.objects.get(pk=projet.pk).statut == Statut.EN_COURS  # the Région's line is open

    ligne_region = ligne_de(projet, "region")
    engager(ligne_region, agent, "400000.00")
    solde_region = demande_deposer(
        ligne=ligne_region,
        par=porteur,
        type_="solde",
        montant=Decimal("360000.00"),
        depenses=[facture("900000.00")],
        etat_final=True,
    )
    demande_accepter(demande=solde_region, par=agent, montant=Decimal("360000.00"))
    projet = Projet.objects.get(pk=projet.pk)
    assert projet.statut == Statut.SOLDE
    ligne_region.refresh_from_db()
    assert (ligne_region.montant_paye, ligne_region.montant_degage) == (
        Decimal("360000.00"),
        Decimal("40000.00"),
    )
    assert [e.etape for e in solde_region.evenements.all()] == [
        "deposee",
        "acceptee",
        "ligne_cloturee",
    ]

    # The totals, to the cent: the signatory's page, the bilan and the open data.
    enveloppe_etat.refresh_from_db()
    assert enveloppe_etat.montant_paye - paye_avant == Decimal("315000.00")
    client.force_login(agent_etat)
    page = client.get(reverse("financement:signataire", args=["etat"])).content.decode()
    assert f'id="montant-paye">{euros(str(enveloppe_etat.montant_paye))}<' in page
    bilan = donnees_bilan(contrat=contrat_courant(), signataire_code="etat")
    (execution_etat,) = [e for e in bilan.execution if e.code == "etat"]
    assert execution_etat.paye == enveloppe_etat.montant_paye
    rangees = {
        r["code_financeur"]: r
        for r in rangees_projets_programmes()
        if r["reference_projet"] == projet.reference
    }
    assert (rangees["etat"]["montant_paye"], rangees["etat"]["montant_degage"]) == (
        Decimal("315000.00"),
        Decimal("35000.00"),
    )
    assert (rangees["region"]["montant_paye"], rangees["region"]["statut"]) == (
        Decimal("360000.00"),
        "solde",
    )


def test_l_avance_est_plafonnee_a_30_pour_cent_de_la_part(porteur, ligne_etat):
    assert plafond(ligne=ligne_etat, type_="avance").montant == Decimal("105000.00")
    avant = empreinte()
    with pytest.raises(RegleMetierError) as refus:
        deposer_avance(ligne_etat, porteur, "105000.01")
    assert f"au plus {euros('105000.00')}" in refus.value.erreurs["montant_demande"][0]
    assert "30 %" in refus.value.erreurs["montant_demande"][0]
    assert empreinte() == avant
    assert deposer_avance(ligne_etat, porteur, "105000.00").montant_demande == Decimal("105000.00")


@pytest.mark.parametrize(
    ("taux", "plafond_attendu"), [("30", Decimal("105000.00")), ("10", Decimal("35000.00"))]
)
def test_le_taux_d_avance_est_un_reglage(settings, ligne_etat, taux, plafond_attendu):
    settings.FINANCEMENT_AVANCE_TAUX_MAXIMUM = Decimal(taux)
    assert plafond(ligne=ligne_etat, type_="avance").montant == plafond_attendu


def test_l_acompte_suit_le_prorata_des_depenses_et_le_plafond_de_80_pour_cent(porteur, ligne_etat):
    # 100 000,01 € eligible → 35 % is 35 000,00 € (rounded to the cent).
    assert plafond(
        ligne=ligne_etat, type_="acompte", depenses_en_plus=Decimal("100000.01")
    ).montant == Decimal("35000.00")
    # A huge statement: the 80 % ceiling holds (280 000,00 €).
    assert plafond(
        ligne=ligne_etat, type_="acompte", depenses_en_plus=Decimal("990000.00")
    ).montant == Decimal("280000.00")
    avant = empreinte()
    with pytest.raises(RegleMetierError) as refus:
        demande_deposer(
            ligne=ligne_etat,
            par=porteur,
            type_="acompte",
            montant=Decimal("35000.01"),
            depenses=[facture("100000.01")],
        )
    assert f"au plus {euros('35000.00')}" in refus.value.erreurs["montant_demande"][0]
    with pytest.raises(RegleMetierError) as sans_etat:
        demande_deposer(
            ligne=ligne_etat, par=porteur, type_="acompte", montant=Decimal("10"), depenses=[]
        )
    assert "état des dépenses" in sans_etat.value.erreurs["depenses"][0]
    assert empreinte() == avant


def test_le_solde_exige_l_etat_final_et_des_factures_coherentes(porteur, ligne_etat):
    avant = empreinte()
    with pytest.raises(RegleMetierError) as refus:
        demande_deposer(
            ligne=ligne_etat,
            par=porteur,
            type_="solde",
            montant=Decimal("1000.00"),
            depenses=[facture("10000.00")],
            etat_final=False,
        )
    assert "état récapitulatif final" in refus.value.erreurs["etat_final"][0]
    incoherente = DepenseSaisie("X", date(2026, 1, 1), Decimal("100"), Decimal("90"), Decimal("50"))
    with pytest.raises(RegleMetierError) as refus:
        demande_deposer(
            ligne=ligne_etat,
            par=porteur,
            type_="solde",
            montant=Decimal("10.00"),
            depenses=[incoherente],
            etat_final=True,
        )
    assert "TTC ne peut pas être inférieur au HT" in refus.value.erreurs["depenses"][0]
    assert empreinte() == avant


def test_une_seule_demande_ouverte_par_financeur(porteur, ligne_etat):
    deposer_avance(ligne_etat, porteur, "1000.00")
    avant = empreinte()
    with pytest.raises(EtatIncompatible, match="une seule demande à la fois"):
        deposer_avance(ligne_etat, porteur, "1000.00")
    assert empreinte() == avant


def test_l_acceptation_partielle_se_motive_et_ne_depasse_pas_la_demande(
    porteur, agent_etat, ligne_etat
):
    demande = deposer_avance(ligne_etat, porteur)
    avant = empreinte()
    with pytest.raises(RegleMetierError) as refus:
        demande_accepter(demande=demande, par=agent_etat, montant=Decimal("80000.00"))
    assert "se motive" in refus.value.erreurs["motif"][0]
    with pytest.raises(RegleMetierError) as refus:
        demande_accepter(demande=demande, par=agent_etat, montant=Decimal("100000.01"))
    assert "dépasse le montant demandé" in refus.value.erreurs["montant_accepte"][0]
    assert empreinte() == avant


def test_sans_engagement_rien_n_est_paye(porteur, agent, projet_programme):
    ligne_region = ligne_de(projet_programme, "region")
    demande = deposer_avance(ligne_region, porteur, "1000.00")
    avant = empreinte()
    with pytest.raises(RegleMetierError) as refus:
        demande_accepter(demande=demande, par=agent, montant=Decimal("1000.00"))
    assert (
        f"il reste {euros('0')} à payer sur ses engagements"
        in refus.value.erreurs["montant_accepte"][0]
    )
    assert empreinte() == avant


def test_complements_puis_refus(
    porteur, agent_etat, ligne_etat, django_capture_on_commit_callbacks
):
    porteur.email = "porteur@univ.test"
    porteur.save()
    demande = deposer_avance(ligne_etat, porteur, "1000.00")
    with pytest.raises(RegleMetierError):
        demande_demander_complements(demande=demande, par=agent_etat, motif=" ")
    with django_capture_on_commit_callbacks(execute=True):
        demande_demander_complements(
            demande=demande, par=agent_etat, motif="Joignez la facture du lot 1."
        )
    assert "Compléments demandés" in mail.outbox[-1].subject
    assert "Joignez la facture du lot 1." in mail.outbox[-1].body
    with pytest.raises(EtatIncompatible):
        demande_accepter(demande=demande, par=agent_etat, montant=Decimal("1000.00"))
    demande = demande_completer(
        demande=demande,
        par=porteur,
        depenses=[facture("5000.00")],
        fichiers=[SimpleUploadedFile("facture-lot-1.pdf", PDF)],
    )
    assert demande.statut == "deposee"
    assert demande.depenses.count() == 3
    demande = demande_refuser(demande=demande, par=agent_etat, motif="Dépenses hors période.")
    assert demande.statut == "refusee"
    assert Paiement.objects.count() == 0
    assert [e.etape for e in demande.evenements.all()] == [
        "deposee",
        "complements",
        "completee",
        "refusee",
    ]


def test_refus_selon_la_personne_rien_n_est_ecrit(
    porteur, porteur_autre, agent, agent_etat, creer_utilisateur, ligne_etat, lecteur
):
    from axes.models import Signataire

    agent_aisne = creer_utilisateur(
        "agent.aisne",
        role=Role.AGENT,
        organisation=Signataire.objects.get(code="aisne").organisation,
    )
    avant = empreinte()
    for intrus in (porteur_autre, agent_etat, agent_aisne, lecteur):
        with pytest.raises(ActionNonAutorisee):
            deposer_avance(ligne_etat, intrus, "1000.00")
    assert empreinte() == avant
    demande = deposer_avance(ligne_etat, porteur, "1000.00")
    avant = empreinte()
    # The Région co-funds the dossier but the request is the État's; the Aisne funds nothing.
    for intrus in (agent, agent_aisne, porteur, porteur_autre, lecteur):
        with pytest.raises(ActionNonAutorisee):
            demande_accepter(demande=demande, par=intrus, montant=Decimal("1000.00"))
        with pytest.raises(ActionNonAutorisee):
            demande_refuser(demande=demande, par=intrus, motif="Non.")
    assert empreinte() == avant


def test_le_secretariat_instruit_pour_le_financeur(porteur, administrateur, ligne_etat):
    demande = deposer_avance(ligne_etat, porteur, "1000.00")
    demande_accepter(demande=demande, par=administrateur, montant=Decimal("1000.00"))
    assert Paiement.objects.get().par == administrateur


def test_rien_apres_le_solde_de_la_ligne(porteur, agent_etat, ligne_etat):
    solde = demande_deposer(
        ligne=ligne_etat,
        par=porteur,
        type_="solde",
        montant=Decimal("3500.00"),
        depenses=[facture("10000.00")],
        etat_final=True,
    )
    demande_accepter(demande=solde, par=agent_etat, montant=Decimal("3500.00"))
    with pytest.raises(EtatIncompatible, match="soldée"):
        deposer_avance(ligne_etat, porteur, "1000.00")


@pytest.mark.parametrize(
    "instruction",
    [
        "UPDATE financement_evenementdemande SET commentaire = 'réécrit'",
        "DELETE FROM financement_evenementdemande",
        "UPDATE projets_declarationavancement SET pourcentage_travaux = 0",
        "DELETE FROM projets_declarationavancement",
    ],
)
def test_les_journaux_de_l_execution_sont_inalterables(instruction, porteur, ligne_etat):
    deposer_avance(ligne_etat, porteur, "1000.00")
    avancement_declarer(
        projet=ligne_etat.projet,
        par=porteur,
        saisie=AvancementSaisi(etape="travaux", pourcentage_travaux=40),
    )
    with (
        pytest.raises(DatabaseError, match="ne se modifie pas"),
        transaction.atomic(),
        connection.cursor() as curseur,
    ):
        curseur.execute(instruction)
    assert EvenementDemande.objects.get().etape == "deposee"
    assert DeclarationAvancement.objects.get().pourcentage_travaux == 40


def test_une_demande_acceptee_ne_paie_pas_un_engagement_date_apres_le_paiement(
    porteur, agent_etat, projet_programme
):
    """A payment follows its commitment: a commitment dated after the day of acceptance is not
    drawn on; the refusal says what is payable by that day, nothing is written."""
    ligne = ligne_de(projet_programme, "etat")
    demain = timezone.localdate() + timedelta(days=1)
    engagement_enregistrer(
        ligne=ligne,
        par=agent_etat,
        date_acte=demain,
        type_acte="convention",
        reference="CONV-DEMAIN",
        montant=Decimal("350000.00"),
        annee_budgetaire=2026,
    )
    demande = deposer_avance(ligne, porteur)
    avant = empreinte()
    with pytest.raises(RegleMetierError) as refus:
        demande_accepter(demande=demande, par=agent_etat, montant=Decimal("100000.00"))
    assert refus.value.erreurs["montant_accepte"] == [
        f"Il reste {euros('0.00')} à payer sur les engagements de l’État datés au plus tard du "
        f"{timezone.localdate():%d/%m/%Y} : enregistrez d'abord l'engagement juridique qui "
        "couvre ce paiement."
    ]
    assert empreinte() == avant
    demande_accepter(
        demande=demande, par=agent_etat, montant=Decimal("100000.00"), date_paiement=demain
    )
    assert Paiement.objects.get().date == demain
