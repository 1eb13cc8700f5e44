"""Who may see and do what on a dossier (pure predicates, no database writes)."""

from comptes.models import Role, Utilisateur
from projets.models import Projet
from projets.workflow import (
    ABANDON_PAR_PORTEUR,
    MODIFIABLE_PAR_INSTRUCTEUR,
    MODIFIABLE_PAR_PORTEUR,
    TRANSITIONS,
    Acteur,
    Action,
)


def est_instructeur(utilisateur: Utilisateur) -> bool:
    """Agents of a signatory instruct dossiers; administrators may do everything."""
    return utilisateur.is_authenticated and (
        utilisateur.est_administrateur or utilisateur.role == Role.AGENT
    )


def est_porteur_du_projet(utilisateur: Utilisateur, projet: Projet) -> bool:
    return (
        utilisateur.is_authenticated
        and utilisateur.role == Role.PORTEUR
        and projet.maitre_ouvrage_id is not None
        and projet.maitre_ouvrage_id == utilisateur.organisation_id
    )


def peut_creer_projet(utilisateur: Utilisateur) -> bool:
    return utilisateur.is_authenticated and (
        est_instructeur(utilisateur) or utilisateur.role == Role.PORTEUR
    )


def peut_modifier_projet(utilisateur: Utilisateur, projet: Projet) -> bool:
    if est_instructeur(utilisateur):
        return projet.statut in MODIFIABLE_PAR_INSTRUCTEUR
    return est_porteur_du_projet(utilisateur, projet) and projet.statut in MODIFIABLE_PAR_PORTEUR


def peut_deposer_document(utilisateur: Utilisateur, projet: Projet) -> bool:
    return peut_modifier_projet(utilisateur, projet)


def peut_declencher(utilisateur: Utilisateur, projet: Projet, action: str) -> bool:
    """Whether `utilisateur` may take `action` by hand (committee actions never are)."""
    acteur = TRANSITIONS[action].acteur
    if acteur == Acteur.INSTRUCTEUR:
        return est_instructeur(utilisateur)
    if acteur == Acteur.DEPOSANT:
        if est_instructeur(utilisateur):
            return True
        if action == Action.ABANDONNER:
            return est_porteur_du_projet(utilisateur, projet) and (
                projet.statut in ABANDON_PAR_PORTEUR
            )
        return est_porteur_du_projet(utilisateur, projet)
    return False
