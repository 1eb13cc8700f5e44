"""Files for download: the public open-data datasets and the exports of the ledger lists.

Open data needs no log-in; the ledger exports show exactly what the lists show to the same
person (same scoped querysets, same filters). Every file streams.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from financement.api import EngagementFilter, LigneFilter, PaiementFilter
from financement.donnees_ouvertes import (
    COLONNES_PROJETS_PROGRAMMES,
    COLONNES_SCDL,
    TAILLE_LOT,
    rangees_projets_programmes,
    rangees_scdl,
)
from financement.models import Engagement, LigneProgrammee, Paiement
from projets.models import Projet
from socle.exports import (
    XLSX_CONTENT_TYPE,
    Column,
    csv_response,
    json_response,
    xlsx_response,
)

CSV = {(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Fichier CSV (UTF-8).")}
XLSX = {
    (200, XLSX_CONTENT_TYPE): OpenApiResponse(
        OpenApiTypes.BINARY, description="Classeur XLSX (une feuille)."
    )
}
JSON = {
    (200, "application/json"): OpenApiResponse(
        OpenApiTypes.ANY, description="Tableau JSON d'objets, un par ligne."
    )
}


def description_colonnes(colonnes: list[Column]) -> str:
    return "Colonnes, dans l'ordre :\n\n" + "\n".join(
        f"- `{c.key}` ({c.type}{', obligatoire' if c.required else ''}) : {c.description}"
        for c in colonnes
    )


def fichier(extension: str, rangees, colonnes: list[Column], nom: str, titre: str):
    if extension == "csv":
        return csv_response(rangees, colonnes, f"{nom}.csv")
    if extension == "json":
        return json_response(rangees, colonnes, f"{nom}.json")
    if extension == "xlsx":
        return xlsx_response(rangees, colonnes, f"{nom}.xlsx", titre)
    raise Http404("Format inconnu.")


# --- Données ouvertes -----------------------------------------------------------------------
class ProjetsProgrammesApi(APIView):
    permission_classes = [AllowAny]
    extension = "csv"

    def get(self, request):
        return fichier(
            self.extension,
            rangees_projets_programmes(),
            COLONNES_PROJETS_PROGRAMMES,
            "cper-hdf-projets-programmes",
            "Projets programmés",
        )


def _projets_programmes(extension: str, reponses: dict):
    vue = type(f"ProjetsProgrammes{extension.title()}Api", (ProjetsProgrammesApi,), {})
    vue.extension = extension
    return extend_schema(
        summary=f"Projets programmés et montants par financeur ({extension.upper()})",
        description=(
            "Données ouvertes, sans connexion : une ligne par ligne CPER programmée (projet × "
            "signataire financeur), sans donnée personnelle. Montants en euros, décimaux à "
            "point (chaînes en JSON, nombres en XLSX). Schéma : "
            "/donnees/projets-programmes.schema.json.\n\n"
            + description_colonnes(COLONNES_PROJETS_PROGRAMMES)
        ),
        responses=reponses,
        tags=["Données ouvertes"],
    )(vue)


ProjetsProgrammesCsvApi = _projets_programmes("csv", CSV)
ProjetsProgrammesJsonApi = _projets_programmes("json", JSON)
ProjetsProgrammesXlsxApi = _projets_programmes("xlsx", XLSX)


class SubventionsScdlApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Décisions de financement au format SCDL « subventions » (CSV)",
        description=(
            "Données ouvertes, sans connexion : une ligne par ligne CPER programmée, au format "
            "national des données essentielles des subventions (décret n° 2017-779, schéma "
            "`scdl/subventions` 2.1.1). CSV UTF-8, séparateur virgule, montants à point. "
            "`idAttribuant` est vide : les SIRET des signataires ne sont pas encore connus du "
            "portail.\n\n" + description_colonnes(COLONNES_SCDL)
        ),
        responses=CSV,
        tags=["Données ouvertes"],
    )
    def get(self, request):
        return csv_response(rangees_scdl(), COLONNES_SCDL, "cper-hdf-subventions-scdl.csv")


# --- Exports des listes du registre ---------------------------------------------------------
COLONNES_LIGNES = [
    Column("id", "Identifiant de la ligne programmée.", type="integer"),
    Column("projet", "Référence du projet."),
    Column("titre_projet", "Titre du projet."),
    Column("signataire", "Code du signataire."),
    Column("mesure", "Code de la mesure."),
    Column("montant_programme", "Programmé, en euros.", type="number"),
    Column("montant_engage", "Engagé, en euros.", type="number"),
    Column("montant_paye", "Payé, en euros.", type="number"),
    Column("montant_degage", "Dégagé, en euros.", type="number"),
    Column("programme_le", "Date et heure de la programmation.", type="datetime"),
]
COLONNES_ENGAGEMENTS = [
    Column("id", "Identifiant de l'engagement.", type="integer"),
    Column("ligne", "Identifiant de la ligne programmée.", type="integer"),
    Column("projet", "Référence du projet."),
    Column("signataire", "Code du signataire."),
    Column("date_acte", "Date de l'acte.", type="date"),
    Column("type_acte", "Nature de l'acte."),
    Column("reference", "Référence de l'acte."),
    Column("montant", "Montant engagé, en euros.", type="number"),
    Column("annee_budgetaire", "Année budgétaire.", type="integer"),
    Column("montant_paye", "Payé sur l'engagement, en euros.", type="number"),
    Column("montant_degage", "Dégagé, en euros.", type="number"),
]
COLONNES_PAIEMENTS = [
    Column("id", "Identifiant du paiement.", type="integer"),
    Column("engagement", "Identifiant de l'engagement.", type="integer"),
    Column("reference_engagement", "Référence de l'acte d'engagement."),
    Column("projet", "Référence du projet."),
    Column("signataire", "Code du signataire."),
    Column("date", "Date du paiement.", type="date"),
    Column("type", "avance, acompte ou solde."),
    Column("montant", "Montant payé, en euros.", type="number"),
    Column("reference", "Référence du mandat."),
]


def _filtrer(classe_filtre, request, queryset):
    filtre = classe_filtre(request.GET, queryset=queryset, request=request)
    if not filtre.is_valid():
        raise ValidationError(filtre.errors)
    return filtre.qs


class ExportLignesApi(APIView):
    extension = "csv"

    def get(self, request):
        lignes = _filtrer(
            LigneFilter,
            request,
            LigneProgrammee.objects.filter(projet__in=Projet.objects.visibles_par(request.user))
            .select_related("projet", "signataire", "noeud")
            .order_by("pk"),
        )
        rangees = (
            {
                "id": ligne.pk,
                "projet": ligne.projet.reference,
                "titre_projet": ligne.projet.titre,
                "signataire": ligne.signataire.code,
                "mesure": ligne.noeud.code,
                "montant_programme": ligne.montant_programme,
                "montant_engage": ligne.montant_engage,
                "montant_paye": ligne.montant_paye,
                "montant_degage": ligne.montant_degage,
                "programme_le": ligne.programme_le,
            }
            for ligne in lignes.iterator(chunk_size=TAILLE_LOT)
        )
        return fichier(self.extension, rangees, COLONNES_LIGNES, "lignes-programmees", "Lignes")


class ExportEngagementsApi(APIView):
    extension = "csv"

    def get(self, request):
        engagements = _filtrer(
            EngagementFilter,
            request,
            Engagement.objects.filter(ligne__projet__in=Projet.objects.visibles_par(request.user))
            .select_related("signataire", "ligne__projet")
            .order_by("pk"),
        )
        rangees = (
            {
                "id": e.pk,
                "ligne": e.ligne_id,
                "projet": e.ligne.projet.reference,
                "signataire": e.signataire.code,
                "date_acte": e.date_acte,
                "type_acte": e.type_acte,
                "reference": e.reference,
                "montant": e.montant,
                "annee_budgetaire": e.annee_budgetaire,
                "montant_paye": e.montant_paye,
                "montant_degage": e.montant_degage,
            }
            for e in engagements.iterator(chunk_size=TAILLE_LOT)
        )
        return fichier(self.extension, rangees, COLONNES_ENGAGEMENTS, "engagements", "Engagements")


class ExportPaiementsApi(APIView):
    extension = "csv"

    def get(self, request):
        paiements = _filtrer(
            PaiementFilter,
            request,
            Paiement.objects.filter(
                engagement__ligne__projet__in=Projet.objects.visibles_par(request.user)
            )
            .select_related("engagement__signataire", "engagement__ligne__projet")
            .order_by("pk"),
        )
        rangees = (
            {
                "id": p.pk,
                "engagement": p.engagement_id,
                "reference_engagement": p.engagement.reference,
                "projet": p.engagement.ligne.projet.reference,
                "signataire": p.engagement.signataire.code,
                "date": p.date,
                "type": p.type,
                "montant": p.montant,
                "reference": p.reference,
            }
            for p in paiements.iterator(chunk_size=TAILLE_LOT)
        )
        return fichier(self.extension, rangees, COLONNES_PAIEMENTS, "paiements", "Paiements")


def variante(classe, extension: str, *, resume: str, colonnes: list[Column], filtre):
    """One view class per format, so that the schema documents each file on its own path."""
    vue = type(f"{classe.__name__}{extension.title()}", (classe,), {"extension": extension})
    return extend_schema(
        summary=f"{resume} ({extension.upper()})",
        description="Les lignes que la liste correspondante montre à la même personne, avec les "
        "mêmes filtres ; le fichier est produit au fil de l'eau.\n\n"
        + description_colonnes(colonnes),
        responses=CSV if extension == "csv" else XLSX,
        parameters=[
            OpenApiParameter(nom, str, description=str(f.extra.get("help_text", "")))
            for nom, f in filtre.base_filters.items()
        ],
        tags=["Exports"],
    )(vue)


ExportLignesCsvApi = variante(
    ExportLignesApi,
    "csv",
    resume="Lignes programmées",
    colonnes=COLONNES_LIGNES,
    filtre=LigneFilter,
)
ExportLignesXlsxApi = variante(
    ExportLignesApi,
    "xlsx",
    resume="Lignes programmées",
    colonnes=COLONNES_LIGNES,
    filtre=LigneFilter,
)
ExportEngagementsCsvApi = variante(
    ExportEngagementsApi,
    "csv",
    resume="Engagements",
    colonnes=COLONNES_ENGAGEMENTS,
    filtre=EngagementFilter,
)
ExportEngagementsXlsxApi = variante(
    ExportEngagementsApi,
    "xlsx",
    resume="Engagements",
    colonnes=COLONNES_ENGAGEMENTS,
    filtre=EngagementFilter,
)
ExportPaiementsCsvApi = variante(
    ExportPaiementsApi,
    "csv",
    resume="Paiements",
    colonnes=COLONNES_PAIEMENTS,
    filtre=PaiementFilter,
)
ExportPaiementsXlsxApi = variante(
    ExportPaiementsApi,
    "xlsx",
    resume="Paiements",
    colonnes=COLONNES_PAIEMENTS,
    filtre=PaiementFilter,
)
