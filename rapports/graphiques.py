"""Bar charts of the reports, drawn on the server as inline SVG (no JavaScript, no image file).

A chart is a list of rectangles and texts whose geometry is computed here, in `Decimal`;
`templates/rapports/graphique.html` only prints them. Colours are those of the DSFR.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from socle.montants import format_meuros

BLEU_FRANCE = "#000091"
BLEU_MOYEN = "#6a6af4"
BLEU_CLAIR = "#cacafb"
GRIS_CLAIR = "#eeeeee"
TEXTE = "#161616"
DIXIEME = Decimal("0.1")


@dataclass(frozen=True)
class Rectangle:
    x: Decimal
    y: Decimal
    largeur: Decimal
    hauteur: Decimal
    couleur: str
    bordure: str = ""


@dataclass(frozen=True)
class Texte:
    x: Decimal
    y: Decimal
    texte: str
    ancre: str = "start"
    gras: bool = False
    taille: int = 8


@dataclass
class Graphique:
    """What the template draws: a view box, rectangles, texts and a description for readers."""

    largeur: int
    hauteur: int
    description: str
    rectangles: list[Rectangle] = field(default_factory=list)
    textes: list[Texte] = field(default_factory=list)


@dataclass(frozen=True)
class Serie:
    nom: str
    couleur: str
    bordure: str = ""


def _longueur(valeur: Decimal, plus_grand: Decimal, largeur_max: int) -> Decimal:
    if not plus_grand or valeur <= 0:
        return Decimal("0.0")
    return (Decimal(valeur) * largeur_max / plus_grand).quantize(DIXIEME)


def _legende(graphique: Graphique, series: list[Serie], x: int, y: int) -> None:
    for serie in series:
        graphique.rectangles.append(
            Rectangle(
                Decimal(x), Decimal(y), Decimal(10), Decimal(10), serie.couleur, serie.bordure
            )
        )
        graphique.textes.append(Texte(Decimal(x + 14), Decimal(y + 9), serie.nom))
        x += 14 + 6 * len(serie.nom) + 18


def barres_empilees(
    *, lignes: list[tuple[str, list[Decimal]]], series: list[Serie], description: str
) -> Graphique:
    """One horizontal bar per line, its segments laid end to end, its length their total.

    For the execution of an envelope the segments are payé, engagé non payé, programmé non
    engagé and disponible: the bar is the envelope, the dark part what is already paid.
    """
    hauteur_barre, pas, largeur_max, x_barres, haut = 16, 24, 300, 220, 22
    totaux = [sum(segments, Decimal(0)) for _, segments in lignes]
    plus_grand = max(totaux, default=Decimal(0))
    graphique = Graphique(
        largeur=x_barres + largeur_max + 90,
        hauteur=haut + len(lignes) * pas,
        description=description,
    )
    _legende(graphique, series, 0, 0)
    for rang, ((libelle, segments), total) in enumerate(zip(lignes, totaux, strict=True)):
        y = Decimal(haut + rang * pas)
        graphique.textes.append(Texte(Decimal(x_barres - 6), y + 12, libelle, ancre="end"))
        x = Decimal(x_barres)
        for serie, valeur in zip(series, segments, strict=True):
            longueur = _longueur(valeur, plus_grand, largeur_max)
            if longueur > 0:
                graphique.rectangles.append(
                    Rectangle(x, y, longueur, Decimal(hauteur_barre), serie.couleur, serie.bordure)
                )
                x += longueur
        graphique.textes.append(Texte(x + 6, y + 12, format_meuros(total)))
    return graphique


def barres_groupees(
    *, groupes: list[tuple[str, list[Decimal]]], series: list[Serie], description: str
) -> Graphique:
    """Horizontal bars side by side, one per series, for each group (an axis, a year)."""
    epaisseur, x_barres, largeur_max, haut = 9, 220, 300, 22
    pas = epaisseur * len(series) + 10
    plus_grand = max((v for _, valeurs in groupes for v in valeurs), default=Decimal(0))
    graphique = Graphique(
        largeur=x_barres + largeur_max + 90,
        hauteur=haut + len(groupes) * pas,
        description=description,
    )
    _legende(graphique, series, 0, 0)
    for rang, (libelle, valeurs) in enumerate(groupes):
        y0 = haut + rang * pas
        graphique.textes.append(
            Texte(
                Decimal(x_barres - 6),
                Decimal(y0 + epaisseur * len(series) // 2 + 4),
                libelle,
                ancre="end",
            )
        )
        for indice, (serie, valeur) in enumerate(zip(series, valeurs, strict=True)):
            y = Decimal(y0 + indice * epaisseur)
            longueur = _longueur(valeur, plus_grand, largeur_max)
            if longueur > 0:
                graphique.rectangles.append(
                    Rectangle(
                        Decimal(x_barres),
                        y,
                        longueur,
                        Decimal(epaisseur - 1),
                        serie.couleur,
                        serie.bordure,
                    )
                )
            if valeur:
                graphique.textes.append(
                    Texte(Decimal(x_barres) + longueur + 4, y + 7, format_meuros(valeur), taille=6)
                )
    return graphique
