import pytest
from django.core.management import call_command
from django.db import connection

from axes.models import Contrat
from comptes.models import Organisation, Role, Utilisateur

MOT_DE_PASSE = "motdepasse-de-test-42"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The suite runs on PostgreSQL, with the signed contract loaded once for every test."""
    with django_db_blocker.unblock():
        assert connection.vendor == "postgresql", "la suite de tests tourne sur PostgreSQL"
        call_command("charger_cper", verbosity=0)


@pytest.fixture
def contrat_recharge(request, django_db_blocker):
    """A `django_db(transaction=True)` test commits what it writes (so that another process,
    such as the server of the browser tests, sees it) and ends by emptying every table;
    pytest-django runs such tests after all the others. At the start of a transactional test,
    this fixture loads the contract again if a previous one left the base empty."""
    marqueur = request.node.get_closest_marker("django_db")
    transactionnel = marqueur and (
        marqueur.kwargs.get("transaction") or (marqueur.args and marqueur.args[0])
    )
    if transactionnel and not Contrat.objects.exists():
        with django_db_blocker.unblock():
            call_command("charger_cper", verbosity=0)


@pytest.fixture(autouse=True)
def _acces_base(db, contrat_recharge):
    """Every test may read the loaded contract; each one runs in a rolled-back transaction,
    unless marked `django_db(transaction=True)`."""


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
