from decimal import Decimal

from django import template

from socle.montants import format_nombre

register = template.Library()


@register.filter
def cle(dictionnaire: dict[str, object], nom: str) -> object:
    """`parts|cle:"etat"`: a dictionary's value by key in a template."""
    return dictionnaire.get(nom)


@register.filter
def pourcent2(valeur: Decimal) -> str:
    """A percentage to the hundredth, the French way: `42,68 %`."""
    return f"{format_nombre(valeur, 2)}\u00a0%"


@register.filter
def decimal2(valeur: Decimal | None) -> str:
    return "—" if valeur is None else format_nombre(valeur, 2)
