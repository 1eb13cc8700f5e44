"""The pages of the execution (issue 16): the porteur declares its progress and files a request
with its invoices; the funder's agent decides; others are refused and nothing is written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from financement.execution import DepenseSaisie, demande_deposer
from financement.models import DemandePaiement, LigneProgrammee, Paiement
from financement.services import engagement_enregistrer
from projets.models import DeclarationAvancement
from socle.montants import format_euros

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def ligne_etat(projet_programme, agent_etat):
    ligne = LigneProgrammee.objects.get(projet=projet_programme, signataire__code="etat")
    engagement_enregistrer(
        ligne=ligne,
        par=agent_etat,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-ETAT",
        montant=Decimal("350000.00"),
        annee_budgetaire=2026,
    )
    return ligne


@pytest.fixture
def demande(ligne_etat, porteur):
    return demande_deposer(
        ligne=ligne_etat,
        par=porteur,
        type_="avance",
        montant=Decimal("100000.00"),
        depenses=[
            DepenseSaisie(
                "Bâtiments du Nord",
                date(2026, 5, 4),
                Decimal("200000.00"),
                Decimal("240000.00"),
                Decimal("200000.00"),
            )
        ],
    )


def formulaire_demande(**surcharges):
    donnees = {
        "type_": "avance",
        "montant_demande": "100 000,00",
        "commentaire": "Démarrage du chantier.",
        "depenses-TOTAL_FORMS": "3",
        "depenses-INITIAL_FORMS": "0",
        "depenses-MIN_NUM_FORMS": "0",
        "depenses-MAX_NUM_FORMS": "200",
        "depenses-0-fournisseur": "Bâtiments du Nord",
        "depenses-0-date_facture": "2026-05-04",
        "depenses-0-montant_ht": "200 000",
        "depenses-0-montant_ttc": "240 000",
        "depenses-0-montant_eligible": "200 000",
    }
    donnees.update(surcharges)
    return donnees


def test_la_page_d_execution_dit_les_regles_du_secretariat(client, porteur, projet_programme):
    client.force_login(porteur)
    reponse = client.get(reverse("financement:execution", args=[projet_programme.reference]))
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "réglage fixé par le secrétariat" in texte
    assert "au plus 30&nbsp;% de la part du financeur" in texte
    assert "80&nbsp;%" in texte
    assert "Demander un paiement à l’État" in texte
    assert "Déclarer l’avancement" in texte


def test_le_porteur_declare_l_avancement_visible_sur_le_dossier(client, porteur, projet_programme):
    client.force_login(porteur)
    url = reverse("financement:execution", args=[projet_programme.reference])
    reponse = client.post(
        url,
        {"etape": "travaux", "pourcentage_travaux": "35", "date_fin_prevue": "2027-06-30"},
    )
    assert reponse.status_code == 302
    declaration = DeclarationAvancement.objects.get(projet=projet_programme)
    assert (declaration.pourcentage_travaux, declaration.par) == (35, porteur)
    page = client.get(reverse("projets:detail", args=[projet_programme.reference])).content
    assert "Travaux en cours</strong>, travaux réalisés à 35&nbsp;%" in page.decode()
    refus = client.post(url, {"etape": "travaux", "pourcentage_travaux": "101"})
    assert refus.status_code == 400
    assert DeclarationAvancement.objects.count() == 1


def test_seul_le_porteur_declare_l_avancement(
    client, agent, porteur_autre, lecteur, projet_programme
):
    url = reverse("financement:execution", args=[projet_programme.reference])
    corps = {"etape": "travaux", "pourcentage_travaux": "35"}
    assert client.post(url, corps).status_code == 302  # anonymous: to the log-in page
    assert "connexion" in client.post(url, corps)["Location"]
    client.force_login(porteur_autre)
    assert client.post(url, corps).status_code == 404
    for intrus in (agent, lecteur):
        client.force_login(intrus)
        assert client.post(url, corps).status_code == 403
    assert DeclarationAvancement.objects.count() == 0


def test_le_porteur_depose_une_demande_avec_ses_factures(
    client, porteur, agent_etat, ligne_etat, django_capture_on_commit_callbacks
):
    agent_etat.email = "agent@etat.test"
    agent_etat.save()
    client.force_login(porteur)
    url = reverse("financement:demander", args=[ligne_etat.pk])
    assert client.get(url).status_code == 200
    donnees = formulaire_demande(justificatif=SimpleUploadedFile("etat.pdf", PDF))
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url, donnees)
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    demande = DemandePaiement.objects.get()
    assert reponse["Location"] == reverse("financement:demande", args=[demande.pk])
    assert demande.montant_demande == Decimal("100000.00")
    assert demande.depenses.get().montant_eligible == Decimal("200000.00")
    assert demande.documents.get().nom.endswith(".pdf")
    assert mail.outbox[0].to == ["agent@etat.test"]


def test_une_demande_au_dela_de_la_regle_est_refusee_pres_du_champ(client, porteur, ligne_etat):
    client.force_login(porteur)
    url = reverse("financement:demander", args=[ligne_etat.pk])
    reponse = client.post(url, formulaire_demande(montant_demande="105 000,01"))
    assert reponse.status_code == 400
    texte = reponse.content.decode()
    assert f"au plus {format_euros(Decimal('105000.00'))}" in texte
    incoherente = client.post(
        url, formulaire_demande(**{"depenses-0-montant_ttc": "100 000"})
    ).content.decode()
    assert "le montant TTC ne peut pas être inférieur au HT" in incoherente
    assert DemandePaiement.objects.count() == 0


def test_l_agent_du_financeur_accepte_en_partie(client, agent_etat, demande):
    client.force_login(agent_etat)
    page = client.get(reverse("financement:demande", args=[demande.pk])).content.decode()
    assert "Instruire la demande" in page
    url = reverse("financement:demande_instruire", args=[demande.pk])
    sans_motif = client.post(url, {"decision": "accepter", "montant_accepte": "80 000"})
    assert sans_motif.status_code == 400
    assert "Une acceptation partielle se motive" in sans_motif.content.decode()
    reponse = client.post(
        url, {"decision": "accepter", "montant_accepte": "80 000", "motif": "Lot 2 non signé."}
    )
    assert reponse.status_code == 302
    assert Paiement.objects.get().montant == Decimal("80000.00")
    page = client.get(reverse("financement:demande", args=[demande.pk])).content.decode()
    assert "Acceptée en partie" in page
    assert "Instruire la demande" not in page


def test_un_autre_financeur_ni_le_porteur_n_instruisent(
    client, agent, porteur, porteur_autre, lecteur, demande
):
    url = reverse("financement:demande_instruire", args=[demande.pk])
    corps = {"decision": "accepter", "montant_accepte": "100 000"}
    assert "connexion" in client.post(url, corps)["Location"]
    client.force_login(porteur_autre)
    assert client.post(url, corps).status_code == 404
    assert client.get(reverse("financement:demande", args=[demande.pk])).status_code == 404
    for intrus in (agent, porteur, lecteur):
        client.force_login(intrus)
        assert client.post(url, corps).status_code == 403
    demande.refresh_from_db()
    assert demande.statut == "deposee"
    assert Paiement.objects.count() == 0


def test_le_tableau_de_bord_du_porteur_mene_a_l_execution(client, porteur, projet_programme):
    client.force_login(porteur)
    page = client.get(reverse("tableau_de_bord")).content.decode()
    assert "déclarez l&#x27;avancement et les dépenses" in page
    assert reverse("financement:execution", args=[projet_programme.reference]) in page
