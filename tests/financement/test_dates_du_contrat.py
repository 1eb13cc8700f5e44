"""Dates stay within the contract's period and its margin (1 year before, 8 after by default,
réglage fixé par le secrétariat): a session dated 1900 or 6172, a commitment dated 0001-01-01,
a payment dated before its commitment are refused, keyed by field, with nothing written."""

from datetime import UTC, date, datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIClient

from financement.models import Engagement, Paiement
from gouvernance.models import Seance
from tests.api.test_financement import ENGAGEMENT
from tests.factories.projets import dater_la_programmation

MESSAGE = (
    "La date doit être comprise entre le 01/01/2020 et le 31/12/2035 (période du contrat et sa "
    "marge, réglage fixé par le secrétariat)."
)


def api(utilisateur):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(utilisateur)
    return client


def engager(client, ligne, **surcharges):
    return client.post(
        f"/api/v1/financement/lignes/{ligne.pk}/engagements/",
        {**ENGAGEMENT, **surcharges},
        format="json",
    )


@pytest.mark.parametrize("jour", ["0001-01-01", "2019-12-31", "2036-01-01", "6172-05-01"])
def test_un_engagement_hors_de_la_periode_est_refuse(agent, ligne_region, jour):
    reponse = engager(api(agent), ligne_region, date_acte=jour)
    assert reponse.status_code == 400
    assert reponse.json()["date_acte"] == [MESSAGE]
    assert not Engagement.objects.exists()


def test_les_bornes_de_la_periode_sont_acceptees(agent, ligne_region):
    dater_la_programmation(ligne_region.projet, date(2020, 1, 1))
    client = api(agent)
    for jour in ("2020-01-01", "2035-12-31"):
        reponse = engager(client, ligne_region, date_acte=jour, montant="1000.00")
        assert reponse.status_code == 201, reponse.json()


@override_settings(CONTRAT_MARGE_ANNEES_AVANT=0, CONTRAT_MARGE_ANNEES_APRES=0)
def test_la_marge_est_un_reglage(agent, ligne_region):
    reponse = engager(api(agent), ligne_region, date_acte="2020-06-01")
    assert reponse.status_code == 400
    assert "entre le 01/01/2021 et le 31/12/2027" in reponse.json()["date_acte"][0]


def test_un_paiement_suit_son_engagement(agent, ligne_region):
    client = api(agent)
    engagement = engager(client, ligne_region).json()  # acte du 2026-03-01
    url = f"/api/v1/financement/engagements/{engagement['id']}/paiements/"
    reponse = client.post(
        url, {"date": "2026-02-28", "montant": "100.00", "type": "acompte"}, format="json"
    )
    assert reponse.status_code == 400
    assert reponse.json()["date"] == [
        "Un paiement suit son engagement : la date du paiement ne peut pas précéder celle de "
        "l'acte d'engagement (01/03/2026)."
    ]
    reponse = client.post(
        url, {"date": "1900-01-01", "montant": "100.00", "type": "acompte"}, format="json"
    )
    assert reponse.json()["date"] == [MESSAGE]
    assert not Paiement.objects.exists()
    reponse = client.post(
        url, {"date": "2026-03-01", "montant": "100.00", "type": "acompte"}, format="json"
    )
    assert reponse.status_code == 201


def test_la_page_du_paiement_le_dit_a_cote_du_champ(client, agent, ligne_region):
    engagement = engager(api(agent), ligne_region).json()
    client.force_login(agent)
    page = client.get(reverse("financement:ligne", args=[ligne_region.pk])).content.decode()
    assert "Au plus tôt la date de l'engagement. Entre le 01/01/2020 et le 31/12/2035" in page
    assert "réglage fixé par le secrétariat" in page
    prefixe = f"paiement-{engagement['id']}"
    reponse = client.post(
        reverse("financement:payer", args=[engagement["id"]]),
        {
            f"{prefixe}-date_paiement": "2026-01-15",
            f"{prefixe}-montant": "100,00",
            f"{prefixe}-type_": "acompte",
        },
    )
    assert reponse.status_code == 400
    assert "ne peut pas précéder celle de l&#x27;acte d&#x27;engagement" in reponse.content.decode()
    assert not Paiement.objects.exists()


@pytest.mark.parametrize(
    "moment", ["1900-06-15T14:00:00Z", "0557-01-01T10:00:00Z", "6172-01-01T10:00:00Z"]
)
def test_une_seance_hors_de_la_periode_est_refusee(administrateur, moment):
    nombre = Seance.objects.count()
    reponse = api(administrateur).post(
        "/api/v1/seances/",
        {"comite": "programmation", "date": moment, "lieu": "Lille"},
        format="json",
    )
    assert reponse.status_code == 400
    assert reponse.json()["date"] == [MESSAGE]
    assert Seance.objects.count() == nombre


def test_une_seance_revient_en_rfc_3339(administrateur):
    reponse = api(administrateur).post(
        "/api/v1/seances/",
        {"comite": "programmation", "date": "2026-06-15T12:00:00Z", "lieu": "Lille"},
        format="json",
    )
    assert reponse.status_code == 201, reponse.json()
    assert reponse.json()["date"] == "2026-06-15T14:00:00+02:00"


def test_un_moment_ancien_deja_enregistre_s_ecrit_en_utc():
    """Paris kept its local mean time before 1911 (+00:09:21, not RFC 3339)."""
    champ = serializers.DateTimeField()
    assert champ.to_representation(datetime(1900, 6, 15, 12, 0, tzinfo=UTC)) == (
        "1900-06-15T12:00:00Z"
    )
    assert champ.to_representation(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)) == (
        "2026-01-15T13:00:00+01:00"
    )
