"""The ledger through the API: 201, 400 keyed by field with the available amount, 403, 404."""

from decimal import Decimal

from financement.models import Engagement, Paiement

ENGAGEMENT = {
    "date_acte": "2026-03-01",
    "type_acte": "arrete",
    "reference": "ARR-2026-5",
    "montant": "300000.00",
    "annee_budgetaire": 2026,
}


def test_engager_et_payer_par_l_api(client, agent, ligne_region):
    client.force_login(agent)
    reponse = client.post(
        f"/api/v1/financement/lignes/{ligne_region.pk}/engagements/",
        ENGAGEMENT,
        content_type="application/json",
    )
    assert reponse.status_code == 201, reponse.json()
    engagement = reponse.json()
    assert engagement["montant"] == "300000.00"
    reponse = client.post(
        f"/api/v1/financement/engagements/{engagement['id']}/paiements/",
        {"date": "2026-04-01", "montant": "299999.99", "type": "acompte"},
        content_type="application/json",
    )
    assert reponse.status_code == 201
    signataires = {s["code"]: s for s in client.get("/api/v1/signataires/").json()}
    region = signataires["region"]
    assert (region["programme"], region["engage"], region["paye"]) == (
        "400000.00",
        "300000.00",
        "299999.99",
    )
    assert region["disponible"] == "994812000.00"
    liste = client.get("/api/v1/financement/engagements/?signataire=region").json()
    assert liste["count"] == 1 and liste["results"][0]["paiements"][0]["montant"] == "299999.99"


def test_un_depassement_repond_400_avec_le_disponible(client, agent, ligne_region):
    client.force_login(agent)
    reponse = client.post(
        f"/api/v1/financement/lignes/{ligne_region.pk}/engagements/",
        {**ENGAGEMENT, "montant": "400000.01"},
        content_type="application/json",
    )
    assert reponse.status_code == 400
    assert "400\u202f000,00\u00a0€ disponibles" in reponse.json()["montant"][0]
    assert not Engagement.objects.exists()


def test_une_saisie_invalide_repond_400_par_champ(client, agent, ligne_region):
    client.force_login(agent)
    reponse = client.post(
        f"/api/v1/financement/lignes/{ligne_region.pk}/engagements/",
        {**ENGAGEMENT, "montant": "beaucoup", "type_acte": "promesse"},
        content_type="application/json",
    )
    assert reponse.status_code == 400
    assert {"montant", "type_acte"} <= set(reponse.json())


def test_403_pour_l_agent_d_un_autre_signataire_404_pour_un_autre_porteur(
    client, agent_etat, porteur_autre, ligne_region
):
    url = f"/api/v1/financement/lignes/{ligne_region.pk}/engagements/"
    client.force_login(agent_etat)
    reponse = client.post(url, ENGAGEMENT, content_type="application/json")
    assert reponse.status_code == 403
    assert "Seuls les agents de la Région Hauts-de-France" in reponse.json()["detail"]
    client.force_login(porteur_autre)
    assert client.post(url, ENGAGEMENT, content_type="application/json").status_code == 404
    assert not Engagement.objects.exists()
    assert not Paiement.objects.exists()
    assert Decimal(client.get("/api/v1/signataires/").json()[1]["engage"]) == 0
