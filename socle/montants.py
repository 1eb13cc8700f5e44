"""Amounts: `Decimal` euros with two decimals, never floats, displayed the French way."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Final, TypedDict


class Chiffres(TypedDict):
    max_digits: int
    decimal_places: int


# One definition for every money column (models, forms and serializers).
MONTANT: Final[Chiffres] = {"max_digits": 14, "decimal_places": 2}

CENTIME = Decimal("0.01")
ESPACE_FINE = "\u202f"  # narrow no-break space, the French thousands separator


def arrondi_euro(valeur: Decimal) -> Decimal:
    return Decimal(valeur).quantize(CENTIME, rounding=ROUND_HALF_UP)


_QUANTUMS: Final[dict[int, Decimal]] = {d: Decimal(1).scaleb(-d) for d in range(7)}


def format_nombre(valeur: Decimal, decimales: int) -> str:
    """`2759563000` → `2 759 563 000,00` (narrow no-break spaces, decimal comma), rounded half
    up. The grouping is the decimal module's own (one C call: a page formats hundreds)."""
    nombre = valeur if type(valeur) is Decimal else Decimal(valeur)
    quantum = _QUANTUMS.get(decimales) or Decimal(1).scaleb(-decimales)
    texte = f"{abs(nombre.quantize(quantum, rounding=ROUND_HALF_UP)):,f}"
    signe = "-" if nombre < 0 else ""
    return signe + texte.replace(",", ESPACE_FINE).replace(".", ",")


def format_euros(valeur: Decimal | None) -> str:
    """`994262000` → `994 262 000,00 €`."""
    if valeur is None:
        return "—"
    return f"{format_nombre(valeur, 2)}\u00a0€"


def format_meuros(valeur: Decimal | None) -> str:
    """Millions of euros with three decimals, as the contract prints them: `2 759,563 M€`."""
    if valeur is None:
        return "—"
    return f"{format_nombre(Decimal(valeur) / Decimal(1_000_000), 3)}\u00a0M€"


def taux(partie: Decimal, total: Decimal) -> Decimal:
    """Share of `partie` in `total`, in percent with one decimal."""
    if not total:
        return Decimal("0.0")
    return (Decimal(partie) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def format_taux(valeur: Decimal) -> str:
    return f"{format_nombre(valeur, 1)}\u00a0%"
