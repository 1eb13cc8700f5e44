"""Input of the governance pages, checked field by field before the services apply the rules.

Messages are in French and sit next to their field; the services' refusals keyed by a field
are added to the same form (`ajouter_erreurs`).
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import lazy

from axes.periode import texte_periode
from comptes.models import Organisation, Utilisateur
from gouvernance.models import (
    Avis,
    ChoixVote,
    GrilleAnalyse,
    IssueLigne,
    Membre,
    Presence,
    RoleMembre,
    Seance,
    StatutPresence,
)
from gouvernance.permissions import a_voix_deliberative
from gouvernance.services import NoteSaisie
from socle.exceptions import RegleMetierError
from socle.formulaires import FormulaireDsfr, MontantField


def ajouter_erreurs(form: forms.Form, erreur: RegleMetierError) -> None:
    """Each refusal of a service next to its field (above the form when it names none)."""
    for champ, textes in erreur.erreurs.items():
        for texte in textes:
            form.add_error(champ if champ in form.fields else None, texte)


def textes_erreurs(form: forms.Form) -> str:
    """All of a form's errors in one sentence, for a page that shows them as a message."""
    return " ".join(str(t) for textes in form.errors.values() for t in textes)


class SeanceForm(forms.Form):
    date = forms.DateTimeField(
        label="Date et heure",
        help_text=lazy(texte_periode, str)(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Indiquez la date et l'heure de la séance.",
            "invalid": "Indiquez la date et l'heure de la séance.",
        },
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    lieu = forms.CharField(label="Lieu", max_length=255, required=False)
    lien_visio = forms.URLField(
        label="Lien de visioconférence",
        required=False,
        assume_scheme="https",
        max_length=Seance._meta.get_field("lien_visio").max_length or 200,
        error_messages={
            "invalid": "Indiquez une adresse web valide (https://…).",
            "max_length": "Le lien a au plus %(limit_value)d caractères (il en a %(show_value)d).",
        },
    )


class InscriptionForm(forms.Form):
    projet = forms.CharField(
        label="Inscrire un dossier instruit",
        max_length=50,
        error_messages={"required": "Choisissez un dossier à inscrire."},
    )


@dataclass(frozen=True)
class LignePresence:
    membre: Membre
    statut: str
    mandataire: Membre | None


class PresencesForm(forms.Form):
    """The whole attendance sheet: one status per member in office, and for a voting member
    represented, the voting member who holds the proxy."""

    def __init__(
        self, *args: Any, membres: list[Membre], presences: dict[int, Presence], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.membres = {m.pk: m for m in membres}
        self.presences = presences
        votants = [m for m in membres if a_voix_deliberative(m)]
        for membre in membres:
            self.fields[f"presence_{membre.pk}"] = forms.ChoiceField(
                label=f"Présence de {membre.utilisateur}",
                choices=[("", "Non renseignée"), *StatutPresence.choices],
                required=False,
                error_messages={
                    "invalid_choice": f"{membre.utilisateur} : choisissez présent, excusé ou "
                    "représenté."
                },
            )
            if a_voix_deliberative(membre):
                self.fields[f"mandataire_{membre.pk}"] = forms.TypedChoiceField(
                    label=f"Pouvoir de {membre.utilisateur} donné à",
                    choices=[("", "—")]
                    + [(v.pk, str(v.utilisateur)) for v in votants if v.pk != membre.pk],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    error_messages={
                        "invalid_choice": f"{membre.utilisateur} : le pouvoir va à un autre "
                        "membre votant du comité."
                    },
                )

    def lignes(self) -> list[LignePresence]:
        """The rows that change something (a status given, different from the recorded one)."""
        lignes = []
        for pk, membre in self.membres.items():
            statut = self.cleaned_data.get(f"presence_{pk}") or ""
            if not statut:
                continue
            mandataire_pk = self.cleaned_data.get(f"mandataire_{pk}")
            mandataire = (
                self.membres.get(mandataire_pk)
                if statut == StatutPresence.REPRESENTE and mandataire_pk
                else None
            )
            actuelle = self.presences.get(pk)
            if (
                actuelle is not None
                and actuelle.statut == statut
                and actuelle.mandataire_id == (mandataire.pk if mandataire else None)
            ):
                continue
            lignes.append(LignePresence(membre, statut, mandataire))
        return lignes


class VoteForm(forms.Form):
    choix = forms.ChoiceField(
        choices=ChoixVote.choices,
        error_messages={
            "required": "Votez pour, contre ou abstention.",
            "invalid_choice": "Votez pour, contre ou abstention.",
        },
    )
    pour_membre = forms.IntegerField(required=False)
    modifier = forms.BooleanField(required=False)
    retour = forms.ChoiceField(choices=[("", ""), ("point", "point")], required=False)


class ArbitrageForm(forms.Form):
    """A co-funder's proposal on its own line of a dossier on the agenda."""

    issue = forms.ChoiceField(
        label="Proposition au comité",
        choices=IssueLigne.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez : programmée au montant demandé, réduite ou refusée.",
            "invalid_choice": "Choisissez : programmée au montant demandé, réduite ou refusée.",
        },
    )
    montant = MontantField(
        label="Montant retenu (si réduite)", required=False, help_text="Par exemple 200 000,00"
    )
    motif = forms.CharField(
        label="Motif (figurera au procès-verbal)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvaluationForm(forms.Form):
    """An instructor's grid: a mark and a comment per criterion of the grid in force, an overall
    opinion and comment. Partial marks are allowed for a draft; the service requires them all
    to file."""

    avis = forms.ChoiceField(
        label="Avis d'ensemble",
        choices=[("", "—"), *Avis.choices],
        required=False,
        error_messages={"invalid_choice": "Choisissez favorable, réservé ou défavorable."},
    )
    commentaire = forms.CharField(label="Commentaire d'ensemble", required=False)

    def __init__(self, *args: Any, grille: GrilleAnalyse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteres = list(grille.criteres.all())
        for critere in self.criteres:
            self.fields[f"note_{critere.code}"] = forms.TypedChoiceField(
                label=critere.libelle,
                choices=[("", "—")] + [(n, str(n)) for n in range(critere.echelle_max + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": f"La note va de 0 à {critere.echelle_max}."},
            )
            self.fields[f"commentaire_{critere.code}"] = forms.CharField(
                label="Commentaire", required=False, strip=False
            )

    def notes(self) -> list[NoteSaisie]:
        return [
            NoteSaisie(
                c.code,
                self.cleaned_data.get(f"note_{c.code}"),
                self.cleaned_data.get(f"commentaire_{c.code}", ""),
            )
            for c in self.criteres
        ]


class MembreForm(FormulaireDsfr):
    """Appoint a member from the committee's page (the secretariat's)."""

    utilisateur = forms.ModelChoiceField(
        label="Personne",
        queryset=Utilisateur.objects.none(),
        empty_label="Sélectionnez une personne",
        error_messages={"required": "Choisissez la personne à nommer."},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation représentée",
        queryset=Organisation.objects.order_by("nom"),
        empty_label="Sélectionnez une organisation",
        error_messages={"required": "Choisissez l'organisation que la personne représente."},
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=[("", "Sélectionnez un rôle"), *RoleMembre.choices],
        error_messages={"required": "Choisissez le rôle du membre."},
    )
    qualite = forms.CharField(
        label="Qualité (facultatif)",
        max_length=200,
        required=False,
        help_text="La fonction au titre de laquelle la personne siège, telle qu'elle figurera "
        "au procès-verbal (par exemple « Préfet de région »).",
    )
    debut = forms.DateField(
        label="Début du mandat",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez le début du mandat.", "invalid": "Date invalide."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champ = self.fields["utilisateur"]
        if isinstance(champ, forms.ModelChoiceField):  # it is: the class above declares it
            champ.queryset = Utilisateur.objects.filter(is_active=True).order_by(
                "last_name", "username"
            )


class FinMandatForm(forms.Form):
    fin = forms.DateField(
        label="Fin du mandat",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la fin du mandat.", "invalid": "Date invalide."},
    )
