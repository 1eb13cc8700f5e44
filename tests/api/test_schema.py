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


def test_chaque_operation_documente_ses_refus_sous_deux_formes(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    composants = schema["components"]["schemas"]
    assert composants["ErreurSimple"]["required"] == ["detail"]
    assert "additionalProperties" in composants["ErreurDeSaisie"]
    for chemin, operations in schema["paths"].items():
        for methode, operation in operations.items():
            reponses = operation["responses"]
            assert "429" in reponses, (methode, chemin)
            anonyme = {} in operation.get("security", [{}])
            if not anonyme:
                assert {"401", "403"} <= set(reponses), (methode, chemin)
            if methode in ("post", "put", "patch", "delete"):
                assert {"400", "409"} <= set(reponses), (methode, chemin)
            if "{" in chemin:
                assert "404" in reponses, (methode, chemin)
    action = schema["paths"]["/api/v1/projets/{reference}/{action}/"]["post"]["responses"]
    assert action["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErreurSimple"
    }


def test_un_refus_de_l_api_a_la_forme_documentee(client, agent):
    """A 404 and a 400 as the schema says: `detail` alone, or fields with their messages."""
    client.force_login(agent)
    introuvable = client.get("/api/v1/projets/HDF-2099-0001/")
    assert introuvable.status_code == 404
    assert set(introuvable.json()) == {"detail"}
    refus = client.get("/api/v1/projets/?annee=1800")
    assert refus.status_code == 400
    assert all(isinstance(v, list) for v in refus.json().values())
