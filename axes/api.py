"""Read-only API of the programme: the contract, its tree and its measures (public data)."""

from django.db.models import Sum
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from axes.models import Niveau, Noeud
from axes.selectors import arbre_programme, contrat_courant


class ArticleSerializer(serializers.Serializer):
    numero = serializers.IntegerField(help_text="Numéro de l'article.")
    texte = serializers.CharField(help_text="Texte de l'article tel que signé.")
    ligne = serializers.IntegerField(help_text="Ligne du texte signé.")


class ContratSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Identifiant stable du contrat.")
    nom = serializers.CharField(help_text="Nom du contrat.")
    sigle = serializers.CharField(help_text="Sigle du contrat (CPER).")
    region = serializers.CharField(help_text="Région couverte.")
    annee_debut = serializers.IntegerField(help_text="Première année du contrat.")
    annee_fin = serializers.IntegerField(help_text="Dernière année du contrat.")
    lieu_signature = serializers.CharField(help_text="Lieu de signature.")
    date_signature = serializers.DateField(help_text="Date de signature (AAAA-MM-JJ).")
    montant_total_article_2 = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="Somme des montants de l'article 2, en euros (chaîne décimale).",
    )
    articles = ArticleSerializer(
        source="articles.all", many=True, help_text="Les articles du contrat signé."
    )


class NoeudSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code du nœud dans le contrat, par exemple I.3.2.a.")
    niveau = serializers.IntegerField(help_text="1 axe, 2 sous-axe, 3 mesure, 4 sous-mesure.")
    niveau_libelle = serializers.CharField(source="libelle_niveau", help_text="Libellé du niveau.")
    titre = serializers.CharField(help_text="Titre lisible.")
    titre_imprime = serializers.CharField(help_text="Titre tel qu'imprimé dans le contrat.")
    # DRF's metaclass pops declared fields off the class: this is not `Field.parent`.
    parent = serializers.CharField(  # type: ignore[assignment]
        source="parent.code", allow_null=True, help_text="Code du nœud parent (null pour un axe)."
    )
    axe = serializers.CharField(
        source="axe.code", allow_null=True, help_text="Code de l'axe (null pour un axe)."
    )
    ligne = serializers.IntegerField(help_text="Ligne du titre dans le texte signé.")
    ligne_fin = serializers.IntegerField(
        allow_null=True, help_text="Dernière ligne de la section dans le texte signé."
    )


class BrancheSerializer(serializers.Serializer):
    code = serializers.CharField(source="noeud.code", help_text="Code du nœud.")
    niveau = serializers.IntegerField(source="noeud.niveau", help_text="Niveau (1 à 4).")
    titre = serializers.CharField(source="noeud.titre", help_text="Titre lisible.")
    titre_imprime = serializers.CharField(
        source="noeud.titre_imprime", help_text="Titre tel qu'imprimé."
    )
    ligne = serializers.IntegerField(source="noeud.ligne", help_text="Ligne du texte signé.")
    enfants = serializers.SerializerMethodField(
        help_text="Nœuds rattachés, dans l'ordre du contrat."
    )

    def get_enfants(self, branche) -> list[dict]:
        return list(BrancheSerializer(branche.enfants, many=True).data)


class ContratApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Le contrat signé",
        description="Identité du contrat, ses cinq articles et le total de l'article 2.",
        responses=ContratSerializer,
        tags=["Programme"],
    )
    def get(self, request):
        contrat = contrat_courant()
        contrat.montant_total_article_2 = contrat.signataires.aggregate(
            total=Sum("montant_article_2")
        )["total"]
        return Response(ContratSerializer(contrat).data)


class AxesApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Arborescence du programme",
        description=(
            "Les six axes du contrat et, sous chacun, ses sous-axes, mesures et sous-mesures "
            "numérotés, dans l'ordre du texte signé."
        ),
        responses=BrancheSerializer(many=True),
        tags=["Programme"],
    )
    def get(self, request):
        arbre = arbre_programme(contrat=contrat_courant())
        return Response(BrancheSerializer(arbre, many=True).data)


class MesureFilter(filters.FilterSet):
    axe = filters.CharFilter(field_name="axe__code", help_text="Code de l'axe, par exemple IV.")
    parent = filters.CharFilter(field_name="parent__code", help_text="Code du nœud parent.")
    niveau = filters.TypedChoiceFilter(
        choices=[(n.value, n.label) for n in Niveau if n != Niveau.AXE],
        coerce=int,
        help_text="2 sous-axe, 3 mesure, 4 sous-mesure.",
    )
    q = filters.CharFilter(
        field_name="titre", lookup_expr="icontains", help_text="Texte cherché dans le titre."
    )

    class Meta:
        model = Noeud
        fields = ["axe", "parent", "niveau", "q"]


class MesureListApi(generics.ListAPIView):
    """Les intitulés numérotés du contrat (sous-axes, mesures, sous-mesures), à plat."""

    permission_classes = [AllowAny]
    serializer_class = NoeudSerializer
    filterset_class = MesureFilter
    ordering_fields = ["position", "code"]
    ordering = ["position"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no database
            return Noeud.objects.none()
        return (
            Noeud.objects.numerotes()
            .filter(contrat=contrat_courant())
            .select_related("parent", "axe")
        )

    @extend_schema(summary="Mesures du contrat", tags=["Programme"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MesureDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = NoeudSerializer
    lookup_field = "code"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no database
            return Noeud.objects.none()
        return Noeud.objects.filter(contrat=contrat_courant()).select_related("parent", "axe")

    @extend_schema(summary="Un nœud du programme, par son code", tags=["Programme"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
