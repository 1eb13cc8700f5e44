from datetime import date

from django import forms
from django.db.models import Q
from django.utils.functional import lazy
from dsfr.utils import dsfr_input_class_attr

from axes.models import Niveau, Noeud, Signataire
from axes.periode import texte_periode
from comptes.models import valider_siret
from financement.execution import Decision, DepenseSaisie
from financement.models import GenreModificationOperation, TypeActe, TypePaiement
from financement.regles import annees_budgetaires
from financement.services import OperationModifiee
from projets.forms import ChoixMesure
from projets.models import EtapeRealisation, Projet, Statut
from socle.formulaires import FormulaireDsfr, MontantField
from socle.montants import format_euros


def choix_annees_budgetaires() -> list[tuple[int, str]]:
    return [(a, str(a)) for a in annees_budgetaires()]


# Read when a form is built (the contract's years are in the database), not at import.
AIDE_DATE_ENGAGEMENT = lazy(
    lambda: f"Au plus tôt le jour de la programmation de la ligne. {texte_periode()}", str
)()
AIDE_DATE_PAIEMENT = lazy(lambda: f"Au plus tôt la date de l'engagement. {texte_periode()}", str)()


class DateField(forms.DateField):
    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class EngagementForm(FormulaireDsfr):
    date_acte = DateField(
        label="Date de l'acte", initial=date.today, help_text=AIDE_DATE_ENGAGEMENT
    )
    type_acte = forms.ChoiceField(label="Nature de l'acte", choices=TypeActe.choices)
    reference = forms.CharField(label="Référence de l'acte", max_length=100)
    montant = MontantField(label="Montant engagé (€)")
    annee_budgetaire = forms.TypedChoiceField(
        label="Année budgétaire", choices=choix_annees_budgetaires, coerce=int
    )


class PaiementForm(FormulaireDsfr):
    date_paiement = DateField(
        label="Date du paiement", initial=date.today, help_text=AIDE_DATE_PAIEMENT
    )
    montant = MontantField(label="Montant payé (€)")
    type_ = forms.ChoiceField(label="Nature", choices=TypePaiement.choices)
    reference = forms.CharField(label="Référence du mandat", max_length=100, required=False)


class CreditsForm(FormulaireDsfr):
    annee = forms.TypedChoiceField(
        label="Année budgétaire", choices=choix_annees_budgetaires, coerce=int
    )
    montant = MontantField(label="Crédits ouverts pour le CPER (€)")


class AvenantForm(FormulaireDsfr):
    numero = forms.IntegerField(label="Numéro", min_value=1)
    titre = forms.CharField(label="Titre", max_length=255)
    justification = forms.CharField(
        label="Justification",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Article 4 : la révision est subordonnée à la justification des raisons qui "
        "la motivent.",
        error_messages={
            "required": "L'article 4 exige la justification des raisons de la révision."
        },
    )
    initie_par = forms.ModelChoiceField(
        label="Partie qui demande la révision",
        queryset=Signataire.objects.order_by("ordre"),
        empty_label="Sélectionnez une partie",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signataires = list(Signataire.objects.select_related("enveloppe").order_by("ordre"))
        for signataire in self.signataires:
            self.fields[f"enveloppe_{signataire.code}"] = MontantField(
                label=f"Nouvelle enveloppe {signataire.de_nom} (€)",
                required=False,
                help_text=f"Aujourd’hui : {format_euros(signataire.enveloppe.montant)}. "
                "Laissez vide si elle ne change pas.",
            )

        self.fields["operation"] = OperationDuContrat(
            label="Opération du contrat modifiée (facultatif)",
            queryset=Projet.objects.filter(
                ~Q(identifiant_contrat="") | Q(statut=Statut.INSCRIT_CONTRAT)
            ).order_by("reference"),
            required=False,
            empty_label="Aucune",
            help_text="Un avenant seul recadre ou abandonne une opération inscrite au contrat.",
        )
        self.fields["operation_genre"] = forms.ChoiceField(
            label="Ce que l'avenant change à cette opération",
            choices=[("", "—"), *GenreModificationOperation.choices],
            required=False,
        )
        self.fields["operation_titre"] = forms.CharField(
            label="Nouveau titre de l'opération", max_length=500, required=False
        )
        self.fields["operation_mesure"] = ChoixMesure(
            label="Nouvelle mesure de l'opération",
            queryset=Noeud.objects.filter(niveau__in=[Niveau.MESURE, Niveau.SOUS_MESURE]).order_by(
                "position"
            ),
            required=False,
            empty_label="Inchangée",
            help_text="Ses lignes programmées passent sous la nouvelle mesure, avec leur argent.",
        )

    def clean(self):
        donnees = super().clean()
        if donnees.get("operation") and not donnees.get("operation_genre"):
            self.add_error(
                "operation_genre", "Dites si l'avenant recadre ou abandonne cette opération."
            )
        if donnees.get("operation_genre") and not donnees.get("operation"):
            self.add_error("operation", "Choisissez l'opération du contrat que l'avenant modifie.")
        return donnees

    def enveloppes(self) -> dict:
        return {
            s: self.cleaned_data[f"enveloppe_{s.code}"]
            for s in self.signataires
            if self.cleaned_data.get(f"enveloppe_{s.code}") is not None
        }

    def operations(self) -> list[OperationModifiee]:
        d = self.cleaned_data
        if not d.get("operation"):
            return []
        return [
            OperationModifiee(
                projet=d["operation"],
                genre=d["operation_genre"],
                titre=d.get("operation_titre") or "",
                mesure=d.get("operation_mesure"),
            )
        ]


class OperationDuContrat(forms.ModelChoiceField):
    def label_from_instance(self, projet):
        return f"{projet.identifiant_contrat or projet.reference} – {projet.titre[:100]}"


class ApprobationForm(FormulaireDsfr):
    signataire = forms.ModelChoiceField(
        label="Signataire",
        queryset=Signataire.objects.none(),
        empty_label="Sélectionnez un signataire",
    )
    date_acte = DateField(label="Date de la délibération ou de l'acte")
    reference = forms.CharField(label="Référence de la délibération ou de l'acte", max_length=150)

    def __init__(self, *args, signataires=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signataire"].queryset = (
            signataires if signataires is not None else (Signataire.objects.none())
        )


class MaquetteForm(FormulaireDsfr):
    fichier = forms.FileField(
        label="Fichier CSV de la maquette",
        help_text="Colonnes : signataire;noeud;montant (par exemple « region;IV;120000000,00 »), "
        "séparateur point-virgule, encodage UTF-8.",
    )


# --- Execution by the porteur (issue 16) -------------------------------------------------------
class AvancementForm(FormulaireDsfr):
    etape = forms.ChoiceField(label="Étape atteinte", choices=EtapeRealisation.choices)
    pourcentage_travaux = forms.IntegerField(
        label="Avancement des travaux (%)", min_value=0, max_value=100
    )
    date_debut_reelle = DateField(label="Date réelle de début", required=False)
    date_fin_prevue = DateField(label="Date de fin prévue", required=False)
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DemandeForm(FormulaireDsfr):
    type_ = forms.ChoiceField(label="Nature de la demande", choices=TypePaiement.choices)
    montant_demande = MontantField(label="Montant demandé (€)")
    etat_final = forms.BooleanField(
        label="Cet état des dépenses est l'état récapitulatif final (obligatoire pour le solde)",
        required=False,
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    justificatif = forms.FileField(
        label="Justificatif (état des dépenses signé, factures)",
        required=False,
        help_text="PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG, 20 Mo au plus.",
    )


class ComplementForm(FormulaireDsfr):
    montant_demande = MontantField(
        label="Montant demandé (€)", required=False, help_text="Laissez vide pour le garder."
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    justificatif = forms.FileField(label="Justificatif", required=False, help_text="20 Mo au plus.")


class DepenseForm(FormulaireDsfr):
    fournisseur = forms.CharField(label="Fournisseur", max_length=200)
    date_facture = DateField(label="Date de la facture")
    reference = forms.CharField(label="N° de facture", max_length=100, required=False)
    montant_ht = MontantField(label="Montant HT (€)")
    montant_ttc = MontantField(label="Montant TTC (€)")
    montant_eligible = MontantField(label="Montant éligible (€)")


DepensesFormSet = forms.formset_factory(DepenseForm, extra=3, max_num=200, validate_max=True)


def depenses_saisies(formset) -> list[DepenseSaisie]:
    """The invoices typed in the statement's rows (empty rows left out)."""
    return [
        DepenseSaisie(
            fournisseur=f.cleaned_data["fournisseur"],
            date_facture=f.cleaned_data["date_facture"],
            montant_ht=f.cleaned_data["montant_ht"],
            montant_ttc=f.cleaned_data["montant_ttc"],
            montant_eligible=f.cleaned_data["montant_eligible"],
            reference=f.cleaned_data.get("reference") or "",
        )
        for f in formset.forms
        if f.has_changed() and f.cleaned_data
    ]


class InstructionForm(FormulaireDsfr):
    decision = forms.ChoiceField(label="Décision", choices=Decision.CHOIX, widget=forms.RadioSelect)
    montant_accepte = MontantField(
        label="Montant accepté (€)", required=False, help_text="Pour une acceptation."
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour une acceptation partielle, une demande de compléments ou "
        "un refus ; le porteur le reçoit par courriel.",
    )
    reference = forms.CharField(label="Référence du mandat", max_length=100, required=False)


class SiretSignatairesForm(FormulaireDsfr):
    """One SIRET field per signatory of the contract, for the CPER secretariat."""

    def __init__(self, *args, signataires=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.signataires = list(signataires)
        for signataire in self.signataires:
            self.fields[signataire.code] = forms.CharField(
                label=f"SIRET — {signataire.nom}",
                max_length=14,
                required=False,
                validators=[valider_siret],
                initial=signataire.organisation.siret if signataire.organisation else "",
                help_text="14 chiffres (clé de contrôle vérifiée) ; vide s’il n’est pas connu.",
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )
        for champ in self.visible_fields():
            dsfr_input_class_attr(champ)
