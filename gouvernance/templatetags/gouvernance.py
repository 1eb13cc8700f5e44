"""The governance part of a dossier page (the co-funders' instruction, grid results, committee
decisions), so that `projets` shows it without importing `gouvernance` (imports point one way)."""

from django import template

from gouvernance.models import Decision
from gouvernance.permissions import voit_la_gouvernance
from gouvernance.selectors import EtatInstruction, etats_instruction, resultats_grille
from projets.droits import ActionDossier, peut

register = template.Library()


@register.inclusion_tag("gouvernance/_projet.html", takes_context=True)
def gouvernance_du_projet(context, projet):
    utilisateur = context["request"].user
    voit = voit_la_gouvernance(utilisateur)
    resultats = resultats_grille(projet=projet) if voit else None
    # An agent's own co-funder's grid, still to file; the secretariat may file any missing one.
    a_remplir = None
    if voit and resultats is not None and peut(utilisateur, projet, ActionDossier.REMPLIR_GRILLE):
        manquants = resultats.instruction.manquants if resultats.instruction else []
        if utilisateur.est_administrateur:
            a_remplir = "secretariat" if manquants else None
        else:
            a_remplir = next(
                (s for s in manquants if s.organisation_id == utilisateur.organisation_id), None
            )
    return {
        "projet": projet,
        "voit": voit,
        "resultats": resultats,
        "a_remplir": a_remplir,
        "decisions": list(
            Decision.objects.filter(point__projet=projet).select_related("point__seance__comite")
        ),
    }


@register.filter(name="voit_la_gouvernance")
def filtre_voit_la_gouvernance(utilisateur: object) -> bool:
    """The main menu offers « Gouvernance » only to whom the pages answer: the same rule."""
    return voit_la_gouvernance(utilisateur)  # type: ignore[arg-type]


@register.simple_tag(takes_context=True)
def instructions_de(context, lignes) -> dict[int, EtatInstruction]:
    """Where the instruction of each dossier « en instruction » of a list stands (two queries
    for the page), for those who see the governance; `lignes`: the rows of the list."""
    if not voit_la_gouvernance(context["request"].user):
        return {}
    return etats_instruction(lignes=lignes)


@register.filter
def instruction_de(etats: dict[int, EtatInstruction], ligne) -> EtatInstruction | None:
    return etats.get(ligne["pk"])
