from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from axes.models import Contrat, Noeud
from projets.models import Projet, Statut


def projets_du_noeud(*, noeud: Noeud) -> QuerySet[Projet]:
    """Projects attached to a node or to any node below it (codes nest: `I.3` ⊃ `I.3.2.a`)."""
    return (
        Projet.objects.filter(mesure__contrat_id=noeud.contrat_id)
        .filter(Q(mesure=noeud) | Q(mesure__code__startswith=noeud.code + "."))
        .select_related("mesure", "maitre_ouvrage")
        .order_by("mesure__position", "reference")
    )


def operations_inscrites_par_departement(*, contrat: Contrat) -> dict[str, Decimal]:
    """Operations the contract names (status « inscrit au contrat »), counted per département
    they concern; an operation over several départements counts in each. One query."""
    lignes = (
        Projet.objects.filter(
            mesure__contrat=contrat,
            statut=Statut.INSCRIT_CONTRAT,
            departements__isnull=False,
        )
        .values("departements__code_insee")
        .annotate(nombre=Count("pk", distinct=True))
        .order_by()
    )
    return {ligne["departements__code_insee"]: Decimal(ligne["nombre"]) for ligne in lignes}
