"""Whether a dossier's instruction is complete, asked by this app without importing the one
that knows (imports point one way).

The rule lives in `gouvernance` (`gouvernance.selectors.etat_instruction`: each CPER co-funder
of the dossier files its analysis grid; a setting relaxes it to « at least one »).
`gouvernance` registers it here when the portal starts (`GouvernanceConfig.ready`); the
dossier's transition, its buttons and the API ask it through `motif_instruction_incomplete`.
"""

from collections.abc import Callable

from projets.models import Projet

Regle = Callable[[Projet], str]

_regle: Regle | None = None

SANS_REGLE = (
    "Aucune grille d'analyse déposée pour ce dossier : l'instruction se termine par les grilles "
    "d'analyse de ses cofinanceurs."
)


def enregistrer_regle(regle: Regle) -> None:
    """Called once by `gouvernance` at start-up."""
    global _regle
    _regle = regle


def motif_instruction_incomplete(projet: Projet) -> str:
    """Why the dossier cannot be « instruit » yet (a French sentence), or "" when it can."""
    if _regle is None:
        return SANS_REGLE
    return _regle(projet)
