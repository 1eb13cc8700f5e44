"""Property-based: whatever text comes in — control characters, odd digits, exponents, deep
nesting — an amount is either refused with a French message or read exactly (ASCII digits,
two decimals at most), and a JSON body either parses within the depth limit or is a 400."""

import io
import re
from decimal import Decimal

from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.exceptions import ParseError

from socle.api import MontantSerializerField
from socle.formulaires import MontantField
from socle.montants import MONTANT
from socle.parseurs import PROFONDEUR_MAXIMALE, JsonParser, profondeur

TEXTES = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"-?[0-9٠-٩０-９]{1,14}([.,eE][0-9]{0,4})?", fullmatch=True),
    st.sampled_from(["NaN", "Infinity", "1e3", "١٠٠٠", "\u001b12", "12\x00", "0x10", " 1 000,5 "]),
)


@settings(max_examples=300, deadline=None)
@given(TEXTES)
def test_un_montant_de_formulaire_est_refuse_ou_lu_exactement(texte):
    try:
        montant = MontantField().clean(texte)
    except forms.ValidationError as erreur:
        assert all(
            m.startswith(("Saisissez", "Un montant", "Le montant", "Ce champ"))
            for m in erreur.messages
        )
        return
    assert isinstance(montant, Decimal) and montant >= 0
    assert montant == montant.quantize(Decimal("0.01"))
    assert re.fullmatch(r"[0-9 \u00a0\u202f€.,]+", texte.strip())


@settings(max_examples=300, deadline=None)
@given(TEXTES)
def test_un_montant_de_l_api_est_refuse_ou_lu_exactement(texte):
    try:
        montant = MontantSerializerField(**MONTANT).run_validation(texte)
    except serializers.ValidationError:
        return
    assert re.fullmatch(r"[0-9]{1,12}(\.[0-9]{1,2})?", texte.strip())
    assert montant == Decimal(texte.strip())


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.sampled_from(["[", '{"a":']))
def test_un_corps_imbrique_parse_ou_repond_400(niveaux, ouvrant):
    fermant = "]" if ouvrant == "[" else "}"
    corps = (ouvrant * niveaux + "1" + fermant * niveaux).encode()
    try:
        donnees = JsonParser().parse(io.BytesIO(corps))
    except ParseError:
        assert niveaux > PROFONDEUR_MAXIMALE
        return
    assert niveaux <= PROFONDEUR_MAXIMALE and profondeur(donnees) == niveaux


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_des_octets_quelconques_ne_font_jamais_une_erreur_interne(octets):
    try:
        JsonParser().parse(io.BytesIO(octets))
    except ParseError as erreur:
        assert str(erreur.detail).startswith("Le corps de la requête")
