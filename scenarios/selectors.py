"""Reads of the scenario pages and the API (the computations are in `scenarios.calculs`)."""

from django.db.models import Count, Q, QuerySet

from axes.models import Noeud
from comptes.models import Utilisateur
from scenarios.calculs import MAX_COMPARES, MIN_COMPARES, Comparaison, bilan, comparer
from scenarios.calculs import scenario_charge as charger
from scenarios.models import JournalScenario, OperationCandidate, Scenario
from scenarios.permissions import voit_les_scenarios
from scenarios.regles import sous_axes_ouverts


def scenarios_visibles(utilisateur: Utilisateur) -> QuerySet[Scenario]:
    if not voit_les_scenarios(utilisateur):
        return Scenario.objects.none()
    return Scenario.objects.select_related("sous_axe", "seance", "avenant")


def rubriques(utilisateur: Utilisateur) -> list[tuple[Noeud, int, int]]:
    """Each heading open to scenarios with its candidates and scenarios counted."""
    noeuds = sous_axes_ouverts()
    comptes = {
        pk: (nb_candidates, nb_scenarios)
        for pk, nb_candidates, nb_scenarios in Noeud.objects.filter(pk__in=[n.pk for n in noeuds])
        .annotate(
            nb_candidates=Count("candidates", distinct=True),
            nb_scenarios=Count("scenarios", distinct=True),
        )
        .values_list("pk", "nb_candidates", "nb_scenarios")
    }
    return [(n, *comptes[n.pk]) for n in noeuds]


def candidates_du(noeud: Noeud) -> list[OperationCandidate]:
    return list(
        OperationCandidate.objects.filter(sous_axe=noeud)
        .select_related("maitre_ouvrage")
        .prefetch_related("departements")
        .order_by("pk")
    )


def scenarios_du(noeud: Noeud) -> QuerySet[Scenario]:
    return (
        Scenario.objects.filter(sous_axe=noeud)
        .annotate(
            nb_positions=Count("positions", distinct=True),
            nb_refus=Count("positions", filter=Q(positions__avis="refus"), distinct=True),
        )
        .order_by("pk")
    )


def journal_du(scenario: Scenario) -> QuerySet[JournalScenario]:
    return JournalScenario.objects.filter(scenario=scenario).select_related("par")


def comparaison_demandee(
    *, utilisateur: Utilisateur, noeud: Noeud, identifiants: list[int]
) -> Comparaison | None:
    """Two to four visible scenarios of the heading, side by side (None otherwise)."""
    choisis = list(
        scenarios_visibles(utilisateur)
        .filter(sous_axe=noeud, pk__in=identifiants)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not MIN_COMPARES <= len(choisis) <= MAX_COMPARES:
        return None
    return comparer([bilan(charger(pk)) for pk in choisis])
