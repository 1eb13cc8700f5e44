"""The side-by-side comparison as a chart and as an XLSX file (socle's exports)."""

from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils.text import slugify

from axes.models import Noeud
from scenarios.calculs import Comparaison, LigneComparee
from socle.exports import Column, xlsx_response
from socle.graphiques import Graphique, Serie, barres_horizontales

CLASSES = ["enveloppe", "programme", "engage", "paye"]  # the four series colours of socle


def graphique(c: Comparaison) -> Graphique:
    """What each scenario asks of each signatory (and of other funders), one bar each."""
    series = [Serie(s.nom, CLASSES[rang]) for rang, s in enumerate(c.scenarios)]
    lignes: list[tuple[str, list[Decimal | None]]] = [
        (ligne.libelle, list(ligne.valeurs)) for ligne in c.par_signataire
    ]
    return barres_horizontales(
        lignes,
        series=series,
        titre="Ce que chaque scénario demande à chaque financeur",
        description="Une barre par scénario et par financeur ; les montants sont dans le "
        "tableau « Par signataire ».",
    )


def _rangees(c: Comparaison) -> list[dict[str, object]]:
    cles = [f"scenario_{rang + 1}" for rang in range(len(c.scenarios))]
    rangees: list[dict[str, object]] = []

    def section(nom: str, lignes: list[LigneComparee]) -> None:
        for ligne in lignes:
            rangee: dict[str, object] = {"tableau": nom, "libelle": ligne.libelle}
            rangee.update(zip(cles, ligne.valeurs, strict=True))
            rangee["difference"] = "oui" if ligne.differe else "non"
            rangees.append(rangee)

    rangees.append(
        {
            "tableau": "scénarios",
            "libelle": "nom",
            **dict(zip(cles, [s.nom for s in c.scenarios], strict=True)),
            "difference": "",
        }
    )
    section("par signataire", c.par_signataire)
    section("reste sur l'enveloppe en vigueur", c.restes)
    section("par opération", c.par_operation)
    section("par année", c.par_annee)
    section(
        "État et Région",
        [
            LigneComparee("État", [r.etat for r in c.ratios]),
            LigneComparee("Région", [r.region for r in c.ratios]),
            LigneComparee("écart État − Région", [r.ecart for r in c.ratios]),
        ],
    )
    return rangees


def comparaison_xlsx(c: Comparaison, noeud: Noeud) -> StreamingHttpResponse:
    colonnes = [
        Column("tableau", "Tableau de la comparaison."),
        Column("libelle", "Ligne (financeur, opération, année)."),
        *[
            Column(f"scenario_{rang + 1}", f"Scénario « {s.nom} », en euros.", type="number")
            for rang, s in enumerate(c.scenarios)
        ],
        Column("difference", "Les scénarios diffèrent sur cette ligne."),
    ]
    return xlsx_response(
        _rangees(c),
        colonnes,
        filename=f"comparaison-scenarios-{slugify(noeud.code)}.xlsx",
        title="Comparaison",
    )
