from django import template

from socle import montants

register = template.Library()


@register.filter
def part_de(partie, total):
    """`{{ paye|part_de:engage }}` → « 40,0 % », or « — » when the total is nil."""
    if not total:
        return "—"
    return montants.format_taux(montants.taux(partie, total))
