"""API of the execution follow-up (issue 16): a programmed line's schedule, a signatory's
budget forecast, and the forecast as a file for the budget preparation. The same use-cases,
selectors and permissions as the pages (`suivi.services`, `suivi.selectors`)."""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from axes.models import Signataire
from comptes.models import Role
from financement.regles import annees_budgetaires
from financement.selectors import ligne_pour
from socle.exports import Column, Export, description_colonnes, vue_export
from socle.montants import MONTANT
from suivi.selectors import prevision_du_signataire, signataire_pour_prevision, signataires_de
from suivi.services import echeancier_definir


# --- Schedule of a programmed line ----------------------------------------------------------
class EcheanceSerializer(serializers.Serializer):
    annee = serializers.IntegerField(help_text="Année budgétaire.")
    montant_ae = serializers.DecimalField(
        **MONTANT,
        min_value=0,
        help_text="À engager cette année (autorisations d'engagement), en euros.",
    )
    montant_cp = serializers.DecimalField(
        **MONTANT, min_value=0, help_text="À payer cette année (crédits de paiement), en euros."
    )


class EcheancierSerializer(serializers.Serializer):
    ligne = serializers.IntegerField(read_only=True, help_text="Identifiant de la ligne.")
    montant_programme = serializers.DecimalField(
        **MONTANT, read_only=True, help_text="Programmé sur la ligne, en euros."
    )
    echeances = EcheanceSerializer(many=True, help_text="Une entrée par année budgétaire.")

    def validate_echeances(self, valeur: list[dict[str, Any]]) -> list[dict[str, Any]]:
        annees = [e["annee"] for e in valeur]
        if len(set(annees)) != len(annees):
            raise serializers.ValidationError("Chaque année ne figure qu'une fois.")
        return valeur


def _echeancier(ligne: Any) -> dict[str, Any]:
    return {
        "ligne": ligne.pk,
        "montant_programme": ligne.montant_programme,
        "echeances": list(ligne.echeances.order_by("annee")),
    }


class EcheancierApi(APIView):
    @extend_schema(
        summary="Échéancier d'une ligne programmée",
        description="AE et CP prévus par année budgétaire.",
        responses=EcheancierSerializer,
        tags=["Suivi"],
    )
    def get(self, request, pk):
        return Response(
            EcheancierSerializer(_echeancier(ligne_pour(utilisateur=request.user, pk=pk))).data
        )

    @extend_schema(
        summary="Remplacer l'échéancier d'une ligne programmée",
        description="Le porteur du dossier le propose, les agents du signataire de la ligne (ou "
        "le secrétariat) l'ajustent ; 403 pour les autres, rien n'est écrit. 400, clé par champ, "
        "si une année sort des années budgétaires (`annee`) ou si un total dépasse le montant "
        "programmé (`montant_ae`, `montant_cp`). Tout ou rien.",
        request=EcheancierSerializer,
        responses=EcheancierSerializer,
        tags=["Suivi"],
    )
    def put(self, request, pk):
        ligne = ligne_pour(utilisateur=request.user, pk=pk)
        entree = EcheancierSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        echeancier_definir(
            ligne=ligne,
            echeances={
                e["annee"]: (e["montant_ae"], e["montant_cp"])
                for e in entree.validated_data["echeances"]
            },
            par=request.user,
        )
        return Response(EcheancierSerializer(_echeancier(ligne)).data)


# --- A signatory's forecast ------------------------------------------------------------------
class PrevisionAnneeSerializer(serializers.Serializer):
    annee = serializers.IntegerField(help_text="Année budgétaire.")
    besoin_ae = serializers.DecimalField(
        **MONTANT,
        help_text="À engager (AE) : somme des échéanciers des lignes du signataire, en euros.",
    )
    besoin_cp = serializers.DecimalField(
        **MONTANT,
        help_text="À payer (CP) : somme des échéanciers des lignes du signataire, en euros.",
    )
    credits_ouverts = serializers.DecimalField(
        **MONTANT,
        allow_null=True,
        help_text="Crédits ouverts par le signataire cette année, en euros ; vide s'il n'en a "
        "pas renseigné.",
    )
    ecart = serializers.DecimalField(
        **MONTANT,
        allow_null=True,
        help_text="Crédits ouverts moins besoin en AE (négatif : crédits insuffisants) ; vide "
        "sans crédits ouverts (« sous réserve »).",
    )


class PrevisionSerializer(serializers.Serializer):
    signataire = serializers.CharField(help_text="Code du signataire.")
    annees = PrevisionAnneeSerializer(many=True, help_text="Une entrée par année budgétaire.")


class PrevisionApi(APIView):
    @extend_schema(
        summary="Prévisions budgétaires d'un signataire",
        description="Par année budgétaire, ce que le signataire doit engager (AE) et payer (CP) "
        "d'après les échéanciers de ses lignes programmées, face aux crédits qu'il a ouverts, "
        "et l'écart. Réservé aux agents du signataire et au secrétariat (403 sinon).",
        responses=PrevisionSerializer,
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description="Code du signataire, par exemple region.",
            )
        ],
        tags=["Suivi"],
    )
    def get(self, request, code):
        signataire = signataire_pour_prevision(utilisateur=request.user, code=code)
        return Response(
            PrevisionSerializer(
                {
                    "signataire": signataire.code,
                    "annees": prevision_du_signataire(signataire=signataire),
                }
            ).data
        )


# --- The forecast as a file ------------------------------------------------------------------
COLONNES_PREVISIONS = [
    Column("signataire", "Code du signataire.", required=True),
    Column("nom_signataire", "Nom du signataire."),
    Column("annee", "Année budgétaire.", type="integer", required=True),
    Column(
        "besoin_ae",
        str(PrevisionAnneeSerializer().fields["besoin_ae"].help_text),
        type="number",
    ),
    Column(
        "besoin_cp",
        str(PrevisionAnneeSerializer().fields["besoin_cp"].help_text),
        type="number",
    ),
    Column(
        "credits_ouverts",
        str(PrevisionAnneeSerializer().fields["credits_ouverts"].help_text),
        type="number",
    ),
    Column("ecart", str(PrevisionAnneeSerializer().fields["ecart"].help_text), type="number"),
]


def signataires_exportes(utilisateur: Any) -> QuerySet[Signataire]:
    """The signatories whose forecast the person sees; a person who sees none is refused."""
    if not (
        utilisateur.is_authenticated
        and (utilisateur.est_administrateur or utilisateur.role == Role.AGENT)
    ):
        raise PermissionDenied(
            "Les prévisions budgétaires sont réservées aux agents des signataires et au "
            "secrétariat du CPER."
        )
    return signataires_de(utilisateur=utilisateur)


class PrevisionFilter(filters.FilterSet):
    signataire = filters.CharFilter(method="filtrer_signataire", help_text="Code du signataire.")

    class Meta:
        model = Signataire
        fields = ["signataire"]

    def filtrer_signataire(
        self, queryset: QuerySet[Signataire], name: str, value: str
    ) -> QuerySet[Signataire]:
        choisis = queryset.filter(code=value)
        if not choisis.exists():
            raise PermissionDenied(
                "Seuls les agents de ce signataire et le secrétariat du CPER voient ses "
                "prévisions budgétaires."
            )
        return choisis


def rangees_previsions(signataires: QuerySet[Signataire]) -> Iterator[dict[str, Any]]:
    for signataire in signataires:
        for a in prevision_du_signataire(signataire=signataire):
            yield {
                "signataire": signataire.code,
                "nom_signataire": signataire.nom,
                "annee": a.annee,
                "besoin_ae": a.besoin_ae,
                "besoin_cp": a.besoin_cp,
                "credits_ouverts": a.credits_ouverts,
                "ecart": a.ecart,
            }


PREVISIONS = Export(
    nom="previsions-budgetaires",
    feuille="Prévisions",
    colonnes=COLONNES_PREVISIONS,
    selection=signataires_exportes,
    filtre=PrevisionFilter,
    rangees=rangees_previsions,
    resume="Prévisions budgétaires par signataire et par année",
    tag="Suivi",
    description=(
        "Pour la préparation budgétaire : une ligne par signataire et par année budgétaire "
        f"({annees_budgetaires()[0]}-{annees_budgetaires()[-1]} au plus), ce qu'il doit "
        "engager et payer d'après les échéanciers de ses lignes, face à ses crédits ouverts. "
        "Un agent n'obtient que les siens (403 pour un autre signataire), le secrétariat tous ; "
        "les autres profils sont refusés (403).\n\n" + description_colonnes(COLONNES_PREVISIONS)
    ),
)

ExportPrevisionsCsvApi = vue_export(PREVISIONS, "csv")
ExportPrevisionsXlsxApi = vue_export(PREVISIONS, "xlsx")
