"""Read use-cases of the programme: the contract in force and its tree."""

from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404

from axes.cache import memorise
from axes.models import Contrat, Noeud, Signataire


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
    """The six axes with their numbered headings, built from a single query and kept in the
    cache while the programme does not change (`axes.cache`)."""
    return memorise(f"arbre:{contrat.pk}", lambda: _arbre(contrat))


def _arbre(contrat: Contrat) -> list[Branche]:
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
    """From the axis down to the node's parent (at most three rows)."""
    return list(Noeud.objects.couvrant(noeud).exclude(pk=noeud.pk).order_by("niveau"))


def signataire_de(*, organisation_id: int) -> Signataire | None:
    """The signatory an organisation is (at most one: the nine parties of Article 2)."""
    return Signataire.objects.filter(organisation_id=organisation_id).first()


def nombre_signataires(*, contrat: Contrat | None = None) -> int:
    """How many parties signed the contract (nine for the CPER Hauts-de-France): an avenant
    needs the approval of each of them."""
    return Signataire.objects.filter(contrat=contrat or contrat_courant()).count()
