from decimal import Decimal

from socle.montants import format_euros, format_meuros, taux


def test_les_montants_s_ecrivent_a_la_francaise():
    assert format_euros(Decimal("2759563000")) == "2\u202f759\u202f563\u202f000,00\u00a0€"
    assert format_euros(Decimal("0.5")) == "0,50\u00a0€"
    assert format_euros(Decimal("-1234.5")) == "-1\u202f234,50\u00a0€"
    assert format_euros(None) == "—"


def test_les_millions_gardent_trois_decimales_comme_le_contrat():
    assert format_meuros(Decimal("2759563000.00")) == "2\u202f759,563\u00a0M€"
    assert format_meuros(Decimal("52976000")) == "52,976\u00a0M€"


def test_un_taux_est_arrondi_au_dixieme():
    assert taux(Decimal("994262000"), Decimal("2759563000")) == Decimal("36.0")
    assert taux(Decimal(1), Decimal(0)) == Decimal("0.0")


def test_un_montant_est_arrondi_au_centime_superieur_a_partir_du_demi():
    """Half up, as the ledger rounds (never the banker's rounding of Python's own format)."""
    assert format_euros(Decimal("0.125")) == "0,13\u00a0€"
    assert format_euros(Decimal("2.345")) == "2,35\u00a0€"
    assert format_euros(Decimal("-0.005")) == "-0,01\u00a0€"
    assert format_euros(Decimal("999999.995")) == "1\u202f000\u202f000,00\u00a0€"
    assert format_euros(Decimal("123")) == "123,00\u00a0€"
