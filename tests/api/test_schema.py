"""The published OpenAPI schema: valid without a warning, and every operation, parameter and
field described in French."""

import yaml
from django.core.management import call_command


def test_le_schema_se_valide_sans_avertissement(tmp_path):
    fichier = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(fichier))
    assert fichier.stat().st_size > 10_000


def _proprietes_sans_description(nom, schema):
    return [
        f"{nom}.{cle}"
        for cle, propriete in (schema.get("properties") or {}).items()
        if not propriete.get("description")
    ]


def test_chaque_operation_parametre_et_champ_est_decrit(client):
    reponse = client.get("/api/schema/")
    assert reponse.status_code == 200
    schema = yaml.safe_load(reponse.content)
    manques = []
    for chemin, operations in schema["paths"].items():
        for methode, operation in operations.items():
            if not operation.get("summary"):
                manques.append(f"{methode.upper()} {chemin} : summary")
            manques += [
                f"{methode.upper()} {chemin} : paramètre {p['name']}"
                for p in operation.get("parameters", [])
                if not p.get("description")
            ]
    for nom, composant in schema["components"]["schemas"].items():
        manques += _proprietes_sans_description(nom, composant)
    assert manques == []


def test_les_jeux_ouverts_et_les_exports_sont_publies_dans_le_schema(client):
    chemins = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    for chemin in [
        "/api/v1/donnees/projets-programmes.csv",
        "/api/v1/donnees/projets-programmes.json",
        "/api/v1/donnees/projets-programmes.xlsx",
        "/api/v1/donnees/subventions-scdl.csv",
        "/api/v1/exports/projets.csv",
        "/api/v1/exports/lignes.xlsx",
        "/api/v1/exports/engagements.csv",
        "/api/v1/exports/paiements.csv",
    ]:
        assert "get" in chemins[chemin], chemin
    assert (
        "text/csv"
        in chemins["/api/v1/donnees/subventions-scdl.csv"]["get"]["responses"]["200"]["content"]
    )
