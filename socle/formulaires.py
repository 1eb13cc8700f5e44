"""Form fields shared by the apps: amounts typed the French way."""

import re
from decimal import Decimal
from typing import Any

from django import forms


class MontantField(forms.Field):
    """An amount in euros typed as people type it: `1 234 567,89`, `1234567.89`, `12 000 €`."""

    default_error_messages = {
        "invalide": "Saisissez un montant en euros, par exemple 1 234 567,89.",
        "centimes": "Un montant a au plus deux décimales (les centimes).",
        "negatif": "Le montant ne peut pas être négatif.",
    }

    widget = forms.TextInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, valeur: Any) -> Decimal | None:
        if valeur in self.empty_values:
            return None
        texte = str(valeur).strip()[:40]
        if not texte:
            return None
        for caractere in (" ", "\u00a0", "\u202f", "€"):
            texte = texte.replace(caractere, "")
        # ASCII digits and one decimal separator only: `Decimal` would also read `1e3`,
        # `NaN` or Arabic-Indic digits (`١٠٠٠`).
        if not re.fullmatch(r"-?[0-9]+(?:[.,][0-9]+)?", texte):
            raise forms.ValidationError(self.error_messages["invalide"], code="invalide")
        montant = Decimal(texte.replace(",", "."))
        if texte.startswith("-"):  # `-0` too: a sign is never part of an amount typed here
            raise forms.ValidationError(self.error_messages["negatif"], code="negatif")
        if abs(montant) >= Decimal("1e12"):
            raise forms.ValidationError(self.error_messages["invalide"], code="invalide")
        if montant != montant.quantize(Decimal("0.01")):
            raise forms.ValidationError(self.error_messages["centimes"], code="centimes")
        return montant.quantize(Decimal("0.01"))

    def prepare_value(self, valeur: Any) -> Any:
        if isinstance(valeur, Decimal):
            return f"{valeur:.2f}".replace(".", ",")
        return valeur
