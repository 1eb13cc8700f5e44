"""Read use-cases of the programme: the contract in force and its tree."""

from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404

from axes.models import Contrat, Noeud


def contrat_courant() -> Contrat:
    """The contract the portal runs (one per installation: the CPER Hauts-de-France)."""
    return get_object_or_404(Contrat.objects.order_by("pk"))


@dataclass
class Branche:
    noeud: Noeud
    enfants: list["Branche"] = field(default_factory=list)

    @property
    def nombre_descendants(self) -> int:
        return sum(1 + e.nombre_descendants for e in self.enfants)


def arbre_programme(*, contrat: Contrat) -> list[Branche]:
    """The six axes with their numbered headings, built from a single query."""
    branches: dict[int, Branche] = {}
    racines: list[Branche] = []
    for noeud in Noeud.objects.filter(contrat=contrat).order_by("position"):
        branche = Branche(noeud)
        branches[noeud.pk] = branche
        if noeud.parent_id is None:
            racines.append(branche)
        else:
            branches[noeud.parent_id].enfants.append(branche)
    return racines


def noeud_par_code(*, contrat: Contrat, code: str) -> Noeud:
    return get_object_or_404(
        Noeud.objects.select_related("parent", "axe"), contrat=contrat, code=code
    )


def ascendants(noeud: Noeud) -> list[Noeud]:
    """From the axis down to the node's parent (at most three rows, read by code)."""
    codes = []
    parties = noeud.code.split(".")
    for fin in range(1, len(parties)):
        codes.append(".".join(parties[:fin]))
    par_code = {
        n.code: n for n in Noeud.objects.filter(contrat_id=noeud.contrat_id, code__in=codes)
    }
    return [par_code[c] for c in codes if c in par_code]
