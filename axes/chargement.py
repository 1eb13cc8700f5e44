"""Loads the contract, its signatories and its programme tree from the repository fixture."""

from datetime import date
from decimal import Decimal

from axes.models import (
    ArticleContrat,
    Contrat,
    Departement,
    Noeud,
    Signataire,
    TerritoireSpecial,
)
from comptes.models import Organisation
from socle.chargement import Bilan, synchroniser


def _date(texte: str | None) -> date | None:
    return date.fromisoformat(texte) if texte else None


def charger_contrat(*, donnees: dict, bilan: Bilan) -> Contrat:
    c = donnees["contrat"]
    contrat = synchroniser(
        Contrat,
        bilan,
        {"code": c["code"]},
        {
            "nom": c["nom"],
            "sigle": c["sigle"],
            "region": c["region"],
            "annee_debut": c["annee_debut"],
            "annee_fin": c["annee_fin"],
            "lieu_signature": c["lieu_signature"],
            "date_signature": _date(c["date_signature"]),
            "ligne_signature": c["ligne_signature"],
            "source_sha256": donnees["source"]["sha256"],
        },
    )
    for article in c["articles"]:
        synchroniser(
            ArticleContrat,
            bilan,
            {"contrat": contrat, "numero": article["numero"]},
            {"texte": article["texte"], "ligne": article["ligne"]},
        )
    _charger_signataires(contrat, donnees, bilan)
    _charger_territoires(contrat, donnees, bilan)
    _charger_noeuds(contrat, donnees, bilan)
    return contrat


def _charger_signataires(contrat: Contrat, donnees: dict, bilan: Bilan) -> None:
    for s in donnees["signataires"]:
        organisation = synchroniser(Organisation, bilan, {"nom": s["nom"]}, {"type": s["type"]})
        synchroniser(
            Signataire,
            bilan,
            {"contrat": contrat, "code": s["code"]},
            {
                "organisation": organisation,
                "ordre": s["ordre"],
                "nom": s["nom"],
                "nom_article_2": s["nom_article_2"],
                "type": s["type"],
                "representant": s["representant"],
                "montant_article_2": Decimal(s["montant_article_2"]),
                "ligne_article_2": s["ligne_article_2"],
                "date_deliberation": _date(s["date_deliberation"]),
                "ligne_deliberation": s["ligne_deliberation"],
            },
        )


def _charger_territoires(contrat: Contrat, donnees: dict, bilan: Bilan) -> None:
    signataires = {s.code: s for s in Signataire.objects.filter(contrat=contrat)}
    for d in donnees["departements"]:
        synchroniser(
            Departement,
            bilan,
            {"code_insee": d["code_insee"]},
            {"nom": d["nom"], "signataire": signataires.get(d["signataire"])},
        )
    for t in donnees["territoires_speciaux"]:
        synchroniser(
            TerritoireSpecial, bilan, {"code": t["code"]}, {"nom": t["nom"], "ligne": t["ligne"]}
        )


def _charger_noeuds(contrat: Contrat, donnees: dict, bilan: Bilan) -> None:
    # The fixture lists parents before their children (depth-first reading order).
    par_code: dict[str, Noeud] = {}
    for position, n in enumerate(donnees["noeuds"], start=1):
        parent = par_code[n["parent"]] if n["parent"] else None
        axe = None if parent is None else (parent.axe or parent)
        par_code[n["code"]] = synchroniser(
            Noeud,
            bilan,
            {"contrat": contrat, "code": n["code"]},
            {
                "parent": parent,
                "axe": axe,
                "niveau": n["niveau"],
                "ordre": n["ordre"],
                "position": position,
                "titre_imprime": n["titre_imprime"],
                "titre": n["titre"],
                "ligne": n["ligne"],
                "ligne_fin": n["ligne_fin"],
                "texte": n.get("texte", ""),
            },
        )
