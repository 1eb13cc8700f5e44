"""List endpoints answer in a number of queries that does not grow with the rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from financement.services import engagement_enregistrer, paiement_enregistrer, projet_programmer
from projets.services import projet_creer
from tests.factories.projets import dater_la_programmation

LISTES = [
    "/api/v1/projets/",
    "/api/v1/financement/lignes/",
    "/api/v1/financement/engagements/",
    "/api/v1/signataires/",
    "/api/v1/mesures/",
    "/api/v1/avenants/",
]


@pytest.fixture
def programmer(porteur, administrateur, agent, donnees_completes, retenir):
    def faire(nombre: int) -> None:
        for _ in range(nombre):
            projet = retenir(projet_creer(donnees=donnees_completes(), par=porteur))
            dater_la_programmation(projet_programmer(projet=projet, par=administrateur))
            ligne = projet.lignes_programmees.get(signataire__code="region")
            engagement = engagement_enregistrer(
                ligne=ligne,
                par=agent,
                date_acte=date(2026, 3, 1),
                type_acte="arrete",
                reference="ARR",
                montant=Decimal("1000.00"),
                annee_budgetaire=2026,
            )
            paiement_enregistrer(
                engagement=engagement,
                par=agent,
                date_paiement=date(2026, 4, 1),
                montant=Decimal("10.00"),
                type_="acompte",
            )

    return faire


def compter(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
    assert reponse.status_code == 200
    corps = reponse.json()
    lignes = corps["count"] if isinstance(corps, dict) else len(corps)
    return len(requetes), lignes


def test_les_listes_repondent_en_un_nombre_constant_de_requetes(client, lecteur, programmer):
    client.force_login(lecteur)
    programmer(2)
    petit = {url: compter(client, url) for url in LISTES}
    programmer(10)
    grand = {url: compter(client, url) for url in LISTES}
    for url in LISTES:
        assert grand[url][0] == petit[url][0], (url, petit[url], grand[url])
        assert grand[url][0] <= 8, (url, grand[url])
    assert grand["/api/v1/financement/lignes/"][1] == 24
    print({url: petit[url][0] for url in LISTES})
