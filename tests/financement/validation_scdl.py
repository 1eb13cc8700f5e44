"""Validation of a SCDL « subventions » CSV with frictionless, custom checks included.

The national schema lists two checks that frictionless does not ship (they come from
Validata, the validator of schema.data.gouv.fr): `french-siret-value` (a SIRET passes its
Luhn key) and `one-of-required` (one of two columns is filled). Both are written here.
"""

import json
from pathlib import Path
from typing import Any

import attrs
from django.core.exceptions import ValidationError
from frictionless import Check, Checklist, Resource, Schema, errors

from comptes.models import valider_siret

SCHEMA_SCDL = Path(__file__).resolve().parents[2] / "fixtures" / "schemas" / "scdl-subventions.json"


@attrs.define(kw_only=True, repr=False)
class SiretFrancais(Check):
    type = "french-siret-value"
    Errors = [errors.CellError]
    column: str

    def validate_row(self, row):
        valeur = row[self.column]
        if valeur in (None, ""):
            return
        try:
            valider_siret(str(valeur))
        except ValidationError:
            yield errors.CellError.from_row(
                row, note="SIRET invalide (clé de Luhn)", field_name=self.column
            )


@attrs.define(kw_only=True, repr=False)
class UnDesDeux(Check):
    type = "one-of-required"
    Errors = [errors.RowError]
    column1: str
    column2: str

    def validate_row(self, row):
        if row[self.column1] in (None, "") and row[self.column2] in (None, ""):
            yield errors.RowError.from_row(
                row, note=f"« {self.column1} » ou « {self.column2} » est obligatoire"
            )


CONTROLES = {"french-siret-value": SiretFrancais, "one-of-required": UnDesDeux}


def erreurs_scdl(contenu: bytes, chemin: Path = SCHEMA_SCDL) -> list[tuple[Any, ...]]:
    """(row, column, error type, note) of every error of `contenu` against the schema."""
    descripteur = json.loads(Path(chemin).read_text(encoding="utf-8"))
    controles = [CONTROLES[c["name"]](**c["params"]) for c in descripteur.pop("custom_checks", [])]
    descripteur.pop("$comment", None)
    ressource = Resource(
        contenu, format="csv", encoding="utf-8", schema=Schema.from_descriptor(descripteur)
    )
    rapport = ressource.validate(checklist=Checklist(checks=controles))
    return [
        (
            e.row_number if hasattr(e, "row_number") else None,
            getattr(e, "field_name", None),
            e.type,
            e.note,
        )
        for tache in rapport.tasks
        for e in tache.errors
    ]
