"""What pages read of the programme on each request (the list's filter choices, the programme's
tree) comes from the cache, and a change of the programme shows at once."""

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from axes.chargement import charger_contrat
from axes.models import Contrat, Niveau, Noeud, Signataire
from socle.chargement import Bilan

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "cper-hdf-2021-2027.json"


@pytest.fixture
def avec_cache(settings):
    settings.PROGRAMME_CACHE_SECONDES = 60
    cache.clear()
    yield
    cache.clear()


def _page(client, url):
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
    assert reponse.status_code == 200
    return reponse.content.decode(), [r["sql"] for r in requetes.captured_queries]


def _lit(requetes, table):
    return sum(f'FROM "{table}"' in sql for sql in requetes)


def test_les_choix_des_filtres_viennent_du_cache_une_fois_lus(client, administrateur, avec_cache):
    client.force_login(administrateur)
    page, froid = _page(client, "/projets/")
    assert "Région Hauts-de-France" in page and "Axe VI" in page
    page, chaud = _page(client, "/projets/")
    assert "Région Hauts-de-France" in page and "Axe VI" in page
    assert _lit(froid, "axes_signataire") >= 1 and _lit(chaud, "axes_signataire") == 0
    # The départements of the choices (those of the rows are read with them).
    assert not any('FROM "axes_departement" ORDER BY' in sql for sql in chaud)
    assert any('FROM "axes_departement" ORDER BY' in sql for sql in froid)
    assert len(chaud) < len(froid)


def test_un_axe_ajoute_est_un_choix_du_filtre_et_une_branche_du_programme_aussitot(
    client, administrateur, avec_cache
):
    client.force_login(administrateur)
    client.get("/projets/")
    client.get("/programme/")
    contrat = Contrat.objects.get()
    Noeud.objects.create(
        contrat=contrat,
        code="VII",
        niveau=Niveau.AXE,
        ordre=7,
        position=10_000,
        titre_imprime="AXE VII – Axe ajouté par avenant",
        titre="Axe ajouté par avenant",
        ligne=1,
    )
    page, _ = _page(client, "/projets/")
    assert '<option value="VII">Axe VII</option>' in page
    page, _ = _page(client, "/programme/")
    assert "Axe ajouté par avenant" in page
    # And the new choice filters: the axis has no dossier yet.
    assert client.get("/projets/?axe=VII").status_code == 200


def test_le_chargeur_qui_renomme_un_signataire_et_une_mesure_se_voit_aussitot(
    client, administrateur, avec_cache
):
    client.force_login(administrateur)
    page, _ = _page(client, "/projets/")
    assert "Région Hauts-de-France" in page
    mesure = Noeud.objects.filter(niveau=Niveau.MESURE).order_by("position").first()
    page, _ = _page(client, "/programme/")
    assert mesure.titre in page
    donnees = copy.deepcopy(json.loads(FIXTURE.read_text(encoding="utf-8")))
    for s in donnees["signataires"]:
        if s["code"] == "region":
            s["nom"] = "Conseil régional des Hauts-de-France"
    for n in donnees["noeuds"]:
        if n["code"] == mesure.code:
            n["titre"] = "Mesure renommée par le chargeur"
    charger_contrat(donnees=donnees, bilan=Bilan())
    assert Signataire.objects.get(code="region").nom == "Conseil régional des Hauts-de-France"
    page, _ = _page(client, "/projets/")
    assert "Conseil régional des Hauts-de-France" in page
    page, _ = _page(client, "/programme/")
    assert "Mesure renommée par le chargeur" in page


def test_sans_duree_de_cache_rien_n_est_garde(client, administrateur):
    """The tests' default (and a setting of 0): read on every request."""
    client.force_login(administrateur)
    _page(client, "/projets/")
    _, requetes = _page(client, "/projets/")
    assert _lit(requetes, "axes_signataire") >= 1
