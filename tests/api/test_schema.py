"""The published OpenAPI schema: valid without a warning, and every operation, parameter and
field described in French."""

import re

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


def _objets_libres(noeud, chemin="") -> list[str]:
    """Where the schema says only « an object » (`additionalProperties: {}`, no property)."""
    trouves = []
    if isinstance(noeud, dict):
        if (
            noeud.get("type") == "object"
            and not noeud.get("properties")
            and noeud.get("additionalProperties") in ({}, True, None)
        ):
            trouves.append(chemin)
        for cle, valeur in noeud.items():
            trouves += _objets_libres(valeur, f"{chemin}/{cle}")
    elif isinstance(noeud, list):
        for rang, valeur in enumerate(noeud):
            trouves += _objets_libres(valeur, f"{chemin}[{rang}]")
    return trouves


def _proprietes(composant: dict) -> dict:
    return composant["properties"]


def _ref(propriete: dict) -> str:
    """The component a property points to, directly, in `allOf` or in its items."""
    if "items" in propriete:
        return _ref(propriete["items"])
    if "allOf" in propriete:
        return propriete["allOf"][0]["$ref"]
    return propriete["$ref"]


def test_la_gouvernance_est_typee_composant_par_composant(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    composants = schema["components"]["schemas"]
    chemins = schema["paths"]
    # Only the programme's tree (recursive) stays a free object.
    assert _objets_libres(schema) == ["/components/schemas/Branche/properties/enfants/items"]

    grille = chemins["/api/v1/grille/"]["get"]["responses"]["200"]["content"]
    assert grille["application/json"]["schema"] == {"$ref": "#/components/schemas/GrilleSortie"}
    requis = set(composants["GrilleSortie"]["required"])
    assert requis == {"version", "libelle", "source", "criteres"}
    assert _ref(_proprietes(composants["GrilleSortie"])["criteres"]).endswith("/CritereSortie")
    critere = _proprietes(composants["CritereSortie"])
    assert critere["echelle_max"]["type"] == "integer" and critere["echelle_max"]["minimum"] == 1
    assert critere["poids"]["format"] == "decimal"

    seance = _proprietes(composants["SeanceDetail"])
    assert _ref(seance["quorum"]).endswith("/QuorumSortie")
    assert _ref(seance["ordre_du_jour"]).endswith("/PointSortie")
    assert _ref(seance["presences"]).endswith("/PresenceSortie")
    quorum = _proprietes(composants["QuorumSortie"])
    assert {nom: p["type"] for nom, p in quorum.items()} == {
        "votants": "integer",
        "presents": "integer",
        "requis": "integer",
        "atteint": "boolean",
    }
    decision = _proprietes(composants["PointSortie"])["decision"]
    assert _ref(decision).endswith("/DecisionSortie") and decision["nullable"] is True
    assert _ref(_proprietes(composants["ProcesVerbal"])["votes"]).endswith("/VoteSortie")
    pv = chemins["/api/v1/seances/{id}/proces-verbal/"]["get"]["responses"]["200"]["content"]
    assert pv["application/json"]["schema"] == {"$ref": "#/components/schemas/ProcesVerbal"}

    for methode in ("get", "post"):
        evaluation = chemins["/api/v1/evaluations/{reference}/"][methode]["responses"]["200"]
        assert evaluation["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ResultatsGrille"
        }
    avis = _proprietes(composants["CofinanceurInstruction"])["avis"]
    assert {r["$ref"].rsplit("/", 1)[1] for r in avis["oneOf"]} == {"AvisEnum", "BlankEnum"}

    (action,) = [
        p
        for p in chemins["/api/v1/seances/{id}/{action}/"]["post"]["parameters"]
        if p["name"] == "action"
    ]
    assert action["in"] == "path"
    assert action["schema"] == {"type": "string", "enum": ["clore", "convoquer", "ouvrir"]}


def test_un_montant_de_ligne_est_documente_avec_son_vrai_minimum(client):
    """Zero is refused on a plan's line: the schema says 0.01 at least, with a pattern that
    refuses zero; an amount that may be zero says 0."""
    schema = yaml.safe_load(client.get("/api/schema/").content)
    composants = schema["components"]["schemas"]
    for nom in ("LigneEntreeRequest", "LigneReequilibrageRequest"):
        montant = _proprietes(composants[nom])["montant"]
        assert montant["minimum"] == 0.01, nom
        motif = re.compile(montant["pattern"])
        assert all(motif.match(t) for t in ("0.01", "1", "250000.50", "10.0"))
        assert not any(motif.match(t) for t in ("0", "0.00", "00.0", "-1", "1e3", "1.234"))
    cout = _proprietes(composants["ReequilibrageEntreeRequest"])["cout_total_ht"]
    assert "minimum" not in cout and re.compile(cout["pattern"]).match("0")
    ht = _proprietes(composants["DepenseRequest"])["montant_ht"]
    assert ht["minimum"] == 0


def test_les_erreurs_de_lignes_sont_un_composant_documente(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    composants = schema["components"]["schemas"]
    lignes = composants["ErreurDeSaisie"]["properties"]["lignes"]
    assert _ref(lignes).endswith("/ErreursDeLignes")
    erreurs = composants["ErreursDeLignes"]
    assert erreurs["type"] == "array"
    messages = {"type": "array", "items": {"type": "string"}}
    assert erreurs["items"]["additionalProperties"] == messages
    assert erreurs["example"] == [{}, {"montant": ["Le montant doit être supérieur à zéro."]}]


def test_la_grille_repond_ce_que_dit_son_composant(client, agent):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    composants = schema["components"]["schemas"]
    client.force_login(agent)
    grille = client.get("/api/v1/grille/").json()
    assert set(grille) == set(_proprietes(composants["GrilleSortie"]))
    assert grille["criteres"]
    for critere in grille["criteres"]:
        assert set(critere) == set(_proprietes(composants["CritereSortie"]))
        assert isinstance(critere["echelle_max"], int) and critere["echelle_max"] >= 1
        assert re.fullmatch(r"[0-9]+\.[0-9]{2}", critere["poids"])
