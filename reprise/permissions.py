"""Who may import the existing programming."""

from django.contrib.auth.models import AnonymousUser

from comptes.models import Utilisateur


def peut_reprendre(utilisateur: Utilisateur | AnonymousUser) -> bool:
    """Only the CPER secretariat (administrators) downloads the template, uploads a file,
    applies it and exports the programming: an import writes every signatory's money at once,
    on a mandate no committee gave (`projets.workflow.MandatReprise`)."""
    return isinstance(utilisateur, Utilisateur) and utilisateur.est_administrateur
