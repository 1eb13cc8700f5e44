"""A small validator of CSV files against a frictionless Table Schema.

It checks what the SCDL schemas use: the header (names and order), `required`, `pattern`,
`enum`, `minimum`/`maximum`, and the types string, number (dot decimal), integer and date
(ISO). The `frictionless` package does this and more, but brings some twenty packages
(petl, pydantic, typer, …) for a check the test suite runs on one file.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

NOMBRE = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
ENTIER = re.compile(r"^-?[0-9]+$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Erreur:
    ligne: int  # 1 is the header
    champ: str
    message: str


def _nombre(texte: str) -> Decimal | None:
    if not NOMBRE.match(texte):
        return None
    try:
        return Decimal(texte)
    except InvalidOperation:
        return None


Champ = dict[str, Any]


def _nombre_type(type_: str, valeur: str) -> Decimal | None:
    if type_ == "number":
        return _nombre(valeur)
    return Decimal(valeur) if ENTIER.match(valeur) else None


def _est_une_date(valeur: str) -> bool:
    if not DATE.match(valeur):
        return False
    try:
        date.fromisoformat(valeur)
    except ValueError:
        return False
    return True


def _erreurs_type(type_: str, valeur: str) -> tuple[list[str], Decimal | None]:
    """The value against its type; the number it reads, for the bounds."""
    if type_ in {"number", "integer"}:
        nombre = _nombre_type(type_, valeur)
        if nombre is None:
            return [f"« {valeur} » n'est pas un nombre ({type_}, point décimal)"], None
        return [], nombre
    if type_ == "date" and not _est_une_date(valeur):
        return [f"« {valeur} » n'est pas une date AAAA-MM-JJ"], None
    return [], None


def _erreurs_bornes(contraintes: dict[str, Any], valeur: str, nombre: Decimal) -> list[str]:
    erreurs = []
    if "minimum" in contraintes and nombre < Decimal(str(contraintes["minimum"])):
        erreurs.append(f"{valeur} est inférieur à {contraintes['minimum']}")
    if "maximum" in contraintes and nombre > Decimal(str(contraintes["maximum"])):
        erreurs.append(f"{valeur} est supérieur à {contraintes['maximum']}")
    return erreurs


def _erreurs_valeur(champ: Champ, valeur: str) -> list[str]:
    """Every way one cell breaks its field: required, type, pattern, enum, bounds."""
    contraintes: dict[str, Any] = champ.get("constraints", {})
    if valeur == "":
        return ["valeur obligatoire manquante"] if contraintes.get("required") else []
    erreurs, nombre = _erreurs_type(champ.get("type", "string"), valeur)
    if "pattern" in contraintes and not re.fullmatch(contraintes["pattern"], valeur):
        erreurs.append(f"« {valeur} » ne suit pas le motif {contraintes['pattern']}")
    if "enum" in contraintes and valeur not in contraintes["enum"]:
        erreurs.append(f"« {valeur} » n'est pas parmi {contraintes['enum']}")
    if nombre is not None:
        erreurs += _erreurs_bornes(contraintes, valeur, nombre)
    return erreurs


def valider_csv(contenu: bytes, schema: dict[str, Any]) -> list[Erreur]:
    """Every deviation of a UTF-8 CSV from the schema, header first."""
    try:
        texte = contenu.decode("utf-8")
    except UnicodeDecodeError:
        return [Erreur(0, "", "le fichier n'est pas en UTF-8")]
    if texte.startswith("\ufeff"):
        return [Erreur(0, "", "le fichier commence par une marque d'ordre (BOM)")]
    delimiteur = schema.get("dialect", {}).get("delimiter", ",")
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=delimiteur)
    champs = schema["fields"]
    noms = [c["name"] for c in champs]
    entete = next(lecteur, [])
    if entete != noms:
        return [Erreur(1, "", f"en-tête {entete} au lieu de {noms}")]
    erreurs = []
    for numero, rangee in enumerate(lecteur, start=2):
        if len(rangee) != len(noms):
            erreurs.append(Erreur(numero, "", f"{len(rangee)} colonnes au lieu de {len(noms)}"))
            continue
        for champ, valeur in zip(champs, rangee, strict=True):
            erreurs.extend(Erreur(numero, champ["name"], m) for m in _erreurs_valeur(champ, valeur))
    return erreurs
