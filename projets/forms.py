"""HTML forms of the dossier; they check each field, the services check the business rules."""

from django import forms
from dsfr.forms import DsfrBaseForm

from axes.models import Departement, Noeud, Signataire, TerritoireSpecial
from comptes.models import Organisation, valider_siret
from projets.models import (
    Appreciation,
    CommuneProjet,
    NatureFinancement,
    SourceFinancement,
    TypePhase,
)
from projets.services import DonneesProjet, LigneSaisie, PhaseSaisie
from socle.formulaires import MontantField

ANNEES = [(a, str(a)) for a in range(2015, 2036)]


class ChoixMesure(forms.ModelChoiceField):
    def label_from_instance(self, noeud):
        return f"{noeud.code} – {noeud.titre[:110]}"


class ProjetForm(DsfrBaseForm):
    titre = forms.CharField(label="Titre du projet", max_length=500)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    mesure = ChoixMesure(
        label="Mesure du contrat",
        queryset=Noeud.objects.numerotes().order_by("position"),
        help_text="Sous-axe, mesure ou sous-mesure à laquelle le projet répond.",
        error_messages={"required": "Choisissez la mesure du contrat à laquelle répond le projet."},
    )
    maitre_ouvrage = forms.ModelChoiceField(
        label="Maître d'ouvrage",
        queryset=Organisation.objects.order_by("nom"),
        required=False,
        help_text="Choisissez une organisation connue, ou indiquez-en une nouvelle ci-dessous.",
    )
    maitre_ouvrage_nom = forms.CharField(
        label="Nouveau maître d'ouvrage", max_length=255, required=False
    )
    maitre_ouvrage_siret = forms.CharField(
        label="SIRET du nouveau maître d'ouvrage",
        max_length=14,
        required=False,
        validators=[valider_siret],
        help_text="Facultatif : 14 chiffres, vérifiés.",
    )
    contact_nom = forms.CharField(label="Nom du contact", max_length=150, required=False)
    contact_courriel = forms.EmailField(label="Courriel du contact", required=False)
    contact_telephone = forms.CharField(label="Téléphone du contact", max_length=30, required=False)
    departements = forms.ModelMultipleChoiceField(
        label="Départements",
        queryset=Departement.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    territoires_speciaux = forms.ModelMultipleChoiceField(
        label="Territoires spécifiques du contrat",
        queryset=TerritoireSpecial.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    communes = forms.CharField(
        label="Communes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une commune par ligne : code INSEE puis nom, par exemple « 59350 Lille ».",
    )
    date_debut = forms.DateField(
        label="Date de début",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    date_fin = forms.DateField(
        label="Date de fin",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    justification_fin_tardive = forms.CharField(
        label="Justification d'une fin après le 31 décembre 2027",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    cout_total_ht = MontantField(
        label="Coût total éligible HT (€)",
        required=False,
        help_text="En euros, par exemple 1 250 000,00.",
    )
    decarbonation = forms.ChoiceField(
        label="Décarbonation",
        choices=[("", "—"), *Appreciation.choices],
        required=False,
    )
    decarbonation_justification = forms.CharField(
        label="Justification (décarbonation)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    impact_environnemental = forms.ChoiceField(
        label="Impact environnemental",
        choices=[("", "—"), *Appreciation.choices],
        required=False,
    )
    impact_environnemental_justification = forms.CharField(
        label="Justification (impact environnemental)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    egalite_femmes_hommes = forms.ChoiceField(
        label="Égalité entre les femmes et les hommes",
        choices=[("", "—"), *Appreciation.choices],
        required=False,
    )
    egalite_femmes_hommes_justification = forms.CharField(
        label="Justification (égalité femmes-hommes)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, porteur: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.porteur = porteur
        if porteur:
            # A porteur files for its own organisation: the field is not offered.
            for nom in ("maitre_ouvrage", "maitre_ouvrage_nom", "maitre_ouvrage_siret"):
                del self.fields[nom]

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
        if len({c for c, _ in communes}) != len(communes):
            raise forms.ValidationError("Une même commune figure deux fois.")
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
    nature = forms.ChoiceField(label="Nature", choices=NatureFinancement.choices)
    montant = MontantField(label="Montant (€)")

    def __init__(self, *args, financeurs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].choices = financeurs if financeurs is not None else []

    def clean(self):
        donnees = super().clean()
        financeur = donnees.get("financeur") or ""
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
PhasesFormSet = forms.formset_factory(PhaseForm, extra=0, can_delete=True, max_num=20)


def lignes_valides(formset) -> list:
    return [
        f
        for f in formset.forms
        if f.has_changed() and not f.cleaned_data.get("DELETE") and f.cleaned_data
    ]


def donnees_projet(form: ProjetForm, lignes, phases) -> DonneesProjet:
    d = form.cleaned_data
    return DonneesProjet.depuis(
        d,
        departements=list(d.get("departements") or []),
        territoires_speciaux=list(d.get("territoires_speciaux") or []),
        communes=d.get("communes") or [],
        lignes=[f.saisie() for f in lignes_valides(lignes)],
        phases=[f.saisie() for f in lignes_valides(phases)],
    )


def initial_projet(projet) -> tuple[dict, list[dict], list[dict]]:
    """The forms' initial values from a stored dossier."""
    initial = {
        "titre": projet.titre,
        "description": projet.description,
        "mesure": projet.mesure_id,
        "maitre_ouvrage": projet.maitre_ouvrage_id,
        "contact_nom": projet.contact_nom,
        "contact_courriel": projet.contact_courriel,
        "contact_telephone": projet.contact_telephone,
        "departements": list(projet.departements.all()),
        "territoires_speciaux": list(projet.territoires_speciaux.all()),
        "communes": "\n".join(f"{c.code_insee} {c.nom}".strip() for c in projet.communes.all()),
        "date_debut": projet.date_debut,
        "date_fin": projet.date_fin,
        "justification_fin_tardive": projet.justification_fin_tardive,
        "cout_total_ht": projet.cout_total_ht,
        "decarbonation": projet.decarbonation,
        "decarbonation_justification": projet.decarbonation_justification,
        "impact_environnemental": projet.impact_environnemental,
        "impact_environnemental_justification": projet.impact_environnemental_justification,
        "egalite_femmes_hommes": projet.egalite_femmes_hommes,
        "egalite_femmes_hommes_justification": projet.egalite_femmes_hommes_justification,
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


class DocumentForm(DsfrBaseForm):
    fichier = forms.FileField(
        label="Ajouter un document",
        help_text="PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG ; 20 Mo au plus.",
    )
