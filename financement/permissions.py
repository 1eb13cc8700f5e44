"""Who may act on a signatory's money (Article 5: each executes « dans le cadre de leurs
engagements et compétences respectifs »)."""

from axes.models import Signataire
from comptes.models import Role, Utilisateur


def peut_executer(utilisateur: Utilisateur, signataire: Signataire) -> bool:
    """Only an agent of the signatory concerned, or an administrator, records its commitments,
    payments and opened credits."""
    if not utilisateur.is_authenticated:
        return False
    if utilisateur.est_administrateur:
        return True
    return (
        utilisateur.role == Role.AGENT and utilisateur.organisation_id == signataire.organisation_id
    )


def peut_preparer_avenant(utilisateur: Utilisateur) -> bool:
    """The CPER secretariat (administrators) drafts avenants and brings them into force."""
    return utilisateur.is_authenticated and utilisateur.est_administrateur


def peut_approuver_pour(utilisateur: Utilisateur, signataire: Signataire) -> bool:
    """A signatory's approval is recorded by one of its agents or by an administrator."""
    return peut_executer(utilisateur, signataire)
