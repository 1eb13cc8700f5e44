"""The OpenAPI schema suits generated clients: ASCII tags and operation ids, binary XLSX
responses, the open-data JSON described column by column."""

import re

from financement.donnees_ouvertes import COLONNES_PROJETS_PROGRAMMES
from socle.exports import XLSX_CONTENT_TYPE


def schema(client):
    return client.get("/api/schema/?format=json").json()


def test_les_etiquettes_et_les_operations_ont_des_noms_ascii(client):
    s = schema(client)
    etiquettes = {t["name"]: t["description"] for t in s["tags"]}
    assert etiquettes["donnees-ouvertes"] == "Données ouvertes"
    assert "v1" not in etiquettes
    for operations in s["paths"].values():
        for operation in operations.values():
            assert re.fullmatch(r"[A-Za-z0-9_]+", operation["operationId"])
            assert all(re.fullmatch(r"[a-z0-9-]+", t) for t in operation["tags"])
            assert set(operation["tags"]) <= set(etiquettes)


def test_les_classeurs_sont_des_reponses_binaires(client):
    chemins = [c for c in schema(client)["paths"] if c.endswith(".xlsx")]
    # The portal's own exports (5), the indicators' open data and the forecasts (issue 16).
    assert len(chemins) == 7
    for chemin in chemins:
        contenu = schema(client)["paths"][chemin]["get"]["responses"]["200"]["content"]
        assert contenu == {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}


def test_le_json_des_donnees_ouvertes_est_decrit(client):
    chemin = "/api/v1/donnees/projets-programmes.json"
    reponse = schema(client)["paths"][chemin]["get"]["responses"]["200"]
    elements = reponse["content"]["application/json"]["schema"]["items"]
    assert list(elements["properties"]) == [c.key for c in COLONNES_PROJETS_PROGRAMMES]
    assert elements["properties"]["montant_programme"]["format"] == "decimal"
