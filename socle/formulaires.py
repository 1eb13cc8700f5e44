"""Form fields shared by the apps: amounts typed the French way."""

from decimal import Decimal, InvalidOperation
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
        texte = texte.replace(",", ".")
        try:
            montant = Decimal(texte)
        except InvalidOperation as erreur:
            raise forms.ValidationError(
                self.error_messages["invalide"], code="invalide"
            ) from erreur
        if not montant.is_finite() or abs(montant) >= Decimal("1e12"):
            raise forms.ValidationError(self.error_messages["invalide"], code="invalide")
        if montant != montant.quantize(Decimal("0.01")):
            raise forms.ValidationError(self.error_messages["centimes"], code="centimes")
        if montant < 0:
            raise forms.ValidationError(self.error_messages["negatif"], code="negatif")
        return montant.quantize(Decimal("0.01"))

    def prepare_value(self, valeur: Any) -> Any:
        if isinstance(valeur, Decimal):
            return f"{valeur:.2f}".replace(".", ",")
        return valeur
