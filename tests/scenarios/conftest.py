import pytest

from comptes.models import Role
from tests.factories.comptes import UtilisateurFactory
from tests.factories.scenarios import parcours_velo, seance_velo


@pytest.fixture
def velo(administrateur):
    return parcours_velo(administrateur)


@pytest.fixture
def seance(administrateur):
    return seance_velo(administrateur)


@pytest.fixture
def agent_de():
    def fabriquer(code):
        return UtilisateurFactory(username=f"agent.{code}", agent=True, signataire=code)

    return fabriquer


@pytest.fixture
def porteur_velo(velo):
    return UtilisateurFactory(
        username="porteur.lille",
        role=Role.PORTEUR,
        organisation=velo.candidates[2].maitre_ouvrage,
    )
