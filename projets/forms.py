"""HTML forms of the dossier; they check each field, the services check the business rules.

The dossier's own form is built from its schema (`projets.schema`): see `formulaire_projet`.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from dsfr.forms import DsfrBaseForm

from axes.models import Noeud, Signataire
from projets import schema
from projets.models import (
    CommuneProjet,
    NatureFinancement,
    SourceFinancement,
    TypePhase,
    TypePiece,
)
from projets.schema import Champ, Genre
from projets.services import CHAMPS_REQUIS_AU_DEPOT, DonneesProjet, LigneSaisie, PhaseSaisie
from socle.formulaires import MontantField

ANNEES = [(a, str(a)) for a in range(2015, 2036)]


class ChoixMesure(forms.ModelChoiceField):
    def label_from_instance(self, noeud):
        return f"{noeud.code} – {noeud.titre[:110]}"


# Form field classes of the relations whose rows read better than their `str()`.
CHOIX_PAR_MODELE: dict[type[models.Model], type[forms.ModelChoiceField]] = {Noeud: ChoixMesure}


def _modele_lie(colonne: models.Field) -> type[models.Model]:
    modele = colonne.related_model
    if not isinstance(modele, type):
        raise TypeError(f"« {colonne.name} » n'est pas une relation.")
    return modele


def _choix(champ: Champ, colonne: models.Field) -> models.QuerySet:
    if champ.choix is not None:
        return champ.choix()
    return _modele_lie(colonne)._default_manager.all()


def champ_de_formulaire(champ: Champ) -> forms.Field:
    """The form field of one input of the schema: its kind and limits read from the model
    column, its label and help text from the schema."""
    colonne = champ.colonne_modele
    if colonne is None:
        raise ValueError(f"« {champ.nom} » est une liste : le formulaire la saisit à part.")
    commun: dict = {"label": champ.libelle, "required": champ.obligatoire}
    if champ.aide:
        commun["help_text"] = champ.aide
    if champ.message_absent:
        commun["error_messages"] = {"required": champ.message_absent}
    if champ.genre is Genre.CLE:
        classe = CHOIX_PAR_MODELE.get(_modele_lie(colonne), forms.ModelChoiceField)
        return classe(queryset=_choix(champ, colonne), empty_label="Sélectionnez", **commun)
    if champ.genre is Genre.PLUSIEURS:
        return forms.ModelMultipleChoiceField(
            queryset=_choix(champ, colonne), widget=forms.CheckboxSelectMultiple, **commun
        )
    return _champ_de_valeur(champ, colonne, commun)


def _champ_de_valeur(champ: Champ, colonne: models.Field, commun: dict) -> forms.Field:
    if isinstance(colonne, models.DecimalField):
        return MontantField(**commun)
    if isinstance(colonne, models.DateField):
        return forms.DateField(
            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), **commun
        )
    if colonne.choices:
        return forms.ChoiceField(choices=[("", "—"), *colonne.choices], **commun)
    if isinstance(colonne, models.EmailField):
        return forms.EmailField(**commun, max_length=colonne.max_length)
    if isinstance(colonne, models.TextField):
        return forms.CharField(widget=forms.Textarea(attrs={"rows": champ.rangees}), **commun)
    validateurs = [v for v in colonne.validators if not isinstance(v, MaxLengthValidator)]
    if validateurs:
        commun["validators"] = validateurs
    return forms.CharField(max_length=colonne.max_length, **commun)


class SaisieProjetForm(DsfrBaseForm):
    """The dossier's form, less its fields: `formulaire_projet` adds one per input of the
    schema. It checks what crosses fields; the services check the business rules."""

    def __init__(self, *args, porteur: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.porteur = porteur
        # A field the filing asks for is marked like the DSFR marks a required one, though a
        # draft may leave it empty (the required ones carry the DSFR's own marker).
        for nom, champ in self.fields.items():
            if nom in CHAMPS_REQUIS_AU_DEPOT and not champ.required:
                champ.label = f"{champ.label}{schema.MARQUE_OBLIGATOIRE}"
                self._bound_fields_cache.pop(nom, None)  # built with the old label
        if porteur:
            # A porteur files for its own organisation: the field is not offered.
            for champ in schema.CHAMPS:
                if champ.masque_au_porteur:
                    self.fields.pop(champ.nom, None)

    def clean_communes(self):
        communes = []
        validateur = CommuneProjet._meta.get_field("code_insee").validators[0]
        for numero, ligne in enumerate(self.cleaned_data["communes"].splitlines(), start=1):
            ligne = ligne.strip()
            if not ligne:
                continue
            code, _, nom = ligne.partition(" ")
            try:
                validateur(code.upper())
            except forms.ValidationError as erreur:
                raise forms.ValidationError(
                    f"Ligne {numero} : « {code} » n'est pas un code INSEE de commune "
                    "(cinq caractères, par exemple 59350)."
                ) from erreur
            communes.append((code.upper(), nom.strip()))
        # A commune given twice is refused by the service (`projets.services._verifier_saisie`),
        # for the form and the API alike.
        return communes

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error("date_fin", "La date de fin doit suivre la date de début.")
        if (
            not self.porteur
            and not donnees.get("maitre_ouvrage")
            and not (donnees.get("maitre_ouvrage_nom") or "").strip()
        ):
            self.add_error(
                "maitre_ouvrage",
                "Choisissez le maître d'ouvrage ou indiquez le nom d'un nouveau.",
            )
        return donnees


def choix_financeurs():
    signataires = [
        (f"sig:{s.pk}", s.nom) for s in Signataire.objects.order_by("ordre").only("pk", "nom")
    ]
    autres = [(f"src:{code}", libelle) for code, libelle in SourceFinancement.choices]
    return [("", "—"), ("Signataires du contrat", signataires), ("Autres sources", autres)]


class LigneForm(DsfrBaseForm):
    financeur = forms.ChoiceField(label="Financeur")
    # Left to « selon le financeur », the nature follows it: CPER for a signatory, hors CPER
    # for the maître d'ouvrage's own funds or another source (a first porteur is not refused
    # for a choice it did not know it had to make).
    nature = forms.ChoiceField(
        label="Nature",
        choices=[("", "Selon le financeur"), *NatureFinancement.choices],
        required=False,
    )
    montant = MontantField(label="Montant (€)")

    def __init__(self, *args, financeurs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].choices = financeurs if financeurs is not None else []

    def clean(self):
        donnees = super().clean()
        financeur = donnees.get("financeur") or ""
        if not donnees.get("nature"):
            donnees["nature"] = (
                NatureFinancement.HORS_CPER
                if financeur.startswith("src:")
                else NatureFinancement.CPER
            )
        if financeur.startswith("src:") and donnees.get("nature") == NatureFinancement.CPER:
            self.add_error(
                "nature",
                "Seule la part d'un signataire du contrat peut être de nature CPER.",
            )
        if donnees.get("montant") is not None and donnees["montant"] <= 0:
            self.add_error("montant", "Le montant doit être supérieur à zéro.")
        return donnees

    def has_changed(self):
        # The nature select always holds a value: a row counts once a funder or amount is typed.
        return bool(self["financeur"].value() or self["montant"].value())

    def saisie(self) -> LigneSaisie:
        genre, _, valeur = self.cleaned_data["financeur"].partition(":")
        return LigneSaisie(
            montant=self.cleaned_data["montant"],
            nature=self.cleaned_data["nature"],
            signataire_id=int(valeur) if genre == "sig" else None,
            source=valeur if genre == "src" else "",
        )


class PhaseForm(DsfrBaseForm):
    type = forms.ChoiceField(label="Phase", choices=[("", "—"), *TypePhase.choices])
    libelle = forms.CharField(label="Précision", max_length=150, required=False)
    annee_debut = forms.TypedChoiceField(
        label="De", choices=[("", "—"), *ANNEES], coerce=int, empty_value=None
    )
    annee_fin = forms.TypedChoiceField(
        label="À", choices=[("", "—"), *ANNEES], coerce=int, empty_value=None
    )

    def clean(self):
        donnees = super().clean()
        if (
            donnees.get("annee_debut")
            and donnees.get("annee_fin")
            and donnees["annee_fin"] < donnees["annee_debut"]
        ):
            self.add_error("annee_fin", "L'année de fin doit suivre l'année de début.")
        return donnees

    def saisie(self) -> PhaseSaisie:
        return PhaseSaisie(
            type=self.cleaned_data["type"],
            libelle=self.cleaned_data["libelle"],
            annee_debut=self.cleaned_data["annee_debut"],
            annee_fin=self.cleaned_data["annee_fin"],
        )


class BaseLignesFormSet(forms.BaseFormSet):
    libelle = "Plan de financement"  # how the error summary names the table

    def __init__(self, *args, **kwargs):
        self.financeurs = choix_financeurs()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "financeurs": self.financeurs}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            financeurs=self.financeurs,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


LignesFormSet = forms.formset_factory(
    LigneForm, formset=BaseLignesFormSet, extra=0, can_delete=True, max_num=40
)


class BaseLignesReequilibrageFormSet(BaseLignesFormSet):
    """The lines a re-balance may write: own funds and funders that are not signatories (a
    signatory's money is committed only by its committee's decision)."""

    libelle = "Lignes hors signataires"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.financeurs = [f for f in self.financeurs if f[0] != "Signataires du contrat"]


LignesReequilibrageFormSet = forms.formset_factory(
    LigneForm, formset=BaseLignesReequilibrageFormSet, extra=1, can_delete=True, max_num=20
)


class ReequilibrageForm(DsfrBaseForm):
    cout_total_ht = MontantField(
        label="Coût total éligible HT (€), s'il baisse",
        required=False,
        help_text="Laissez vide pour garder le coût actuel. Il ne peut que baisser.",
    )


class BasePhasesFormSet(forms.BaseFormSet):
    libelle = "Phases du calendrier"


PhasesFormSet = forms.formset_factory(
    PhaseForm, formset=BasePhasesFormSet, extra=0, can_delete=True, max_num=20
)

# The nested lists of the schema the page types as tables of rows beside the form.
FORMSETS: dict[str, type[forms.BaseFormSet]] = {"lignes": LignesFormSet, "phases": PhasesFormSet}


def _champ_communes(champ: Champ) -> forms.Field:
    """The communes, typed one per line (read by `SaisieProjetForm.clean_communes`)."""
    return forms.CharField(
        label=champ.libelle,
        required=False,
        widget=forms.Textarea(attrs={"rows": champ.rangees}),
        help_text=champ.aide,
    )


# The nested lists of the schema the form types in one field of its own.
LISTES_EN_CHAMP: dict[str, Callable[[Champ], forms.Field]] = {"communes": _champ_communes}


def formulaire_projet(champs: list[Champ] | None = None) -> type[SaisieProjetForm]:
    """The dossier's form: one field per input of the schema, in its order, but the nested
    lists typed as tables beside it (`FORMSETS`)."""
    attributs: dict[str, forms.Field] = {}
    for champ in schema.CHAMPS if champs is None else champs:
        if champ.nom in FORMSETS:
            continue
        if champ.genre is Genre.LISTE:
            attributs[champ.nom] = LISTES_EN_CHAMP[champ.nom](champ)
        else:
            attributs[champ.nom] = champ_de_formulaire(champ)
    return type("ProjetForm", (SaisieProjetForm,), attributs)


ProjetForm = formulaire_projet()


def lignes_valides(formset) -> list:
    return [
        f
        for f in formset.forms
        if f.has_changed() and not f.cleaned_data.get("DELETE") and f.cleaned_data
    ]


def donnees_projet(form: SaisieProjetForm, lignes, phases) -> DonneesProjet:
    d = form.cleaned_data
    return DonneesProjet.depuis(
        d,
        communes=d.get("communes") or [],
        lignes=[f.saisie() for f in lignes_valides(lignes)],
        phases=[f.saisie() for f in lignes_valides(phases)],
    )


def initial_projet(projet) -> tuple[dict, list[dict], list[dict]]:
    """The forms' initial values from a stored dossier."""
    initial = {
        **schema.valeurs_enregistrees(projet, identifiants=True),
        "communes": "\n".join(f"{c.code_insee} {c.nom}".strip() for c in projet.communes.all()),
    }
    lignes = [
        {
            "financeur": f"sig:{ligne.signataire_id}"
            if ligne.signataire_id
            else f"src:{ligne.source}",
            "nature": ligne.nature,
            "montant": ligne.montant,
        }
        for ligne in projet.lignes_financement.all()
    ]
    phases = [
        {
            "type": p.type,
            "libelle": p.libelle,
            "annee_debut": p.annee_debut,
            "annee_fin": p.annee_fin,
        }
        for p in projet.phases.all()
    ]
    return initial, lignes, phases


class TransitionForm(DsfrBaseForm):
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, motif_obligatoire: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if motif_obligatoire:
            # The step's service refuses it without a reason: marked like a field required
            # at filing (« Motif * »), the refusal itself stays the service's.
            libelle = f"Motif{schema.MARQUE_OBLIGATOIRE}"
            self.fields["commentaire"].label = libelle
            self["commentaire"].label = libelle  # the bound field, built by DsfrBaseForm


class DocumentForm(DsfrBaseForm):
    type_piece = forms.ChoiceField(
        label="Type de pièce", choices=TypePiece.choices, initial=TypePiece.AUTRE, required=False
    )
    fichier = forms.FileField(
        label="Ajouter un document",
        help_text="PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG ; 20 Mo au plus.",
    )

    def __init__(self, *args, types: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if types is not None:  # after filing: only the pieces an instructor asked for
            self.fields["type_piece"].choices = [
                (t, label) for t, label in TypePiece.choices if t in types
            ]
            self.fields["type_piece"].initial = types[0] if types else None

    def clean_type_piece(self) -> str:
        return self.cleaned_data["type_piece"] or TypePiece.AUTRE


class RemplacementForm(DsfrBaseForm):
    fichier = forms.FileField(
        label="Nouveau fichier",
        help_text="PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG ; 20 Mo au plus.",
    )


class DemandePiecesForm(DsfrBaseForm):
    types = forms.MultipleChoiceField(
        label="Pièces demandées",
        choices=TypePiece.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une pièce à demander."},
    )
    message = forms.CharField(
        label="Message au porteur",
        required=False,
        help_text="Ce que vous attendez de ces pièces ; le porteur le lit sur la page du dossier.",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[MaxLengthValidator(2000)],
    )
