import pytest

from axes.models import Signataire
from comptes.models import Role
from projets.models import Projet, Statut
from projets.services import projet_creer, projet_transitionner


@pytest.fixture
def agent_etat(creer_utilisateur):
    return creer_utilisateur(
        "agent.etat", role=Role.AGENT, organisation=Signataire.objects.get(code="etat").organisation
    )


@pytest.fixture
def retenir():
    def faire(projet):
        Projet.objects.filter(pk=projet.pk).update(statut=Statut.RETENU)
        return Projet.objects.get(pk=projet.pk)

    return faire


@pytest.fixture
def projet_programme(porteur, administrateur, donnees_completes, retenir):
    """A retained dossier programmed: Région 400 000,00 €, État 350 000,00 € (CPER lines)."""
    projet = retenir(projet_creer(donnees=donnees_completes(), par=porteur))
    return projet_transitionner(projet=projet, action="programmer", par=administrateur)


@pytest.fixture
def ligne_region(projet_programme):
    return projet_programme.lignes_programmees.get(signataire__code="region")
