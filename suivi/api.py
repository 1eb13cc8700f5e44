"""API of the execution follow-up (issue 16): a programmed line's schedule, a signatory's
budget forecast, and the forecast as a file for the budget preparation. The same use-cases,
selectors and permissions as the pages (`suivi.services`, `suivi.selectors`)."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from axes.models import Noeud, Signataire
from axes.selectors import contrat_courant
from comptes.models import Role
from financement.regles import annees_budgetaires
from financement.selectors import ligne_pour
from projets.selectors import projet_pour
from socle.exceptions import ActionNonAutorisee, RegleMetierError
from socle.exports import Column, Export, description_colonnes, vue_export
from socle.montants import MONTANT
from suivi.mi_parcours import peut_voir_revue, revue_mi_parcours
from suivi.models import VALEUR, NatureIndicateur
from suivi.permissions import peut_definir_indicateurs
from suivi.selectors import (
    BilanIndicateur,
    bilan_indicateurs,
    indicateurs_du_projet,
    prevision_du_signataire,
    signataire_pour_prevision,
    signataires_de,
)
from suivi.services import (
    IndicateurSaisi,
    contribution_renseigner,
    echeancier_definir,
    indicateur_definir,
)


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


# --- Indicators ------------------------------------------------------------------------------
VALEUR_API = VALEUR


class IndicateurSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Identifiant de l'indicateur.")
    axe = serializers.CharField(read_only=True, help_text="Code de l'axe de la mesure.")
    mesure = serializers.CharField(help_text="Code de la mesure (ou sous-mesure) suivie.")
    nom = serializers.CharField(max_length=300, help_text="Nom de l'indicateur.")
    unite = serializers.CharField(max_length=50, help_text="Unité (m², places, tCO2e…).")
    nature = serializers.ChoiceField(
        choices=NatureIndicateur.choices, help_text="realisation ou resultat."
    )
    valeur_reference = serializers.DecimalField(
        **VALEUR_API,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Valeur de référence, fixée par les partenaires (vide si aucune).",
    )
    cible_2027 = serializers.DecimalField(
        **VALEUR_API, min_value=0, help_text="Cible 2027, fixée par les partenaires du contrat."
    )
    source = serializers.CharField(max_length=300, help_text="Source de la mesure.")  # type: ignore[assignment]  # a field named « source »
    attendu = serializers.DecimalField(
        **VALEUR_API,
        read_only=True,
        help_text="Somme des contributions attendues des dossiers programmés, en cours ou soldés.",
    )
    realise = serializers.DecimalField(
        **VALEUR_API,
        read_only=True,
        help_text="Somme des valeurs réalisées déclarées par leurs porteurs.",
    )
    nombre_dossiers = serializers.IntegerField(
        read_only=True, help_text="Nombre de dossiers programmés qui y contribuent."
    )


def _indicateur(b: BilanIndicateur) -> dict[str, Any]:
    i = b.indicateur
    return {
        "id": i.pk,
        "axe": i.noeud.axe.code if i.noeud.axe else "",
        "mesure": i.noeud.code,
        "nom": i.nom,
        "unite": i.unite,
        "nature": i.nature,
        "valeur_reference": i.valeur_reference,
        "cible_2027": i.cible_2027,
        "source": i.source,
        "attendu": b.attendu,
        "realise": b.realise,
        "nombre_dossiers": b.nombre_dossiers,
    }


def _saisie(donnees: dict[str, Any]) -> IndicateurSaisi:
    try:
        noeud = Noeud.objects.get(contrat=contrat_courant(), code=donnees["mesure"])
    except Noeud.DoesNotExist as erreur:
        raise RegleMetierError(erreurs={"mesure": ["Mesure inconnue du contrat."]}) from erreur
    return IndicateurSaisi(
        noeud=noeud,
        nom=donnees["nom"],
        unite=donnees["unite"],
        nature=donnees["nature"],
        cible_2027=donnees["cible_2027"],
        source=donnees["source"],
        valeur_reference=donnees.get("valeur_reference"),
    )


class IndicateurListApi(APIView):
    @extend_schema(
        summary="Indicateurs par mesure : cible, attendu, réalisé",
        description="Les cibles sont fixées par les partenaires du contrat (le contrat n'en "
        "donne aucune valeur chiffrée). Dans l'ordre du contrat.",
        responses=IndicateurSerializer(many=True),
        tags=["Suivi"],
    )
    def get(self, request):
        return Response(
            IndicateurSerializer([_indicateur(b) for b in bilan_indicateurs()], many=True).data
        )

    @extend_schema(
        summary="Définir un indicateur d'une mesure",
        description="Réservé au secrétariat du CPER (403 sinon, rien n'est écrit). 400, clé par "
        "champ, si la mesure est inconnue ou n'est pas une mesure, ou si le nom existe déjà "
        "pour cette mesure.",
        request=IndicateurSerializer,
        responses={201: IndicateurSerializer},
        tags=["Suivi"],
    )
    def post(self, request):
        if not peut_definir_indicateurs(request.user):
            raise ActionNonAutorisee("Seul le secrétariat du CPER définit les indicateurs.")
        entree = IndicateurSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        try:
            indicateur = indicateur_definir(saisie=_saisie(entree.validated_data), par=request.user)
        except RegleMetierError as erreur:
            if "noeud" in erreur.erreurs:  # the API names the measure `mesure`
                erreur.erreurs["mesure"] = erreur.erreurs.pop("noeud")
            raise
        (bilan,) = [b for b in bilan_indicateurs() if b.indicateur.pk == indicateur.pk]
        return Response(
            IndicateurSerializer(_indicateur(bilan)).data, status=status.HTTP_201_CREATED
        )


class ContributionSerializer(serializers.Serializer):
    indicateur = serializers.IntegerField(read_only=True, help_text="Identifiant de l'indicateur.")
    nom = serializers.CharField(read_only=True, help_text="Nom de l'indicateur.")
    unite = serializers.CharField(read_only=True, help_text="Unité de l'indicateur.")
    valeur_attendue = serializers.DecimalField(
        **VALEUR_API, min_value=0, help_text="Contribution attendue du dossier."
    )
    valeur_realisee = serializers.DecimalField(
        **VALEUR_API,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Valeur réalisée à ce jour (vide tant qu'elle n'est pas déclarée).",
    )
    commentaire = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Commentaire du porteur."
    )


def _contributions(projet: Any) -> list[dict[str, Any]]:
    return [
        {
            "indicateur": i.pk,
            "nom": i.nom,
            "unite": i.unite,
            "valeur_attendue": c.valeur_attendue if c else None,
            "valeur_realisee": c.valeur_realisee if c else None,
            "commentaire": c.commentaire if c else "",
        }
        for i, c in indicateurs_du_projet(projet=projet)
    ]


class ContributionListApi(APIView):
    @extend_schema(
        summary="Contributions d'un dossier aux indicateurs de sa mesure",
        description="Un indicateur sans contribution déclarée a des valeurs vides.",
        responses=ContributionSerializer(many=True),
        tags=["Suivi"],
    )
    def get(self, request, reference):
        projet = projet_pour(utilisateur=request.user, reference=reference)
        return Response(ContributionSerializer(_contributions(projet), many=True).data)


class ContributionApi(APIView):
    @extend_schema(
        summary="Déclarer la contribution attendue et la valeur réalisée d'un dossier",
        description="Réservé au porteur du dossier et au secrétariat (403 sinon, rien n'est "
        "écrit) ; 404 si l'indicateur ne suit pas la mesure du dossier.",
        request=ContributionSerializer,
        responses=ContributionSerializer(many=True),
        tags=["Suivi"],
    )
    def put(self, request, reference, pk):
        projet = projet_pour(utilisateur=request.user, reference=reference)
        indicateur = next((i for i, _ in indicateurs_du_projet(projet=projet) if i.pk == pk), None)
        if indicateur is None:
            raise Http404
        entree = ContributionSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        contribution_renseigner(
            projet=projet, indicateur=indicateur, par=request.user, **entree.validated_data
        )
        return Response(ContributionSerializer(_contributions(projet), many=True).data)


# --- Indicators as open data -----------------------------------------------------------------
COLONNES_INDICATEURS = [
    Column("indicateur", "Identifiant de l'indicateur.", type="integer", required=True),
    Column("axe", "Code de l'axe."),
    Column("mesure", "Code de la mesure (ou sous-mesure) suivie.", required=True),
    Column("nom", "Nom de l'indicateur.", required=True),
    Column("unite", "Unité."),
    Column("nature", "realisation ou resultat.", enum=tuple(NatureIndicateur.values)),
    Column("valeur_reference", "Valeur de référence (fixée par les partenaires).", type="number"),
    Column("cible_2027", "Cible 2027 (fixée par les partenaires du contrat).", type="number"),
    Column("attendu", "Somme des contributions attendues des dossiers programmés.", type="number"),
    Column("realise", "Somme des valeurs réalisées déclarées par les porteurs.", type="number"),
    Column("nombre_dossiers", "Dossiers programmés qui y contribuent.", type="integer"),
    Column("source", "Source de la mesure."),
]


def rangees_indicateurs() -> Iterator[dict[str, Any]]:
    for b in bilan_indicateurs():
        d = _indicateur(b)
        d["indicateur"] = d.pop("id")
        yield d


INDICATEURS = Export(
    nom="cper-hdf-indicateurs",
    feuille="Indicateurs",
    colonnes=COLONNES_INDICATEURS,
    rangees=rangees_indicateurs,
    formats=("csv", "json", "xlsx"),
    public=True,
    tag="Données ouvertes",
    resume="Indicateurs par mesure : cible, attendu et réalisé",
    description=(
        "Données ouvertes, sans connexion : une ligne par indicateur d'une mesure. Les "
        "valeurs de référence et les cibles 2027 sont fixées par les partenaires du contrat "
        "(le contrat n'en donne aucune) ; l'attendu et le réalisé sont les sommes des "
        "contributions des dossiers programmés, en cours ou soldés.\n\n"
        + description_colonnes(COLONNES_INDICATEURS)
    ),
)

IndicateursCsvApi = vue_export(INDICATEURS, "csv")
IndicateursJsonApi = vue_export(INDICATEURS, "json")
IndicateursXlsxApi = vue_export(INDICATEURS, "xlsx")


# --- Mid-term review -------------------------------------------------------------------------
class ExecutionRevueSerializer(serializers.Serializer):
    signataire = serializers.CharField(help_text="Signataire (ou « Total »).")
    enveloppe = serializers.DecimalField(
        **MONTANT, allow_null=True, help_text="Enveloppe, en euros."
    )
    programme = serializers.DecimalField(**MONTANT, help_text="Programmé, en euros.")
    engage = serializers.DecimalField(**MONTANT, help_text="Engagé, en euros.")
    paye = serializers.DecimalField(**MONTANT, help_text="Payé, en euros.")


class MesureRevueSerializer(serializers.Serializer):
    mesure = serializers.CharField(help_text="Code de la mesure.")
    signataire = serializers.CharField(help_text="Code du signataire.")
    maquette = serializers.DecimalField(
        **MONTANT, allow_null=True, help_text="Ligne de la maquette financière (vide si aucune)."
    )
    programme = serializers.DecimalField(**MONTANT, help_text="Programmé, en euros.")
    engage = serializers.DecimalField(**MONTANT, help_text="Engagé, en euros.")
    paye = serializers.DecimalField(**MONTANT, help_text="Payé, en euros.")


class PropositionSerializer(serializers.Serializer):
    signataire = serializers.CharField(help_text="Code du signataire.")
    enveloppe = serializers.DecimalField(**MONTANT, help_text="Enveloppe en vigueur, en euros.")
    programme = serializers.DecimalField(**MONTANT, help_text="Programmé, en euros.")
    dormant = serializers.DecimalField(
        **MONTANT, help_text="Programmé sur des lignes dormantes, en euros."
    )
    a_degager = serializers.DecimalField(
        **MONTANT, help_text="Proposé à dégager : la part non programmée, en euros."
    )


class RevueSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Date du bilan.")
    signataires = ExecutionRevueSerializer(many=True, help_text="Par signataire, puis le total.")
    mesures = MesureRevueSerializer(many=True, help_text="Par mesure et par signataire.")
    nombre_dormants = serializers.IntegerField(help_text="Lignes dormantes.")
    montant_dormant = serializers.DecimalField(
        **MONTANT, help_text="Programmé sur les lignes dormantes, en euros."
    )
    propositions = PropositionSerializer(many=True, help_text="Montants à dégager proposés.")


class RevueApi(APIView):
    @extend_schema(
        summary="Bilan à mi-parcours",
        description="Les chiffres de la page du bilan (les indicateurs et les prévisions ont "
        "leurs propres points d'accès). Réservé au secrétariat et aux agents des signataires "
        "(403 sinon). Paramètre `date` (AAAA-MM-JJ, aujourd'hui par défaut) : la date du bilan, "
        "qui juge les lignes dormantes.",
        parameters=[OpenApiParameter("date", str, description="Date du bilan, AAAA-MM-JJ.")],
        responses=RevueSerializer,
        tags=["Suivi"],
    )
    def get(self, request):
        if not peut_voir_revue(request.user):
            raise ActionNonAutorisee(
                "Le bilan à mi-parcours est réservé au secrétariat du CPER et aux agents des "
                "signataires."
            )
        le = None
        if request.GET.get("date"):
            try:
                le = date.fromisoformat(request.GET["date"])
            except ValueError as erreur:
                raise RegleMetierError(
                    erreurs={"date": ["Date invalide : utilisez le format AAAA-MM-JJ."]}
                ) from erreur
        r = revue_mi_parcours(le=le)
        execution = lambda e: {  # noqa: E731
            "signataire": e.libelle,
            "enveloppe": e.enveloppe,
            "programme": e.programme,
            "engage": e.engage,
            "paye": e.paye,
        }
        donnees = {
            "date": r.le,
            "signataires": [execution(e) for e in [*r.signataires, r.total]],
            "mesures": [vars(m) for m in r.mesures],
            "nombre_dormants": r.nombre_dormants,
            "montant_dormant": r.montant_dormant,
            "propositions": [
                {
                    "signataire": p.signataire.code,
                    "enveloppe": p.enveloppe,
                    "programme": p.programme,
                    "dormant": p.dormant,
                    "a_degager": p.a_degager,
                }
                for p in r.propositions
            ],
        }
        return Response(RevueSerializer(donnees).data)
