from django.http import HttpRequest

from comptes.models import Utilisateur
from scenarios.permissions import voit_les_scenarios


def menu(request: HttpRequest) -> dict[str, object]:
    """Whether the header shows « Scénarios » (the partners, not the porteurs)."""
    utilisateur = getattr(request, "user", None)
    return {
        "menu_scenarios": isinstance(utilisateur, Utilisateur) and voit_les_scenarios(utilisateur)
    }
