import pytest

from comptes.models import Role


@pytest.fixture(autouse=True)
def _documents_dans_un_dossier_temporaire(settings, tmp_path):
    """Report files go to a temporary MEDIA_ROOT, never to the developer's var/documents."""
    settings.MEDIA_ROOT = tmp_path / "documents"
    return settings.MEDIA_ROOT


@pytest.fixture
def demandeur(creer_utilisateur):
    return creer_utilisateur("demandeur", role=Role.AGENT, email="demandeur@exemple.fr")


@pytest.fixture
def administrateur(creer_utilisateur):
    return creer_utilisateur("secretariat", role=Role.ADMINISTRATEUR)
