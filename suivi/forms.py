"""Forms of the execution follow-up: a programmed line's schedule, one row per budget year."""

from decimal import Decimal
from typing import Any, cast

from django import forms

from axes.models import Niveau, Noeud, Signataire
from axes.selectors import contrat_courant
from financement.regles import annees_budgetaires
from socle.formulaires import MontantField
from suivi.models import NatureIndicateur


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


class ValeurField(MontantField):
    """A value of an indicator, typed the French way (`1 234,5`), two decimals at most."""

    default_error_messages = {
        "invalide": "Saisissez un nombre, par exemple 1 234,5.",
        "centimes": "Une valeur a au plus deux décimales.",
        "negatif": "La valeur ne peut pas être négative.",
    }

    def prepare_value(self, valeur: Any) -> Any:
        if isinstance(valeur, Decimal):
            return f"{valeur.normalize():f}".replace(".", ",")
        return valeur


class IndicateurForm(forms.Form):
    noeud = forms.ModelChoiceField(
        queryset=Noeud.objects.none(),
        label="Mesure",
        empty_label="Choisissez la mesure",
        help_text="La mesure (ou sous-mesure) du contrat que l'indicateur suit.",
    )
    nom = forms.CharField(label="Nom de l'indicateur", max_length=300)
    unite = forms.CharField(
        label="Unité", max_length=50, help_text="Par exemple : m², places, tCO2e."
    )
    nature = forms.ChoiceField(label="Nature", choices=NatureIndicateur.choices)
    valeur_reference = ValeurField(label="Valeur de référence", required=False)
    cible_2027 = ValeurField(label="Cible 2027", help_text="Fixée par les partenaires du contrat.")
    source = forms.CharField(
        label="Source", max_length=300, help_text="D'où vient la mesure de l'indicateur."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champ = cast(forms.ModelChoiceField, self.fields["noeud"])
        champ.queryset = Noeud.objects.filter(
            contrat=contrat_courant(), niveau__gte=Niveau.MESURE
        ).order_by("position")
        champ.label_from_instance = lambda n: f"{n.code} – {n.titre[:90]}"  # type: ignore[method-assign,assignment]


class ContributionForm(forms.Form):
    valeur_attendue = ValeurField(label="Contribution attendue du dossier")
    valeur_realisee = ValeurField(
        label="Valeur réalisée à ce jour",
        required=False,
        help_text="À renseigner au fil des travaux.",
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AvenantRevueForm(forms.Form):
    """A draft avenant from the review's proposals: the amounts to release per signatory."""

    numero = forms.IntegerField(label="Numéro de l'avenant", min_value=1)
    titre = forms.CharField(label="Titre", max_length=300)
    justification = forms.CharField(
        label="Justification (article 4)", widget=forms.Textarea(attrs={"rows": 4})
    )
    initie_par = forms.ModelChoiceField(
        queryset=Signataire.objects.none(),
        label="Signataire à l'initiative de la révision",
        empty_label="Choisissez le signataire",
    )

    def __init__(self, *args: Any, signataires: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signataires = list(signataires)
        champ = cast(forms.ModelChoiceField, self.fields["initie_par"])
        champ.queryset = Signataire.objects.filter(contrat=contrat_courant()).order_by("ordre")
        for s in self.signataires:
            self.fields[f"degager_{s.code}"] = MontantField(
                label=f"À dégager de l'enveloppe {s.de_nom} (€)", required=False
            )

    def degagements(self) -> dict[Any, Decimal]:
        return {
            s: montant
            for s in self.signataires
            if (montant := self.cleaned_data.get(f"degager_{s.code}"))
        }
