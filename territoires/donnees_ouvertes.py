"""Open data of the territories: one row per funder and nature on a territory, for everyone.

The files count the public dossiers only (what an anonymous visitor sees), whoever downloads
them, with the rules of `territoires.selectors`; the Table Schema describes the columns.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, JsonResponse
from django.urls import reverse

from socle.exports import Column, Rangee, csv_response, json_response, table_schema
from territoires import selectors
from territoires.selectors import Bilan


def _montant(cle: str, description: str) -> Column:
    return Column(cle, description, type="number", required=True, minimum=Decimal(0))


COLONNES = [
    Column(
        "territoire",
        "Clé du territoire : niveau-code (region-32, departement-59, epci-<SIREN>, "
        "commune-<code INSEE>, special-<code>).",
        required=True,
    ),
    Column(
        "niveau",
        "Niveau du territoire.",
        required=True,
        enum=tuple(selectors.NIVEAUX),
    ),
    Column("code", "Code officiel (INSEE, SIREN) ou code du territoire du contrat.", required=True),
    Column("nom", "Nom du territoire.", required=True),
    Column(
        "population",
        "Population légale (INSEE, via @etalab/decoupage-administratif) ; vide si inconnue.",
        type="integer",
    ),
    Column("nature", "Nature du financement.", required=True, enum=tuple(selectors.NATURES)),
    Column("libelle_nature", "Libellé de la nature du financement.", required=True),
    Column("code_financeur", "Code du signataire ou de l'autre source.", required=True),
    Column("financeur", "Nom du financeur.", required=True),
    _montant(
        "montant_prevu",
        "Montant prévu aux plans de financement sur le territoire, en euros (décimal à point).",
    ),
    _montant("montant_programme", "Montant programmé (registre, lignes CPER), en euros."),
    _montant("montant_engage", "Montant engagé, en euros."),
    _montant("montant_paye", "Montant payé, en euros."),
    Column(
        "prevu_par_habitant",
        "Montant prévu par habitant, en euros (arrondi au centime) ; vide sans population.",
        type="number",
    ),
    Column(
        "cle_repartition",
        "Clé de répartition entre les communes d'un dossier : egale ou population.",
        required=True,
        enum=tuple(selectors.CLES),
    ),
]


def rangees(bilan: Bilan) -> Iterator[Rangee]:
    t = bilan.territoire
    cle = selectors.cle_repartition()
    for ligne in bilan.par_financeur:
        m = ligne.montants
        yield {
            "territoire": t.cle,
            "niveau": t.niveau,
            "code": t.code,
            "nom": t.nom,
            "population": t.population,
            "nature": ligne.nature,
            "libelle_nature": ligne.libelle_nature,
            "code_financeur": ligne.financeur,
            "financeur": ligne.libelle,
            "montant_prevu": m.prevu,
            "montant_programme": m.programme,
            "montant_engage": m.engage,
            "montant_paye": m.paye,
            "prevu_par_habitant": (m.prevu / t.population).quantize(Decimal("0.01"))
            if t.population
            else None,
            "cle_repartition": cle,
        }


def bilan_public(cle: str) -> Bilan:
    return selectors.bilan(selectors.territoire_par_cle(cle), utilisateur=AnonymousUser())


@login_not_required
def fichier(request, cle: str, format: str):
    if format not in ("csv", "json"):
        raise Http404("Format inconnu : csv ou json.")
    bilan = bilan_public(cle)
    nom = f"cper-hdf-territoire-{bilan.territoire.cle}.{format}"
    reponse = (csv_response if format == "csv" else json_response)(
        list(rangees(bilan)), COLONNES, nom
    )
    reponse["Link"] = f'<{reverse("territoires:donnees-schema")}>; rel="describedby"'
    return reponse


@login_not_required
def schema(request):
    """Table Schema (frictionless) of the per-territory files."""
    return JsonResponse(
        table_schema(
            COLONNES,
            name="cper-hdf-financements-par-territoire",
            title="CPER Hauts-de-France 2021-2027 : financements publics par territoire, "
            "financeur et nature",
            description=" ".join(selectors.regles()),
            dialect={"delimiter": ",", "header": True, "encoding": "utf-8"},
            missingValues=[""],
            primaryKey=["territoire", "nature", "code_financeur"],
        ),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
