from decimal import Decimal

from django import template

from socle import montants

register = template.Library()


@register.filter
def euros(valeur: Decimal | None) -> str:
    return montants.format_euros(valeur)


@register.filter
def meuros(valeur: Decimal | None) -> str:
    return montants.format_meuros(valeur)


@register.filter
def pourcent(valeur: Decimal) -> str:
    return montants.format_taux(valeur)
