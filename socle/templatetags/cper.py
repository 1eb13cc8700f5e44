from django import template

from socle import montants

register = template.Library()


@register.filter
def euros(valeur):
    return montants.format_euros(valeur)


@register.filter
def meuros(valeur):
    return montants.format_meuros(valeur)


@register.filter
def pourcent(valeur):
    return montants.format_taux(valeur)
