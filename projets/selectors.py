from django.db.models import Q, QuerySet

from axes.models import Noeud
from projets.models import Projet


def projets_du_noeud(*, noeud: Noeud) -> QuerySet[Projet]:
    """Projects attached to a node or to any node below it (codes nest: `I.3` ⊃ `I.3.2.a`)."""
    return (
        Projet.objects.filter(mesure__contrat_id=noeud.contrat_id)
        .filter(Q(mesure=noeud) | Q(mesure__code__startswith=noeud.code + "."))
        .select_related("mesure", "maitre_ouvrage")
        .order_by("mesure__position", "reference")
    )
