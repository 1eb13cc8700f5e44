"""Server-side charts drawn as inline SVG: no JavaScript library, nothing from outside.

`barres_horizontales` lays out a horizontal bar chart (one group of bars per row, one bar per
series: the envelope today; programmed, committed and paid amounts later) and returns the
geometry the template `components/graphique_barres.html` draws.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from socle.montants import format_meuros

LARGEUR = 860
LARGEUR_LIBELLES = 350
LARGEUR_VALEURS = 110
HAUTEUR_BARRE = 16
ECART_BARRES = 2
ECART_GROUPES = 12
MARGE_HAUTE = 4


@dataclass(frozen=True)
class Serie:
    nom: str
    classe: str  # CSS modifier: graphique-barres__barre--<classe>


@dataclass(frozen=True)
class Barre:
    serie: Serie
    valeur: Decimal
    texte: str
    x: int
    y: int
    largeur: int
    hauteur: int

    @property
    def x_texte(self) -> int:
        return self.x + self.largeur + 6

    @property
    def y_texte(self) -> int:
        return self.y + self.hauteur - 4


@dataclass(frozen=True)
class Groupe:
    libelle: str
    y_libelle: int
    barres: list[Barre]


@dataclass(frozen=True)
class Graphique:
    titre: str
    description: str
    series: list[Serie]
    groupes: list[Groupe]
    largeur: int
    hauteur: int
    x_axe: int


def barres_horizontales(
    lignes: Sequence[tuple[str, Sequence[Decimal | None]]],
    *,
    series: Sequence[Serie],
    titre: str,
    description: str,
    formater: Callable[[Decimal], str] = format_meuros,
) -> Graphique:
    """`lignes`: (label, one value per series). Bars share one scale, from zero to the
    largest value; a missing value (None) draws no bar."""
    valeurs = [Decimal(v) for _, vs in lignes for v in vs if v is not None]
    maximum = max(valeurs, default=Decimal(0))
    zone = LARGEUR - LARGEUR_LIBELLES - LARGEUR_VALEURS
    hauteur_groupe = len(series) * (HAUTEUR_BARRE + ECART_BARRES) - ECART_BARRES
    groupes = []
    y = MARGE_HAUTE
    for libelle, vs in lignes:
        if len(vs) != len(series):
            raise ValueError(f"{libelle} : {len(vs)} valeurs pour {len(series)} séries")
        barres = []
        for rang, (serie, valeur) in enumerate(zip(series, vs, strict=True)):
            if valeur is None:
                continue
            largeur = int(Decimal(valeur) * zone / maximum) if maximum else 0
            barres.append(
                Barre(
                    serie=serie,
                    valeur=Decimal(valeur),
                    texte=formater(Decimal(valeur)),
                    x=LARGEUR_LIBELLES,
                    y=y + rang * (HAUTEUR_BARRE + ECART_BARRES),
                    largeur=max(largeur, 1) if valeur else 0,
                    hauteur=HAUTEUR_BARRE,
                )
            )
        groupes.append(Groupe(libelle, y + hauteur_groupe // 2 + 5, barres))
        y += hauteur_groupe + ECART_GROUPES
    return Graphique(
        titre=titre,
        description=description,
        series=list(series),
        groupes=groupes,
        largeur=LARGEUR,
        hauteur=y - ECART_GROUPES + MARGE_HAUTE,
        x_axe=LARGEUR_LIBELLES,
    )
