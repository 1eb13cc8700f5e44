from django import template
from django.urls import reverse

from socle.montants import format_nombre

register = template.Library()


@register.filter
def nombre(valeur: int | None) -> str:
    """`1234567` → `1 234 567` (narrow no-break spaces); empty for None."""
    if valeur is None:
        return ""
    return format_nombre(valeur, 0)  # type: ignore[arg-type]


@register.filter
def url_territoire(territoire: object) -> str:
    niveau = getattr(territoire, "niveau", "")
    if niveau == "region":
        return reverse("territoires:region")
    return reverse(f"territoires:{niveau}", args=[getattr(territoire, "code", "")])
