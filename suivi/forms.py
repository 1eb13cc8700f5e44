"""Forms of the execution follow-up: a programmed line's schedule, one row per budget year."""

from decimal import Decimal
from typing import Any

from django import forms

from financement.regles import annees_budgetaires
from socle.formulaires import MontantField


class EcheancierForm(forms.Form):
    """AE and CP per budget year; a year left blank on both has no schedule."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Errors on the totals (`montant_ae`, `montant_cp`) or the year, from the use-case.
        self.erreurs_totaux: dict[str, list[str]] = {}
        for annee in annees_budgetaires():
            self.fields[f"ae_{annee}"] = MontantField(
                label=f"{annee} : à engager (AE, €)", required=False
            )
            self.fields[f"cp_{annee}"] = MontantField(
                label=f"{annee} : à payer (CP, €)", required=False
            )

    def rangees(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(a, self[f"ae_{a}"], self[f"cp_{a}"]) for a in annees_budgetaires()]

    def echeances(self) -> dict[int, tuple[Decimal, Decimal]]:
        """The years typed, {année: (AE, CP)}; a blank amount next to a typed one is 0."""
        saisies: dict[int, tuple[Decimal, Decimal]] = {}
        for annee in annees_budgetaires():
            ae = self.cleaned_data.get(f"ae_{annee}")
            cp = self.cleaned_data.get(f"cp_{annee}")
            if ae is None and cp is None:
                continue
            saisies[annee] = (ae or Decimal("0.00"), cp or Decimal("0.00"))
        return saisies

    @classmethod
    def initial_de(cls, echeances: Any) -> dict[str, Decimal]:
        initial: dict[str, Decimal] = {}
        for e in echeances:
            initial[f"ae_{e.annee}"] = e.montant_ae
            initial[f"cp_{e.annee}"] = e.montant_cp
        return initial
