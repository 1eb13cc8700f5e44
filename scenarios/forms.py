"""Forms of the scenario pages: input checked field by field, French messages by the field;
the business rules are the services'."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

from axes.models import Departement, Noeud, Signataire
from comptes.models import Organisation
from financement.regles import annees_budgetaires
from gouvernance.models import Comite, Seance
from projets.models import SourceFinancement
from scenarios.models import Avis, CritereComite, OperationCandidate
from scenarios.services import OperationSaisie, PartSaisie
from socle.formulaires import FormulaireDsfr, MontantField

FP = SourceFinancement.FONDS_PROPRES


def lire_part(texte: str) -> tuple[Decimal | None, Decimal | None]:
    """« 120 000,00 » → (120000.00, None); « 33,33 % » → (None, 33.33); empty → (None, None)."""
    brut = re.sub(r"[\s\u00a0\u202f€]", "", texte or "")
    if not brut:
        return None, None
    pourcentage = brut.endswith("%")
    brut = brut.removesuffix("%").replace(",", ".")
    try:
        valeur = Decimal(brut)
    except InvalidOperation as erreur:
        raise forms.ValidationError(
            "Saisissez un montant en euros (120 000,00) ou un pourcentage (25 %)."
        ) from erreur
    if not valeur.is_finite() or abs(valeur) >= Decimal("1e12"):
        raise forms.ValidationError("Saisissez un montant en euros ou un pourcentage.")
    if valeur <= 0:
        raise forms.ValidationError("Une part doit être supérieure à zéro.")
    if pourcentage:
        return None, valeur
    if valeur != valeur.quantize(Decimal("0.01")):
        raise forms.ValidationError("Un montant a au plus deux décimales (les centimes).")
    return valeur, None


def _annees() -> list[tuple[int, str]]:
    return [(a, str(a)) for a in annees_budgetaires()]


def criteres_du(noeud: Noeud) -> list[CritereComite]:
    """The criteria the committees covering the heading ask of candidates."""
    return list(
        CritereComite.objects.filter(comite__mesures__in=Noeud.objects.couvrant(noeud))
        .distinct()
        .order_by("comite__ordre", "ordre", "pk")
    )


class CandidateForm(FormulaireDsfr):
    intitule = forms.CharField(label="Intitulé de l'opération", max_length=255)
    maitre_ouvrage = forms.ModelChoiceField(
        label="Maître d'ouvrage",
        queryset=Organisation.objects.order_by("nom"),
        empty_label="Choisissez le maître d'ouvrage",
    )
    territoire = forms.CharField(label="Territoire", max_length=255, required=False)
    departements = forms.ModelMultipleChoiceField(
        label="Départements",
        queryset=Departement.objects.order_by("code_insee"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    annee_debut = forms.TypedChoiceField(label="Première année", coerce=int, choices=_annees)
    annee_fin = forms.TypedChoiceField(label="Dernière année", coerce=int, choices=_annees)
    cout = MontantField(label="Coût estimé HT (€)")

    def __init__(self, *args: object, noeud: Noeud, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.criteres = criteres_du(noeud)
        for critere in self.criteres:
            self.fields[f"critere_{critere.code}"] = forms.CharField(
                label=critere.libelle,
                required=False,
                max_length=500,
                help_text="Critère socio-économique fixé par le comité.",
            )

    def valeurs_criteres(self) -> dict[str, str]:
        return {c.libelle: self.cleaned_data.get(f"critere_{c.code}", "") for c in self.criteres}


class ScenarioForm(FormulaireDsfr):
    """The scenario's name, then per candidate operation: retained, years, and each funder's
    share (an amount or a percentage of the cost)."""

    nom = forms.CharField(label="Nom du scénario", max_length=150)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: object,
        candidates: list[OperationCandidate],
        signataires: list[Signataire],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.candidates = candidates
        self.signataires = signataires
        for c in candidates:
            self.fields[f"op{c.pk}_incluse"] = forms.BooleanField(
                label=f"Retenir « {c.intitule} »", required=False, initial=True
            )
            self.fields[f"op{c.pk}_debut"] = forms.TypedChoiceField(
                label="Première année", coerce=int, choices=_annees, initial=c.annee_debut
            )
            self.fields[f"op{c.pk}_fin"] = forms.TypedChoiceField(
                label="Dernière année", coerce=int, choices=_annees, initial=c.annee_fin
            )
            for s in signataires:
                self.fields[f"op{c.pk}_{s.code}"] = forms.CharField(
                    label=f"{s.nom} — {c.intitule}", required=False
                )
            self.fields[f"op{c.pk}_{FP}"] = forms.CharField(
                label=f"Maître d'ouvrage et autres financeurs — {c.intitule}", required=False
            )

    def lignes(self) -> list[dict[str, object]]:
        """For the template: one row per candidate with its bound fields."""
        return [
            {
                "candidate": c,
                "incluse": self[f"op{c.pk}_incluse"],
                "debut": self[f"op{c.pk}_debut"],
                "fin": self[f"op{c.pk}_fin"],
                "parts": [self[f"op{c.pk}_{s.code}"] for s in self.signataires]
                + [self[f"op{c.pk}_{FP}"]],
            }
            for c in self.candidates
        ]

    def clean(self) -> dict[str, object] | None:
        donnees = super().clean() or {}
        for c in self.candidates:
            for code in [s.code for s in self.signataires] + [FP]:
                nom = f"op{c.pk}_{code}"
                try:
                    donnees[f"{nom}_lu"] = lire_part(str(donnees.get(nom) or ""))
                except forms.ValidationError as erreur:
                    self.add_error(nom, erreur)
        return donnees

    def operations(self) -> list[OperationSaisie]:
        d = self.cleaned_data
        saisies = []
        for c in self.candidates:
            parts = []
            for s in [*self.signataires, None]:
                code = s.code if s is not None else FP
                montant, pourcentage = d.get(f"op{c.pk}_{code}_lu", (None, None))
                if montant is None and pourcentage is None:
                    continue
                parts.append(
                    PartSaisie(
                        signataire=s,
                        source="" if s is not None else FP,
                        montant=montant,
                        pourcentage=pourcentage,
                    )
                )
            saisies.append(
                OperationSaisie(
                    operation=c,
                    incluse=bool(d.get(f"op{c.pk}_incluse")),
                    annee_debut=d.get(f"op{c.pk}_debut"),
                    annee_fin=d.get(f"op{c.pk}_fin"),
                    parts=parts,
                )
            )
        return saisies


class PositionForm(FormulaireDsfr):
    avis = forms.ChoiceField(label="Position", choices=Avis.choices, widget=forms.RadioSelect)
    plafond = MontantField(
        label="Plafond (€)",
        required=False,
        help_text="Seulement pour un accord dans la limite d'un plafond.",
    )
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour un refus.",
    )


class AdoptionForm(FormulaireDsfr):
    seance = forms.ModelChoiceField(
        label="Séance qui a arbitré", queryset=Seance.objects.none(), empty_label="Choisissez"
    )
    initie_par = forms.ModelChoiceField(
        label="Partie qui demande l'avenant",
        queryset=Signataire.objects.order_by("ordre"),
        empty_label=None,
    )

    def __init__(self, *args: object, noeud: Noeud, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        comites = Comite.objects.filter(mesures__in=Noeud.objects.couvrant(noeud))
        seance = self.fields["seance"]
        assert isinstance(seance, forms.ModelChoiceField)  # noqa: S101  (narrowing for mypy)
        seance.queryset = (
            Seance.objects.filter(comite__in=comites).select_related("comite").order_by("-date")
        )
        self.fields["initie_par"].initial = Signataire.objects.filter(code="etat").first()
