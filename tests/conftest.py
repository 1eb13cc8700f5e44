from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from axes.models import Contrat, Departement, Noeud, Signataire
from comptes.models import Organisation, Role, TypeOrganisation, Utilisateur
from financement.services import projet_programmer
from projets.models import NatureFinancement, Projet, SourceFinancement, Statut
from projets.services import (
    DonneesProjet,
    LigneSaisie,
    PhaseSaisie,
    projet_creer,
)
from tests.factories.projets import dater_la_programmation

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


@pytest.fixture
def universite():
    return Organisation.objects.create(
        nom="Université de test", type=TypeOrganisation.ENSEIGNEMENT_RECHERCHE
    )


@pytest.fixture
def commune():
    return Organisation.objects.create(nom="Commune d'ailleurs", type=TypeOrganisation.COMMUNE)


@pytest.fixture
def porteur(creer_utilisateur, universite):
    return creer_utilisateur("porteur", role=Role.PORTEUR, organisation=universite)


@pytest.fixture
def porteur_autre(creer_utilisateur, commune):
    return creer_utilisateur("porteur.autre", role=Role.PORTEUR, organisation=commune)


@pytest.fixture
def agent(creer_utilisateur):
    return creer_utilisateur(
        "agent.region",
        role=Role.AGENT,
        organisation=Signataire.objects.get(code="region").organisation,
    )


@pytest.fixture
def administrateur(creer_utilisateur):
    return creer_utilisateur("admin", role=Role.ADMINISTRATEUR)


@pytest.fixture
def lecteur(creer_utilisateur):
    return creer_utilisateur("lecteur", role=Role.LECTEUR)


@pytest.fixture
def donnees_completes():
    """A dossier that passes every filing rule: 1 000 000,00 € balanced by three lines."""

    def fabriquer(**surcharges) -> DonneesProjet:
        region = Signataire.objects.get(code="region")
        etat = Signataire.objects.get(code="etat")
        valeurs = {
            "titre": "Réhabilitation du bâtiment B",
            "description": "Rénovation énergétique d'un bâtiment d'enseignement.",
            "mesure": Noeud.objects.get(code="IV.2.1.a"),
            "departements": [Departement.objects.get(code_insee="59")],
            "communes": [("59009", "Villeneuve-d'Ascq")],
            "date_debut": date(2026, 1, 1),
            "date_fin": date(2027, 6, 30),
            "cout_total_ht": Decimal("1000000.00"),
            "decarbonation": "favorable",
            "decarbonation_justification": "Chauffage par pompe à chaleur.",
            "impact_environnemental": "favorable",
            "impact_environnemental_justification": "Matériaux biosourcés.",
            "egalite_femmes_hommes": "neutre",
            "egalite_femmes_hommes_justification": "Accès égal aux locaux.",
            "lignes": [
                LigneSaisie(Decimal("400000.00"), NatureFinancement.CPER, signataire_id=region.pk),
                LigneSaisie(Decimal("350000.00"), NatureFinancement.CPER, signataire_id=etat.pk),
                LigneSaisie(
                    Decimal("250000.00"),
                    NatureFinancement.HORS_CPER,
                    source=SourceFinancement.FONDS_PROPRES,
                ),
            ],
            "phases": [PhaseSaisie("etudes", 2026, 2026), PhaseSaisie("travaux", 2026, 2027)],
        }
        valeurs.update(surcharges)
        return DonneesProjet(**valeurs)

    return fabriquer


@pytest.fixture
def projet_brouillon(porteur, donnees_completes):
    return projet_creer(donnees=donnees_completes(), par=porteur)


@pytest.fixture
def base_transactionnelle_avec_contrat(transactional_db):
    """Real commits, for tests whose other processes (a Celery worker) must see the data.

    A transactional test empties every table when it ends: the contract is loaded again
    afterwards so that the tests after it still find it (`charger_cper` is idempotent).
    """
    call_command("charger_cper", verbosity=0)
    yield
    call_command("charger_cper", verbosity=0)


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
    """A retained dossier programmed on `PROGRAMME_LE`: Région 400 000,00 €, État 350 000,00 €
    (CPER lines)."""
    projet = retenir(projet_creer(donnees=donnees_completes(), par=porteur))
    return dater_la_programmation(projet_programmer(projet=projet, par=administrateur))


@pytest.fixture
def ligne_region(projet_programme):
    return projet_programme.lignes_programmees.get(signataire__code="region")
