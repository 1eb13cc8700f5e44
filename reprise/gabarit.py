"""The spreadsheet of the existing programming: its columns, the blank template, and reading a
filled one back into rows of text, numbers and dates.

One row per financing line of a dossier (with, where there are some, one commitment and one
payment on it): the template, the export of the programming and the file an import reads are
the same workbook, so that a round trip gives the same file.
"""

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FEUILLE = "Programmation"
FEUILLE_NOTICE = "Notice"
FORMAT_MONTANT = "#,##0.00"
FORMAT_DATE = "DD/MM/YYYY"


@dataclass(frozen=True)
class Colonne:
    cle: str
    titre: str
    aide: str
    genre: str = "texte"  # texte, montant, date, entier


COLONNES: tuple[Colonne, ...] = (
    Colonne(
        "reference",
        "Référence du dossier",
        "Référence du portail (HDF-…) d'un dossier qui y est déjà ; vide pour un dossier nouveau.",
    ),
    Colonne(
        "identifiant",
        "Identifiant d'origine",
        "Votre identifiant du dossier dans votre tableau ; obligatoire pour un dossier nouveau. "
        "Les lignes d'un même dossier portent le même identifiant.",
    ),
    Colonne("titre", "Titre", "Intitulé du dossier."),
    Colonne("mesure", "Code de la mesure", "Code de la mesure du contrat, par exemple IV.2.1.a."),
    Colonne("maitre_ouvrage", "Maître d'ouvrage", "Nom de l'organisme maître d'ouvrage."),
    Colonne("siret", "SIRET du maître d'ouvrage", "14 chiffres ; facultatif."),
    Colonne(
        "departements",
        "Départements",
        "Codes INSEE des départements, séparés par « ; » (02, 59, 60, 62, 80).",
    ),
    Colonne("communes", "Communes", "Codes INSEE des communes, séparés par « ; » ; facultatif."),
    Colonne("statut", "Statut", "Programmé, En cours ou Soldé."),
    Colonne(
        "financeur",
        "Financeur",
        "Code du signataire (etat, region, nord, pas-de-calais, oise, somme, aisne, mel, "
        "amiens-metropole) ou autre source (fonds_propres, fonds_europeens, …).",
    ),
    Colonne("nature", "Nature", "CPER, Valorisé ou Hors CPER."),
    Colonne(
        "montant_programme",
        "Montant programmé (€)",
        "Montant de la ligne du plan de financement, en euros.",
        "montant",
    ),
    Colonne(
        "engagement_reference",
        "Référence de l'engagement",
        "Référence de l'acte d'engagement (convention, arrêté…) ; vide s'il n'y en a pas.",
    ),
    Colonne(
        "engagement_acte",
        "Nature de l'acte",
        "Convention, Arrêté, Délibération de commission permanente ou Autre acte.",
    ),
    Colonne("engagement_date", "Date de l'acte", "Date de l'acte d'engagement.", "date"),
    Colonne("engagement_annee", "Année budgétaire", "Année budgétaire de l'engagement.", "entier"),
    Colonne("montant_engage", "Montant engagé (€)", "Montant de l'engagement.", "montant"),
    Colonne(
        "paiement_reference",
        "Référence du paiement",
        "Référence du mandat de paiement ; vide s'il n'y en a pas.",
    ),
    Colonne("paiement_type", "Nature du paiement", "Avance, Acompte ou Solde."),
    Colonne("paiement_date", "Date du paiement", "Date du paiement.", "date"),
    Colonne("montant_paye", "Montant payé (€)", "Montant du paiement.", "montant"),
)

TITRES = {c.cle: c.titre for c in COLONNES}
PAR_TITRE = {c.titre: c for c in COLONNES}

Valeur = str | Decimal | date | int | None


class FichierIllisible(ValueError):
    """The upload is not a workbook of this template (message in French)."""


NOTICE = (
    "Une ligne par ligne de financement d'un dossier. Un dossier qui a plusieurs financeurs "
    "occupe plusieurs lignes, qui répètent les mêmes colonnes du dossier (titre, mesure, "
    "maître d'ouvrage, territoire, statut).",
    "Un engagement payé en plusieurs fois occupe une ligne par paiement, qui répètent la "
    "ligne de financement et l'engagement ; une ligne de financement engagée plusieurs fois, "
    "une ligne par engagement.",
    "Seules les lignes de nature CPER comptent sur l'enveloppe du signataire et reçoivent des "
    "engagements et des paiements.",
    "Le fichier est d'abord vérifié en entier sans rien enregistrer ; il n'est appliqué "
    "qu'une fois sans erreur, en une seule fois. Déposer deux fois le même fichier ne change "
    "rien la seconde fois.",
)


def classeur(rangees: Iterable[dict[str, Valeur]]) -> bytes:
    """The workbook: the sheet of rows (the blank template when there are none) and a notice."""
    livre = Workbook()
    feuille = livre.active
    feuille.title = FEUILLE
    feuille.append([c.titre for c in COLONNES])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for rang, colonne in enumerate(COLONNES, start=1):
        feuille.column_dimensions[get_column_letter(rang)].width = max(14, len(colonne.titre) + 2)
    feuille.freeze_panes = "A2"
    for rangee in rangees:
        feuille.append([_ecrire(c, rangee.get(c.cle)) for c in COLONNES])
        for colonne, cellule in zip(COLONNES, feuille[feuille.max_row], strict=True):
            if colonne.genre == "montant":
                cellule.number_format = FORMAT_MONTANT
            elif colonne.genre == "date":
                cellule.number_format = FORMAT_DATE
    notice = livre.create_sheet(FEUILLE_NOTICE)
    notice.append(["Colonne", "Contenu attendu"])
    for colonne in COLONNES:
        notice.append([colonne.titre, colonne.aide])
    notice.append([])
    for paragraphe in NOTICE:
        notice.append([paragraphe])
    notice.column_dimensions["A"].width = 30
    notice.column_dimensions["B"].width = 100
    # Fixed properties: the same rows give the same file.
    livre.properties.creator = "Portail CPER Hauts-de-France"
    livre.properties.created = datetime(2021, 1, 1)  # noqa: DTZ001 - a fixed stamp, no zone
    livre.properties.modified = datetime(2021, 1, 1)  # noqa: DTZ001
    sortie = io.BytesIO()
    livre.save(sortie)
    return sortie.getvalue()


def _ecrire(colonne: Colonne, valeur: Valeur) -> Any:
    if valeur is None or valeur == "":
        return None
    if colonne.genre == "montant" and isinstance(valeur, Decimal):
        return valeur  # openpyxl writes a Decimal as a number
    return valeur


@dataclass
class RangeeLue:
    """One row of the file: its number in the sheet and its cells by column key."""

    numero: int
    cellules: dict[str, Any]

    def texte(self, cle: str) -> str:
        valeur = self.cellules.get(cle)
        if valeur is None:
            return ""
        if isinstance(valeur, float) and valeur.is_integer():
            valeur = int(valeur)
        return str(valeur).strip()

    def brut(self, cle: str) -> Any:
        return self.cellules.get(cle)

    @property
    def est_vide(self) -> bool:
        return all(
            v is None or (isinstance(v, str) and not v.strip()) for v in self.cellules.values()
        )


def lire(contenu: bytes) -> Iterator[RangeeLue]:
    """The rows of the first sheet, after its header row (numbered as the sheet numbers them)."""
    try:
        livre = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except Exception as erreur:  # openpyxl raises many kinds for a file that is not a workbook
        raise FichierIllisible(
            "Ce fichier n'est pas un classeur Excel (.xlsx) lisible : téléchargez le modèle "
            "et remplissez-le."
        ) from erreur
    try:
        feuille = livre[FEUILLE] if FEUILLE in livre.sheetnames else livre.worksheets[0]
        lignes = feuille.iter_rows(values_only=True)
        entete = next(lignes, None)
        cles = _cles_de(entete or ())
        for numero, valeurs in enumerate(lignes, start=2):
            rangee = RangeeLue(
                numero,
                {cle: valeur for cle, valeur in zip(cles, valeurs, strict=False) if cle},
            )
            if not rangee.est_vide:
                yield rangee
    finally:
        livre.close()


def _cles_de(entete: Sequence[Any]) -> list[str | None]:
    titres = [str(t).strip() if t is not None else "" for t in entete]
    manquants = [c.titre for c in COLONNES if c.titre not in titres]
    if manquants:
        raise FichierIllisible(
            "La première ligne du fichier n'a pas les colonnes du modèle : il manque "
            + ", ".join(f"« {t} »" for t in manquants)
            + ". Téléchargez le modèle et remplissez-le."
        )
    return [PAR_TITRE[t].cle if t in PAR_TITRE else None for t in titres]
