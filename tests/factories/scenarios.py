"""The vélo measure's negotiation of issue 17 (the demo's, `outillage.demo_velo`), for tests.

velo = parcours_velo(administrateur)   # five candidate operations, three scenarios
velo.scenarios["B"]                    # « Région majoritaire, départements associés »
seance_velo(administrateur)            # yesterday's session of the vélo technical committee
"""

from datetime import timedelta

from django.utils import timezone

from comptes.models import Utilisateur
from gouvernance.models import Comite, Seance
from gouvernance.services import seance_creer
from outillage.demo_velo import (
    CANDIDATES,
    FP,
    SCENARIOS,
    ParcoursVelo,
    candidates_velo,
    parcours_velo,
    part,
    saisies,
)

__all__ = [
    "CANDIDATES",
    "FP",
    "SCENARIOS",
    "ParcoursVelo",
    "candidates_velo",
    "parcours_velo",
    "part",
    "saisies",
    "seance_velo",
]


def seance_velo(par: Utilisateur) -> Seance:
    """Yesterday's session of the vélo technical committee (it arbitrated)."""
    return seance_creer(
        comite=Comite.objects.get(code="technique-velo"),
        date=timezone.now() - timedelta(days=1),
        lieu="Hôtel de Région, Lille",
        par=par,
    )
