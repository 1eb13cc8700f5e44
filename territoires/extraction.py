"""Derive `territoires/donnees/hauts-de-france.json` from the npm package
`@etalab/decoupage-administratif` (INSEE's Code officiel géographique, the DGCL's EPCI list and
INSEE's legal populations; data under the Licence Ouverte 2.0, code MIT).

The package is pinned by `tools/decoupage/package-lock.json`; `make territoires-donnees`
installs it there and runs `manage.py territoires_donnees`, which calls `extraire`. The portal
reads only the compact JSON written here, never the package, and makes no outside request.
"""

import json
from pathlib import Path
from typing import Any

REGION = "32"
DEPARTEMENTS = ("02", "59", "60", "62", "80")
FICHIER = Path(__file__).resolve().parent / "donnees" / "hauts-de-france.json"
PAQUET = (
    Path(__file__).resolve().parent.parent
    / "tools"
    / "decoupage"
    / "node_modules"
    / "@etalab"
    / "decoupage-administratif"
)


def _lire(paquet: Path, nom: str) -> Any:
    return json.loads((paquet / "data" / nom).read_text(encoding="utf-8"))


def _population(commune: dict[str, Any]) -> int:
    return int(commune.get("population") or 0)


def extraire(paquet: Path = PAQUET) -> dict[str, Any]:
    """The communes of the five départements (code, name, département, EPCI, population), their
    EPCIs and départements, in a compact form (lists rather than objects)."""
    version = json.loads((paquet / "package.json").read_text(encoding="utf-8"))["version"]
    communes = [
        c
        for c in _lire(paquet, "communes.json")
        if c.get("type") == "commune-actuelle" and c.get("departement") in DEPARTEMENTS
    ]
    codes = {c["code"] for c in communes}
    epci_de: dict[str, str] = {}
    epcis = []
    for epci in _lire(paquet, "epci.json"):
        membres = [m["code"] for m in epci["membres"] if m["code"] in codes]
        if not membres:
            continue
        epcis.append([epci["code"], epci["nom"], epci["type"]])
        for code in membres:
            epci_de[code] = epci["code"]
    departements = [
        [d["code"], d["nom"]]
        for d in _lire(paquet, "departements.json")
        if d["code"] in DEPARTEMENTS
    ]
    return {
        "source": f"@etalab/decoupage-administratif {version}",
        "description": (
            "Communes, EPCI à fiscalité propre et départements des Hauts-de-France, avec la "
            "population légale de chaque commune, extraits du paquet npm "
            "@etalab/decoupage-administratif "
            "(Code officiel géographique de l'INSEE, liste des EPCI de la DGCL, populations "
            "légales de l'INSEE)."
        ),
        "licence": "Licence Ouverte 2.0 (Etalab) pour les données, MIT pour le code du paquet",
        "region": [REGION, "Hauts-de-France"],
        "departements": sorted(departements),
        "epci": sorted(epcis),
        "communes": sorted(
            [
                c["code"],
                c["nom"],
                c["departement"],
                epci_de.get(c["code"], ""),
                c.get("population", 0),
            ]
            for c in communes
        ),
    }


def ecrire(donnees: dict[str, Any], fichier: Path = FICHIER) -> None:
    texte = json.dumps(donnees, ensure_ascii=False, separators=(",", ":"))
    # One commune per line: a regeneration reads as a small diff.
    texte = texte.replace("],[", "],\n[")
    fichier.write_text(texte + "\n", encoding="utf-8")
