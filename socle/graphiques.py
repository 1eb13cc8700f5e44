"""Server-side charts drawn as inline SVG: no JavaScript library, nothing from outside.

`barres_horizontales` lays out a horizontal bar chart (one group of bars per row, one bar per
series: the envelope today; programmed, committed and paid amounts later) and returns the
geometry the template `components/graphique_barres.html` draws.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from socle.montants import format_meuros, format_taux, taux

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
    libelle: str  # as drawn: cut to fit the labels' column
    y_libelle: int
    barres: list[Barre]
    libelle_complet: str = ""


# What the labels' column holds at the chart's font size; a longer label is cut with « … »
# (the full one stays in the bar's tooltip and in the data table).
LONGUEUR_LIBELLE = 46


def _libelle_court(libelle: str) -> str:
    if len(libelle) <= LONGUEUR_LIBELLE:
        return libelle
    return libelle[: LONGUEUR_LIBELLE - 1].rstrip() + "…"


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
    echelle: Decimal | None = None,
) -> Graphique:
    """`lignes`: (label, one value per series). Bars share one scale, from zero to `echelle`
    (100 for shares in percent, an envelope for amounts taken from it), by default the
    largest value; a missing value (None) draws no bar."""
    valeurs = [Decimal(v) for _, vs in lignes for v in vs if v is not None]
    maximum = max([*valeurs, Decimal(echelle or 0)], default=Decimal(0))
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
        groupes.append(
            Groupe(_libelle_court(libelle), y + hauteur_groupe // 2 + 5, barres, libelle)
        )
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


# --- The envelope gauge: programmé, engagé and payé against the envelope, to scale ---------
LARGEUR_JAUGE = 1000  # the SVG's own unit: a bar of 1000 is the whole envelope


@dataclass(frozen=True)
class BarreJauge:
    serie: Serie
    montant: Decimal
    part: str  # « 12,5 % », « moins de 0,1 % »
    largeur: Decimal  # out of LARGEUR_JAUGE, to a tenth; a non-zero amount always shows


def jauge(total: Decimal, valeurs: Sequence[tuple[Serie, Decimal]]) -> list[BarreJauge]:
    """One bar per amount, each on the scale of `total` (the envelope in force), to a tenth of
    the SVG's unit: 0,1 % draws a thousandth of the track, never a full bar; an amount under
    0,1 % draws that same thousandth, so that it shows. The share is written beside it (and
    the CSS gives each bar a one-pixel outline, so that a thousandth shows on a phone too)."""
    barres = []
    for serie, montant in valeurs:
        part = taux(montant, total)
        texte = "moins de 0,1\u00a0%" if montant and part == 0 else format_taux(part)
        exacte = Decimal(montant) * LARGEUR_JAUGE / total if total else Decimal(0)
        largeur = exacte.quantize(Decimal("0.1"), ROUND_HALF_UP)
        if montant:
            largeur = max(largeur, Decimal(1))
        barres.append(BarreJauge(serie, Decimal(montant), texte, largeur))
    return barres
