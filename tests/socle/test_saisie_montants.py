"""An amount is ASCII digits with at most one decimal separator and two decimals: `1e3`,
Arabic-Indic digits, NaN and negatives are refused in forms and in the API (they wrote real
ledger rows), and the OpenAPI pattern says exactly what the server accepts."""

import re
from decimal import Decimal

import pytest
from django import forms
from rest_framework import serializers
from rest_framework.test import APIClient

from financement.models import Engagement, JournalFinancier
from socle.api import MOTIF_MONTANT, MontantSerializerField
from socle.formulaires import MontantField
from socle.montants import MONTANT
from tests.api.test_financement import ENGAGEMENT

REFUSES = [
    "1e3",
    "1E3",
    "١٠٠٠",
    "１０００",
    "NaN",
    "Infinity",
    "1.000.000",
    "12,5.3",
    "+5",
    "0x10",
    "",
]


@pytest.mark.parametrize("texte", [t for t in REFUSES if t])
def test_le_formulaire_refuse_ce_qui_n_est_pas_un_montant(texte):
    with pytest.raises(forms.ValidationError) as erreur:
        MontantField().clean(texte)
    assert erreur.value.messages == ["Saisissez un montant en euros, par exemple 1 234 567,89."]


def test_le_formulaire_lit_les_montants_ecrits_a_la_francaise():
    champ = MontantField()
    assert champ.clean("1 234 567,89") == Decimal("1234567.89")
    assert champ.clean("1234567.8") == Decimal("1234567.80")
    assert champ.clean("12\u202f000 €") == Decimal("12000.00")
    for negatif in ("-5", "-0", "-0,00"):  # `-0` was read as 0 (found by the property test)
        with pytest.raises(forms.ValidationError, match="négatif"):
            champ.clean(negatif)
    with pytest.raises(forms.ValidationError, match="deux décimales"):
        champ.clean("1,234")


@pytest.mark.parametrize("valeur", [*REFUSES, 1000.5, True, "-5", "-0", "1.234", "1234567890123"])
def test_l_api_refuse_ce_qui_n_est_pas_un_montant(valeur):
    champ = MontantSerializerField(**MONTANT)
    with pytest.raises(serializers.ValidationError):
        champ.run_validation(valeur)


def test_l_api_lit_les_montants_ascii():
    champ = MontantSerializerField(**MONTANT)
    assert champ.run_validation("1234567.89") == Decimal("1234567.89")
    assert champ.run_validation("12") == Decimal("12")
    assert champ.run_validation(300) == Decimal("300")


def test_le_motif_publie_dit_ce_que_le_serveur_accepte():
    for texte in ["0", "12", "1234567.89", "999999999999.99", "5.5"]:
        assert re.fullmatch(MOTIF_MONTANT, texte)
        MontantSerializerField(**MONTANT).run_validation(texte)
    for texte in [t for t in REFUSES if isinstance(t, str)] + ["-5", "1.234", ".5", "5.", "-"]:
        assert not re.fullmatch(MOTIF_MONTANT, texte), texte


@pytest.mark.parametrize("montant", ["1e3", "١٠٠٠", "-1000.00", "NaN"])
def test_un_engagement_au_montant_bizarre_n_ecrit_rien(agent, ligne_region, montant):
    client = APIClient()
    client.force_authenticate(agent)
    journal = JournalFinancier.objects.count()
    reponse = client.post(
        f"/api/v1/financement/lignes/{ligne_region.pk}/engagements/",
        {**ENGAGEMENT, "montant": montant},
        format="json",
    )
    assert reponse.status_code == 400
    assert list(reponse.json()) == ["montant"]
    assert not Engagement.objects.exists()
    assert JournalFinancier.objects.count() == journal


def test_le_schema_publie_le_motif_des_montants(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    for nom in ["EngagementEntreeRequest", "PaiementEntreeRequest", "ProjetEntreeRequest"]:
        proprietes = schema[nom]["properties"]
        montant = proprietes.get("montant") or proprietes["cout_total_ht"]
        assert montant["pattern"] == MOTIF_MONTANT
