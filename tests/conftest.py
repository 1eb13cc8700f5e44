import pytest
from django.core.management import call_command
from django.db import connection

from comptes.models import Organisation, Role, Utilisateur

MOT_DE_PASSE = "motdepasse-de-test-42"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The suite runs on PostgreSQL, with the signed contract loaded once for every test."""
    with django_db_blocker.unblock():
        assert connection.vendor == "postgresql", "la suite de tests tourne sur PostgreSQL"
        call_command("charger_cper", verbosity=0)


@pytest.fixture(autouse=True)
def _acces_base(db):
    """Every test may read the loaded contract; each one runs in a rolled-back transaction."""


@pytest.fixture
def creer_utilisateur():
    def creer(identifiant="utilisateur", role=Role.LECTEUR, organisation=None, **champs):
        if organisation is None:
            organisation, _ = Organisation.objects.get_or_create(nom="Organisation de test")
        return Utilisateur.objects.create_user(
            username=identifiant,
            password=MOT_DE_PASSE,
            organisation=organisation,
            role=role,
            **champs,
        )

    return creer


@pytest.fixture
def base_transactionnelle_avec_contrat(transactional_db):
    """Real commits, for tests whose other processes (a Celery worker) must see the data.

    A transactional test empties every table when it ends: the contract is loaded again
    afterwards so that the tests after it still find it (`charger_cper` is idempotent).
    """
    call_command("charger_cper", verbosity=0)
    yield
    call_command("charger_cper", verbosity=0)
