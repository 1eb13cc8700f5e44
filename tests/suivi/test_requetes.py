"""The forecast page and the mid-term pack read a fixed number of queries whatever the number
of dossiers (the measure at 20 000 dossiers is `make bench`'s)."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from financement.services import projet_programmer
from projets.services import projet_creer
from suivi.services import echeancier_definir


def _requetes(client, url):
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def _programmer(n, porteur, administrateur, agent, donnees_completes, retenir):
    for _ in range(n):
        projet = projet_programmer(
            projet=retenir(projet_creer(donnees=donnees_completes(), par=porteur)),
            par=administrateur,
        )
        ligne = projet.lignes_programmees.get(signataire__code="region")
        echeancier_definir(
            ligne=ligne, echeances={2026: (Decimal("1.00"), Decimal("1.00"))}, par=agent
        )


def test_nombre_de_requetes_constant(
    client, porteur, administrateur, agent, donnees_completes, retenir
):
    client.force_login(administrateur)
    _programmer(1, porteur, administrateur, agent, donnees_completes, retenir)
    urls = ["/suivi/signataires/region/previsions/", "/suivi/bilan-mi-parcours/"]
    avant = [_requetes(client, url) for url in urls]
    _programmer(4, porteur, administrateur, agent, donnees_completes, retenir)
    assert [_requetes(client, url) for url in urls] == avant
