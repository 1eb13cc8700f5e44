"""The execution's API (issue 16) keeps the pages' rules: the porteur asks, the line's
signatory decides, amounts travel as exact decimal strings, a refusal is a field-keyed 400 (or
403/409) and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest

from financement.models import DemandePaiement, LigneProgrammee, Paiement
from financement.services import engagement_enregistrer
from projets.models import DeclarationAvancement

FACTURE = {
    "fournisseur": "Bâtiments du Nord",
    "date_facture": "2026-05-04",
    "montant_ht": "200000.00",
    "montant_ttc": "240000.00",
    "montant_eligible": "200000.00",
}


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


def url_demandes(ligne):
    return f"/api/v1/financement/lignes/{ligne.pk}/demandes-paiement/"


def test_le_porteur_demande_et_l_agent_accepte_80_pour_cent(
    client, porteur, agent_etat, ligne_etat
):
    client.force_login(porteur)
    plafonds = client.get(url_demandes(ligne_etat)).json()["plafonds"]
    assert {p["type"]: p["montant"] for p in plafonds}["avance"] == "105000.00"
    reponse = client.post(
        url_demandes(ligne_etat),
        {"type": "avance", "montant_demande": "100000.00", "depenses": [FACTURE]},
        content_type="application/json",
    )
    assert reponse.status_code == 201, reponse.json()
    demande = reponse.json()
    assert (demande["statut"], demande["montant_demande"]) == ("deposee", "100000.00")
    assert demande["depenses"][0]["montant_eligible"] == "200000.00"

    client.force_login(agent_etat)
    url = f"/api/v1/financement/demandes-paiement/{demande['id']}/instruction/"
    sans_motif = client.post(
        url,
        {"decision": "accepter", "montant_accepte": "80000.00"},
        content_type="application/json",
    )
    assert sans_motif.status_code == 400
    assert "motif" in sans_motif.json()
    reponse = client.post(
        url,
        {"decision": "accepter", "montant_accepte": "80000.00", "motif": "Lot 2 non signé."},
        content_type="application/json",
    )
    assert reponse.status_code == 200, reponse.json()
    assert (reponse.json()["statut"], reponse.json()["montant_accepte"]) == (
        "acceptee",
        "80000.00",
    )
    assert Paiement.objects.get().montant == Decimal("80000.00")


def test_au_dela_de_la_regle_un_400_par_champ_sans_rien_ecrire(client, porteur, ligne_etat):
    client.force_login(porteur)
    reponse = client.post(
        url_demandes(ligne_etat),
        {"type": "avance", "montant_demande": "105000.01"},
        content_type="application/json",
    )
    assert reponse.status_code == 400
    assert "au plus" in str(reponse.json()["montant_demande"])
    solde = client.post(
        url_demandes(ligne_etat),
        {"type": "solde", "montant_demande": "10.00", "depenses": [FACTURE]},
        content_type="application/json",
    )
    assert solde.status_code == 400
    assert "etat_final" in solde.json()
    assert DemandePaiement.objects.count() == 0


def test_l_avancement_par_l_api(client, porteur, agent, projet_programme):
    url = f"/api/v1/projets/{projet_programme.reference}/avancements/"
    corps = {"etape": "travaux", "pourcentage_travaux": 40, "date_fin_prevue": "2027-06-30"}
    client.force_login(agent)
    assert client.post(url, corps, content_type="application/json").status_code == 403
    client.force_login(porteur)
    trop = client.post(
        url, {"etape": "travaux", "pourcentage_travaux": 140}, content_type="application/json"
    )
    assert trop.status_code == 400 and "pourcentage_travaux" in trop.json()
    assert client.post(url, corps, content_type="application/json").status_code == 201
    assert client.get(url).json()[0]["pourcentage_travaux"] == 40
    assert DeclarationAvancement.objects.count() == 1
