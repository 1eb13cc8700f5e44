"""Who may write a programmed line's schedule."""

from axes.models import Signataire
from comptes.models import Utilisateur
from financement.models import LigneProgrammee
from financement.permissions import peut_executer
from projets.models import Projet
from projets.permissions import est_porteur_du_projet


def peut_modifier_echeancier(utilisateur: Utilisateur, ligne: LigneProgrammee) -> bool:
    """The dossier's porteur proposes the schedule; the agents of the line's signatory (or the
    secretariat) adjust it. Nobody else, in particular no other signatory's agent."""
    if not utilisateur.is_authenticated:
        return False
    return peut_executer(utilisateur, ligne.signataire) or est_porteur_du_projet(
        utilisateur, ligne.projet
    )


def peut_voir_prevision(utilisateur: Utilisateur, signataire: Signataire) -> bool:
    """A signatory's budget forecast is its own: its agents and the secretariat see it."""
    return peut_executer(utilisateur, signataire)


def peut_definir_indicateurs(utilisateur: Utilisateur) -> bool:
    """The CPER secretariat (administrators) defines the measures' indicators."""
    return utilisateur.is_authenticated and utilisateur.est_administrateur


def peut_renseigner_contribution(utilisateur: Utilisateur, projet: Projet) -> bool:
    """The dossier's porteur (or the secretariat) states its expected contribution and reports
    the achieved value."""
    if not utilisateur.is_authenticated:
        return False
    return utilisateur.est_administrateur or est_porteur_du_projet(utilisateur, projet)
