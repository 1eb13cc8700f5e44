"""Who may do what in governance (pure predicates, no database access).

Rules of the issue (the charter is not in the text we have): agents of a signatory and
administrators instruct; a committee's secretariat or an administrator runs its sessions; only
voting members (président, co-président, membre votant) vote; associated members see but never
vote; a member is recused on a dossier whose maître d'ouvrage is the organisation they represent.
"""

from comptes.models import Role
from gouvernance.models import ROLES_VOTANTS, Membre, RoleMembre
from projets.models import Projet
from projets.permissions import est_instructeur


def peut_instruire(utilisateur) -> bool:
    """Only agents of a signatory and administrators fill the analysis grid (VI.2)."""
    return est_instructeur(utilisateur)


def voit_la_gouvernance(utilisateur) -> bool:
    """Every signed-in role but the porteur sees committees and sessions; a porteur learns the
    decision on its dossier from the dossier page and by e-mail."""
    return utilisateur.is_authenticated and (
        utilisateur.est_administrateur or utilisateur.role != Role.PORTEUR
    )


def peut_gerer_seances(utilisateur, membre: Membre | None) -> bool:
    """The committee's secretariat, or an administrator (secrétariat du CPER)."""
    if not utilisateur.is_authenticated:
        return False
    return utilisateur.est_administrateur or (
        membre is not None and membre.role == RoleMembre.SECRETARIAT
    )


def a_voix_deliberative(membre: Membre | None) -> bool:
    return membre is not None and membre.role in ROLES_VOTANTS


def est_en_conflit(membre: Membre, projet: Projet) -> bool:
    """A member whose organisation is the project's maître d'ouvrage cannot vote on it."""
    return (
        projet.maitre_ouvrage_id is not None and membre.organisation_id == projet.maitre_ouvrage_id
    )
