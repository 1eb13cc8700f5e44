"""Filters of the dossier list, shared by the HTML page and the API."""

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from axes.cache import memorise
from axes.models import Departement, Noeud, Signataire
from projets.models import LignePlanFinancement, Origine, Projet, Statut
from projets.recherche import rechercher
from socle.formulaires import ListeRapide, NombreRapide, SaisieRapide

ANNEE_MINIMALE, ANNEE_MAXIMALE = 2000, 2100


@extend_schema_field({"type": "integer", "minimum": ANNEE_MINIMALE, "maximum": ANNEE_MAXIMALE})
class AnneeFilter(filters.NumberFilter):
    """A year: a whole number between 2000 and 2100 (else 400, never a date out of range);
    the schema publishes the type and the bounds."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", NombreRapide)
        kwargs.setdefault("min_value", ANNEE_MINIMALE)
        kwargs.setdefault("max_value", ANNEE_MAXIMALE)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1})
class IdentifiantFilter(filters.NumberFilter):
    """An identifier: a positive whole number (`1.5` or `1e3` are refused with 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", NombreRapide)
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


class ChoixMultiplesField(filters.fields.MultipleChoiceField):
    """A repeated choice where an empty value (`?statut=`) means no filter, as an empty
    single choice does; an unknown value is still refused."""

    def clean(self, value):
        if value:
            value = [v for v in value if v not in ("", None)]
        return super().clean(value)


class ChoixMultiplesFilter(filters.MultipleChoiceFilter):
    field_class = ChoixMultiplesField


# The choices are read from the cache while the programme does not change (`axes.cache`).
def choix_axes():
    return memorise(
        "choix_axes",
        lambda: [(n.code, f"Axe {n.code}") for n in Noeud.objects.axes().order_by("position")],
    )


def choix_departements():
    return memorise(
        "choix_departements",
        lambda: [(d.code_insee, f"{d.nom} ({d.code_insee})") for d in Departement.objects.all()],
    )


def choix_financeurs():
    return memorise(
        "choix_financeurs",
        lambda: [(s.code, s.nom) for s in Signataire.objects.order_by("ordre")],
    )


class ProjetFilter(filters.FilterSet):
    q = filters.CharFilter(
        widget=SaisieRapide,
        label="Recherche",
        method="filtrer_texte",
        help_text="Référence, titre, maître d'ouvrage, commune ou mesure, sans tenir compte des "
        "accents, des majuscules ni des traits d'union ; chaque mot doit y figurer, même en "
        "partie. Sans autre tri demandé, les résultats sont classés par pertinence : la "
        "référence, puis les titres qui contiennent les mots dans cet ordre, puis les autres.",
    )
    axe = filters.ChoiceFilter(
        widget=ListeRapide,
        label="Axe",
        choices=choix_axes,
        field_name="mesure__axe__code",
        help_text="Code de l'axe (I à VI).",
    )
    mesure = filters.CharFilter(
        widget=SaisieRapide,
        label="Mesure",
        method="filtrer_mesure",
        help_text="Code d'un nœud du programme ; ses sous-mesures sont incluses (ex. IV.2.1).",
    )
    statut = ChoixMultiplesFilter(
        label="Statut",
        choices=Statut.choices,
        help_text="Un ou plusieurs statuts (répéter le paramètre) ; laissé vide, pas de filtre.",
        widget=forms.CheckboxSelectMultiple,
        # A column of the dossier itself: no join, so no duplicate rows and no DISTINCT (which
        # made PostgreSQL sort every matching dossier, and count them a second time).
        distinct=False,
    )
    origine = filters.ChoiceFilter(
        widget=ListeRapide,
        label="Origine",
        choices=Origine.choices,
        help_text="contrat (opération inscrite au contrat) ou depot (projet déposé).",
    )
    departement = filters.ChoiceFilter(
        widget=ListeRapide,
        label="Département",
        choices=choix_departements,
        method="filtrer_departement",
        help_text="Code INSEE du département.",
    )
    financeur = filters.ChoiceFilter(
        widget=ListeRapide,
        label="Financeur",
        choices=choix_financeurs,
        method="filtrer_financeur",
        help_text="Code d'un signataire présent dans le plan de financement.",
    )
    annee = AnneeFilter(
        label="Année",
        method="filtrer_annee",
        help_text="Projets dont le calendrier couvre cette année.",
    )
    maitre_ouvrage = IdentifiantFilter(
        label="Maître d'ouvrage",
        field_name="maitre_ouvrage_id",
        help_text="Identifiant de l'organisation.",
    )
    tri = filters.OrderingFilter(
        widget=ListeRapide,
        label="Trier par",
        fields=(
            ("reference", "reference"),
            ("titre", "titre"),
            ("statut", "statut"),
            ("cout_total_ht", "cout"),
            ("date_debut", "debut"),
            ("modifie_le", "modification"),
        ),
        # Keyed by the model's field (django-filter's rule), else the menu says « Cout ».
        field_labels={
            "reference": "Référence",
            "titre": "Titre",
            "statut": "Statut",
            "cout_total_ht": "Coût",
            "date_debut": "Date de début",
            "modifie_le": "Dernière modification",
        },
    )

    class Meta:
        model = Projet
        fields = ["q", "axe", "mesure", "statut", "origine", "departement", "financeur", "annee"]

    def filtrer_texte(self, queryset, nom, valeur):
        return rechercher(queryset, valeur)

    def filtrer_mesure(self, queryset, nom, valeur):
        return queryset.filter(Noeud.q_sous_code(valeur, prefixe="mesure"))

    @extend_schema_field(OpenApiTypes.STR)
    def filtrer_departement(self, queryset, nom, valeur):
        return queryset.filter(
            Exists(
                Projet.departements.through.objects.filter(
                    projet_id=OuterRef("pk"), departement__code_insee=valeur
                )
            )
        )

    @extend_schema_field(OpenApiTypes.STR)
    def filtrer_financeur(self, queryset, nom, valeur):
        return queryset.filter(
            Exists(
                LignePlanFinancement.objects.filter(
                    projet_id=OuterRef("pk"), signataire__code=valeur
                )
            )
        )

    def filtrer_annee(self, queryset, nom, valeur):
        annee = int(valeur)
        return queryset.filter(date_debut__year__lte=annee, date_fin__year__gte=annee)
