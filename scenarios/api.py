"""API of the co-financing scenarios: the same services, computations and permissions as the
pages (`scenarios.services`, `scenarios.calculs`, `scenarios.permissions`)."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from axes.models import Noeud, Signataire
from comptes.models import Utilisateur
from gouvernance.models import Seance
from projets.models import SourceFinancement
from scenarios.calculs import MAX_COMPARES, MIN_COMPARES, Bilan, LigneComparee, bilan
from scenarios.calculs import scenario_charge as charger
from scenarios.models import Avis, OperationCandidate, Scenario
from scenarios.permissions import signataire_de, voit_les_scenarios
from scenarios.selectors import comparaison_demandee, scenarios_visibles
from scenarios.services import (
    OperationSaisie,
    PartSaisie,
    position_enregistrer,
    scenario_adopter,
    scenario_creer,
    scenario_modifier,
)
from socle.api import MontantSerializerField
from socle.exceptions import ActionNonAutorisee, RegleMetierError
from socle.montants import MONTANT


def _utilisateur(request: Request) -> Utilisateur:
    if not isinstance(request.user, Utilisateur) or not voit_les_scenarios(request.user):
        raise NotFound()
    return request.user


# --- Entrée --------------------------------------------------------------------------------
class PartEntreeSerializer(serializers.Serializer):
    signataire = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Signataire.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code du signataire (etat, region, nord…) ; ou bien `source`.",
    )
    # `source` as in the dossier's plan; DRF's metaclass takes it off the class attributes.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=SourceFinancement.choices,
        required=False,
        allow_blank=True,
        help_text="Autre financeur (fonds_propres, fonds_europeens…) ; ou bien `signataire`.",
    )
    montant = MontantSerializerField(
        **MONTANT,
        required=False,
        allow_null=True,
        help_text="Montant en euros (chaîne décimale) ; ou bien `pourcentage`.",
    )
    pourcentage = serializers.DecimalField(
        max_digits=7,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="Pourcentage du coût de l'opération, converti en euros au centime.",
    )


class OperationEntreeSerializer(serializers.Serializer):
    operation = serializers.PrimaryKeyRelatedField(
        queryset=OperationCandidate.objects.all(),
        help_text="Identifiant de l'opération envisagée.",
    )
    incluse = serializers.BooleanField(
        default=True, help_text="Retenue dans le scénario (sinon écartée)."
    )
    annee_debut = serializers.IntegerField(
        required=False, help_text="Première année du phasage (par défaut celle de l'opération)."
    )
    annee_fin = serializers.IntegerField(
        required=False, help_text="Dernière année du phasage (par défaut celle de l'opération)."
    )
    parts = PartEntreeSerializer(many=True, help_text="Parts des financeurs.")


class ScenarioEntreeSerializer(serializers.Serializer):
    sous_axe = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Noeud.objects.all(),
        help_text="Code de la rubrique (sous-axe ou mesure), par exemple V.2.1.",
    )
    nom = serializers.CharField(max_length=150, help_text="Nom du scénario.")
    description = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Description."
    )
    operations = OperationEntreeSerializer(
        many=True, help_text="Une entrée par opération envisagée (les absentes sont écartées)."
    )

    def saisies(self) -> list[OperationSaisie]:
        saisies = []
        for op in self.validated_data["operations"]:
            operation = op["operation"]
            saisies.append(
                OperationSaisie(
                    operation=operation,
                    incluse=op["incluse"],
                    annee_debut=op.get("annee_debut") or operation.annee_debut,
                    annee_fin=op.get("annee_fin") or operation.annee_fin,
                    parts=[
                        PartSaisie(
                            signataire=p.get("signataire"),
                            source=p.get("source") or "",
                            montant=p.get("montant"),
                            pourcentage=p.get("pourcentage"),
                        )
                        for p in op["parts"]
                    ],
                )
            )
        return saisies


class ScenarioModificationSerializer(ScenarioEntreeSerializer):
    sous_axe = None  # type: ignore[assignment]


class PositionEntreeSerializer(serializers.Serializer):
    avis = serializers.ChoiceField(
        choices=Avis.choices, help_text="accord, accord_plafonne ou refus."
    )
    plafond = MontantSerializerField(
        **MONTANT,
        required=False,
        allow_null=True,
        help_text="Plafond en euros, pour un accord plafonné.",
    )
    commentaire = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Commentaire (requis pour un refus).",
    )


class AdoptionEntreeSerializer(serializers.Serializer):
    seance = serializers.PrimaryKeyRelatedField(
        queryset=Seance.objects.all(), help_text="Identifiant de la séance qui a arbitré."
    )
    initie_par = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Signataire.objects.all(),
        required=False,
        allow_null=True,
        help_text="Partie qui demande l'avenant (par défaut l'État).",
    )


# --- Sortie --------------------------------------------------------------------------------
class ScenarioResumeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant du scénario.")
    sous_axe = serializers.CharField(source="sous_axe.code", help_text="Code de la rubrique.")
    nom = serializers.CharField(help_text="Nom du scénario.")
    statut = serializers.CharField(help_text="brouillon (en discussion) ou adopte.")
    seance = serializers.IntegerField(
        source="seance_id", allow_null=True, help_text="Séance qui l'a adopté."
    )
    avenant = serializers.IntegerField(
        source="avenant.numero", allow_null=True, default=None, help_text="Avenant préparé."
    )


class LigneSignataireSerializer(serializers.Serializer):
    signataire = serializers.CharField(source="signataire.code", help_text="Code du signataire.")
    demande = serializers.DecimalField(**MONTANT, help_text="Demandé par le scénario (€).")
    enveloppe = serializers.DecimalField(**MONTANT, help_text="Enveloppe en vigueur (€).")
    programme = serializers.DecimalField(**MONTANT, help_text="Déjà programmé (€).")
    reste = serializers.DecimalField(
        **MONTANT, help_text="Enveloppe en vigueur − programmé − demandé (€)."
    )
    enveloppe_apres_avenant = serializers.DecimalField(
        **MONTANT, help_text="Enveloppe que porterait l'avenant (€)."
    )
    position = serializers.CharField(
        source="position.avis", default=None, allow_null=True, help_text="Position, s'il y en a."
    )
    plafond = serializers.DecimalField(
        **MONTANT, source="position.plafond", default=None, allow_null=True, help_text="Plafond."
    )
    non_accorde = serializers.DecimalField(
        **MONTANT, help_text="Ce que le scénario demande sans accord du signataire (€)."
    )


class RatioSerializer(serializers.Serializer):
    etat = serializers.DecimalField(**MONTANT, help_text="Part de l'État (€).")
    region = serializers.DecimalField(**MONTANT, help_text="Part de la Région (€).")
    ratio = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="État ÷ Région."
    )
    part_etat = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="Part de l'État dans État + Région (%)."
    )
    ecart = serializers.DecimalField(**MONTANT, help_text="État − Région (€).")
    parite_visee = serializers.BooleanField(help_text="Le texte vise la parité sur la rubrique.")


class AnneeSerializer(serializers.Serializer):
    annee = serializers.IntegerField(help_text="Année.")
    montant = serializers.DecimalField(**MONTANT, help_text="Demandé cette année-là (€).")
    credits = serializers.DecimalField(
        **MONTANT, allow_null=True, help_text="Crédits ouverts (€), s'il y en a."
    )
    disponibles = serializers.DecimalField(
        **MONTANT, allow_null=True, help_text="Crédits ouverts − engagé sur l'année (€)."
    )
    depasse = serializers.BooleanField(help_text="Le scénario dépasse les crédits disponibles.")


class OperationSortieSerializer(serializers.Serializer):
    operation = serializers.IntegerField(
        source="operation_scenario.operation_id", help_text="Opération envisagée."
    )
    intitule = serializers.CharField(
        source="operation_scenario.operation.intitule", help_text="Intitulé."
    )
    incluse = serializers.BooleanField(source="operation_scenario.incluse", help_text="Retenue.")
    annee_debut = serializers.IntegerField(
        source="operation_scenario.annee_debut", help_text="Première année."
    )
    annee_fin = serializers.IntegerField(
        source="operation_scenario.annee_fin", help_text="Dernière année."
    )
    cout = serializers.DecimalField(**MONTANT, help_text="Coût (€).")
    parts = serializers.DictField(
        child=serializers.DecimalField(**MONTANT),
        help_text="Parts par code de signataire (et « autres »), en euros.",
    )
    dossier = serializers.CharField(
        source="operation_scenario.projet.reference",
        default=None,
        allow_null=True,
        help_text="Dossier créé à l'adoption.",
    )


class BilanSerializer(serializers.Serializer):
    scenario = ScenarioResumeSerializer(help_text="Le scénario.")
    signataires = LigneSignataireSerializer(many=True, help_text="Par signataire.")
    autres = serializers.DecimalField(**MONTANT, help_text="Autres financeurs (€).")
    total = serializers.DecimalField(**MONTANT, help_text="Total des parts (€).")
    non_accorde = serializers.DecimalField(**MONTANT, help_text="Total pas encore accordé (€).")
    ratio = RatioSerializer(help_text="État et Région.")
    profil = serializers.DictField(
        child=AnneeSerializer(many=True), help_text="Profil annuel par code de signataire."
    )
    operations = OperationSortieSerializer(many=True, help_text="Par opération.")


class LigneCompareeSerializer(serializers.Serializer):
    libelle = serializers.CharField(help_text="Financeur, opération ou année.")
    valeurs = serializers.ListField(
        child=serializers.DecimalField(**MONTANT), help_text="Une valeur par scénario (€)."
    )
    differe = serializers.BooleanField(help_text="Les scénarios diffèrent sur cette ligne.")


class ComparaisonSerializer(serializers.Serializer):
    scenarios = ScenarioResumeSerializer(many=True, help_text="Les scénarios, dans l'ordre.")
    par_signataire = LigneCompareeSerializer(many=True, help_text="Par signataire.")
    restes = LigneCompareeSerializer(many=True, help_text="Reste sur l'enveloppe en vigueur.")
    par_operation = LigneCompareeSerializer(many=True, help_text="Par opération.")
    par_annee = LigneCompareeSerializer(many=True, help_text="Par année.")
    ratios = RatioSerializer(many=True, help_text="État et Région, par scénario.")


class PositionSortieSerializer(serializers.Serializer):
    signataire = serializers.CharField(source="signataire.code", help_text="Signataire.")
    avis = serializers.CharField(help_text="accord, accord_plafonne ou refus.")
    plafond = serializers.DecimalField(**MONTANT, allow_null=True, help_text="Plafond (€).")
    commentaire = serializers.CharField(help_text="Commentaire.")
    par = serializers.CharField(source="par.username", help_text="Agent qui l'a enregistrée.")
    le = serializers.DateTimeField(help_text="Date et heure.")


def _bilan_de(scenario: Scenario) -> Bilan:
    return bilan(charger(scenario.pk))


_ = LigneComparee  # the comparison's lines, serialized by LigneCompareeSerializer


class ScenarioViewSet(viewsets.ViewSet):
    """Scenarios of the headings open to negotiation (every signed-in role but the porteur)."""

    lookup_value_regex = r"\d+"

    def _scenario(self, request: Request, pk: str | None) -> Scenario:
        return get_object_or_404(scenarios_visibles(_utilisateur(request)), pk=pk)

    @extend_schema(
        summary="Scénarios de cofinancement",
        parameters=[
            OpenApiParameter("sous_axe", str, description="Code de la rubrique (ex. V.2.1).")
        ],
        responses=ScenarioResumeSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        scenarios = scenarios_visibles(_utilisateur(request)).order_by("pk")
        if request.query_params.get("sous_axe"):
            scenarios = scenarios.filter(sous_axe__code=request.query_params["sous_axe"])
        return Response(ScenarioResumeSerializer(scenarios, many=True).data)

    @extend_schema(summary="Un scénario et ses calculs", responses=BilanSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(BilanSerializer(_bilan_de(self._scenario(request, pk))).data)

    @extend_schema(
        summary="Écrire un scénario (secrétariat)",
        request=ScenarioEntreeSerializer,
        responses={201: BilanSerializer},
    )
    def create(self, request: Request) -> Response:
        utilisateur = _utilisateur(request)
        entree = ScenarioEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        scenario = scenario_creer(
            sous_axe=entree.validated_data["sous_axe"],
            nom=entree.validated_data["nom"],
            description=entree.validated_data["description"],
            operations=entree.saisies(),
            par=utilisateur,
        )
        return Response(BilanSerializer(_bilan_de(scenario)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Modifier un scénario en discussion (secrétariat)",
        request=ScenarioModificationSerializer,
        responses=BilanSerializer,
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        utilisateur = _utilisateur(request)
        scenario = self._scenario(request, pk)
        entree = ScenarioModificationSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        scenario = scenario_modifier(
            scenario=scenario,
            nom=entree.validated_data["nom"],
            description=entree.validated_data["description"],
            operations=entree.saisies(),
            par=utilisateur,
        )
        return Response(BilanSerializer(_bilan_de(scenario)).data)

    @extend_schema(
        methods=["GET"],
        summary="Positions des signataires sur un scénario",
        responses=PositionSortieSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Enregistrer la position de son signataire (agent)",
        request=PositionEntreeSerializer,
        responses={201: PositionSortieSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def positions(self, request: Request, pk: str | None = None) -> Response:
        utilisateur = _utilisateur(request)
        scenario = self._scenario(request, pk)
        if request.method == "GET":
            positions = scenario.positions.select_related("signataire", "par")
            return Response(PositionSortieSerializer(positions, many=True).data)
        entree = PositionEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        signataire = signataire_de(utilisateur)
        if signataire is None:
            raise ActionNonAutorisee("Seuls les agents d'un signataire enregistrent sa position.")
        position = position_enregistrer(
            scenario=scenario, signataire=signataire, par=utilisateur, **entree.validated_data
        )
        return Response(PositionSortieSerializer(position).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Adopter un scénario (secrétariat) : avenant et dossiers en brouillon",
        request=AdoptionEntreeSerializer,
        responses=BilanSerializer,
    )
    @action(detail=True, methods=["post"])
    def adopter(self, request: Request, pk: str | None = None) -> Response:
        utilisateur = _utilisateur(request)
        scenario = self._scenario(request, pk)
        entree = AdoptionEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        scenario = scenario_adopter(scenario=scenario, par=utilisateur, **entree.validated_data)
        return Response(BilanSerializer(_bilan_de(scenario)).data)

    @extend_schema(
        summary="Comparer de deux à quatre scénarios d'une rubrique",
        parameters=[
            OpenApiParameter(
                "ids",
                int,
                many=True,
                description="Identifiants des scénarios à comparer (de deux à quatre).",
            )
        ],
        responses=ComparaisonSerializer,
    )
    @action(detail=False, methods=["get"])
    def comparaison(self, request: Request) -> Response:
        utilisateur = _utilisateur(request)
        identifiants = [int(v) for v in request.query_params.getlist("ids") if v.isdigit()]
        premier: Any = scenarios_visibles(utilisateur).filter(pk__in=identifiants).first()
        c = (
            comparaison_demandee(
                utilisateur=utilisateur, noeud=premier.sous_axe, identifiants=identifiants
            )
            if premier is not None
            else None
        )
        if c is None or len(c.scenarios) != len(set(identifiants)):
            raise RegleMetierError(
                erreurs={
                    "ids": [
                        f"Choisissez de {MIN_COMPARES} à {MAX_COMPARES} scénarios d'une même "
                        "rubrique."
                    ]
                }
            )
        return Response(ComparaisonSerializer(c).data)
