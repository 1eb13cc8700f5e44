"""Who may see and do what on a dossier (pure predicates, no database writes).

Every predicate on a dossier asks the permission table of `projets.droits`."""

from comptes.models import Role, Utilisateur
from projets.droits import ActionDossier, peut
from projets.models import Projet
from projets.workflow import ACTEURS_MANDATES, TRANSITIONS


def est_instructeur(utilisateur: Utilisateur) -> bool:
    """Agents of a signatory instruct dossiers; administrators may do everything."""
    return utilisateur.is_authenticated and (
        utilisateur.est_administrateur or utilisateur.role == Role.AGENT
    )


def est_porteur_du_projet(utilisateur: Utilisateur, projet: Projet) -> bool:
    """The porteur's users: role porteur in the organisation that is the maître d'ouvrage."""
    return (
        utilisateur.is_authenticated
        and utilisateur.role == Role.PORTEUR
        and projet.maitre_ouvrage_id is not None
        and projet.maitre_ouvrage_id == utilisateur.organisation_id
    )


def peut_creer_projet(utilisateur: Utilisateur) -> bool:
    """Porteurs, agents and the secretariat open a new dossier (a draft)."""
    return utilisateur.is_authenticated and (
        est_instructeur(utilisateur) or utilisateur.role == Role.PORTEUR
    )


def peut_modifier_projet(utilisateur: Utilisateur, projet: Projet) -> bool:
    """« Modifier le dossier » in the permission table (`projets.droits.DROITS`)."""
    return peut(utilisateur, projet, ActionDossier.MODIFIER)


def peut_deposer_document(utilisateur: Utilisateur, projet: Projet) -> bool:
    """« Joindre un document » in the permission table."""
    return peut(utilisateur, projet, ActionDossier.JOINDRE_DOCUMENT)


def peut_declencher(utilisateur: Utilisateur, projet: Projet, action: str) -> bool:
    """Whether `utilisateur` may take `action` by hand now (committee actions never are)."""
    if TRANSITIONS[action].acteur in ACTEURS_MANDATES:
        return False
    return peut(utilisateur, projet, action)
