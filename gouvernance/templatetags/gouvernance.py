"""The governance part of a dossier page (grid results, committee decisions), so that `projets`
shows it without importing `gouvernance` (imports point one way)."""

from django import template

from gouvernance.models import Decision
from gouvernance.permissions import grille_ouverte, peut_instruire, voit_la_gouvernance
from gouvernance.selectors import resultats_grille

register = template.Library()


@register.inclusion_tag("gouvernance/_projet.html", takes_context=True)
def gouvernance_du_projet(context, projet):
    utilisateur = context["request"].user
    return {
        "projet": projet,
        "voit": voit_la_gouvernance(utilisateur),
        "resultats": resultats_grille(projet=projet) if voit_la_gouvernance(utilisateur) else None,
        "peut_evaluer": peut_instruire(utilisateur) and grille_ouverte(projet),
        "decisions": list(
            Decision.objects.filter(point__projet=projet).select_related("point__seance__comite")
        ),
    }


@register.filter(name="voit_la_gouvernance")
def filtre_voit_la_gouvernance(utilisateur: object) -> bool:
    """The main menu offers « Gouvernance » only to whom the pages answer: the same rule."""
    return voit_la_gouvernance(utilisateur)  # type: ignore[arg-type]
