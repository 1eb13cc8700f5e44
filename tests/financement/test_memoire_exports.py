"""The open-data CSV streams: its peak memory grows far less than its rows (tenfold), though
it is not flat yet.

Measured with tracemalloc while the streamed response is read to the end, at 1 000 and
10 000 programmed lines (`pytest -m lent -s` prints the figures).
"""

import time
import tracemalloc
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from axes.models import Departement, Noeud, Signataire
from financement.models import LigneProgrammee
from projets.models import LignePlanFinancement, NatureFinancement, Projet, Statut


def charger(nombre: int, par, depart: int) -> None:
    mesure = Noeud.objects.get(code="IV.2.1.a")
    region = Signataire.objects.get(code="region")
    projets = Projet.objects.bulk_create(
        Projet(
            reference=f"HDF-2099-{depart + i:05d}",
            titre=f"Projet de charge n° {depart + i}",
            mesure=mesure,
            statut=Statut.PROGRAMME,
            cout_total_ht=Decimal("1000.00"),
        )
        for i in range(nombre)
    )
    nord = Departement.objects.get(code_insee="59")
    Projet.departements.through.objects.bulk_create(
        Projet.departements.through(projet_id=p.pk, departement_id=nord.pk) for p in projets
    )
    plans = LignePlanFinancement.objects.bulk_create(
        LignePlanFinancement(
            projet=p, signataire=region, nature=NatureFinancement.CPER, montant=Decimal("100.00")
        )
        for p in projets
    )
    LigneProgrammee.objects.bulk_create(
        LigneProgrammee(
            ligne_plan=plan,
            projet=plan.projet,
            signataire=region,
            noeud=mesure,
            montant_programme=plan.montant,
            par=par,
        )
        for plan in plans
    )


def lire(client) -> int:
    reponse = client.get("/api/v1/donnees/projets-programmes.csv")
    return sum(morceau.count(b"\r\n") for morceau in reponse.streaming_content) - 1


def mesurer(client) -> tuple[int, float, int, int]:
    """Time (without tracemalloc, which slows Python down), then peak memory and queries."""
    debut = time.perf_counter()
    lignes = lire(client)
    duree = time.perf_counter() - debut
    reset_queries()
    tracemalloc.start()
    with CaptureQueriesContext(connection) as requetes:
        lire(client)
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return pic, duree, lignes, len(requetes)


@pytest.mark.lent
def test_la_memoire_de_l_export_csv_reste_plate(client, administrateur):
    lire(client)  # warm-up: imports and caches are not the export's memory
    charger(1_000, administrateur, 0)
    pic_petit, duree_petit, lignes, requetes_petit = mesurer(client)
    assert lignes == 1_000
    charger(9_000, administrateur, 1_000)
    pic_grand, duree_grand, lignes, requetes_grand = mesurer(client)
    assert lignes == 10_000
    print(
        f"\n1 000 lignes : pic {pic_petit / 1e6:.2f} Mo, {duree_petit:.2f} s, "
        f"{requetes_petit} requêtes ; 10 000 lignes : pic {pic_grand / 1e6:.2f} Mo, "
        f"{duree_grand:.2f} s, {requetes_grand} requêtes"
    )
    # Ten times the rows, well under ten times the memory. Measured 11.4-11.6 Mo → 25.8-36.4 Mo
    # between runs: sub-linear but NOT flat yet (see the README); this guards against a
    # regression to a fully buffered export, it does not prove flatness.
    assert pic_grand < 5 * pic_petit
    # One query for the rows and one for the départements per chunk of 1 000: no per-row query.
    assert requetes_grand <= 2 * 10 + 5
