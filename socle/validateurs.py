"""Text that may be stored: no invisible control character, no lone surrogate.

A control character (ESC, form feed, …) pasted into a title cannot be written to a
spreadsheet nor read aloud, and a lone surrogate cannot be encoded: both are refused at input,
with a French message, on every text field of every model (pages and API alike, since forms
and serializers take their validators from the model fields). Tabs and line breaks stay
allowed.
"""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

PERMIS = {"\t", "\n", "\r"}


def caractere_interdit(texte: str) -> str | None:
    """The first character of `texte` that may not be stored, or None."""
    for caractere in texte:
        if caractere in PERMIS:
            continue
        if unicodedata.category(caractere) in {"Cc", "Cs"}:
            return caractere
    return None


@deconstructible
class SansCaractereDeControle:
    message = (
        "Ce texte contient un caractère invisible non autorisé (U+%(code)s) : "
        "retirez-le (il vient souvent d'un copier-coller)."
    )
    code = "caractere_de_controle"

    def __call__(self, valeur: object) -> None:
        if not isinstance(valeur, str):
            return
        interdit = caractere_interdit(valeur)
        if interdit is not None:
            raise ValidationError(
                self.message, code=self.code, params={"code": f"{ord(interdit):04X}"}
            )

    def __eq__(self, autre: object) -> bool:
        return isinstance(autre, SansCaractereDeControle)


VALIDATEUR = SansCaractereDeControle()


def proteger_les_champs_texte(modeles: object) -> None:
    """Every text field refuses control characters: the model fields (their validators are
    copied by model forms and serializers), and the text fields of plain forms and
    serializers (their default validators)."""
    from django import forms
    from rest_framework import serializers

    for classe in (forms.CharField, serializers.CharField):
        existants = list(getattr(classe, "default_validators", []))
        if VALIDATEUR not in existants:
            setattr(classe, "default_validators", [*existants, VALIDATEUR])  # noqa: B010
    _proteger_les_modeles(modeles)


def _proteger_les_modeles(modeles: object) -> None:
    """Add the validator to every text field of the given models (once).

    It goes to the field's validators as they are run and copied by forms and serializers,
    not to its declared ones: migrations do not change."""
    for modele in modeles:  # type: ignore[attr-defined]
        for champ in modele._meta.get_fields():
            texte = isinstance(champ, models.CharField | models.TextField)
            if texte and VALIDATEUR not in champ.validators:
                champ.validators.append(VALIDATEUR)


def dates_rfc3339() -> None:
    """Every API datetime is RFC 3339: an offset in whole minutes.

    Before 1911 Paris kept its local mean time (`+00:09:21`), which RFC 3339 cannot write: such
    a moment (stored before dates were bounded at input) is given in UTC (`Z`) instead."""
    from rest_framework import serializers

    origine = serializers.DateTimeField.to_representation
    if getattr(origine, "rfc3339", False):
        return

    def to_representation(self: serializers.DateTimeField, value: Any) -> Any:
        from datetime import UTC, datetime

        if isinstance(value, datetime) and value.tzinfo is not None:
            local = self.enforce_timezone(value)
            decalage = local.utcoffset()
            if decalage is not None and decalage.total_seconds() % 60:
                return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return origine(self, value)

    to_representation.rfc3339 = True  # type: ignore[attr-defined]
    serializers.DateTimeField.to_representation = to_representation  # type: ignore[method-assign,assignment]
