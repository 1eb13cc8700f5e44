from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from axes.selectors import contrat_courant
from financement.selectors import signataires_avec_enveloppe


class SignataireSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Identifiant stable du signataire.")
    nom = serializers.CharField(help_text="Nom du signataire.")
    nom_article_2 = serializers.CharField(help_text="Désignation dans l'article 2.")
    type = serializers.CharField(help_text="etat, region, departement, metropole, agglomeration.")
    representant = serializers.CharField(help_text="Signataire du contrat pour cette partie.")
    date_deliberation = serializers.DateField(
        allow_null=True, help_text="Date de la délibération d'approbation (null pour l'État)."
    )
    montant_article_2 = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Montant de l'article 2 tel que signé, en euros."
    )
    enveloppe = serializers.DecimalField(
        source="enveloppe.montant",
        max_digits=14,
        decimal_places=2,
        help_text="Enveloppe en vigueur, en euros (article 2 modifié par les avenants en vigueur).",
    )
    ligne_article_2 = serializers.IntegerField(
        help_text="Ligne de l'article 2 dans le texte signé."
    )


class SignataireListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Les neuf signataires et leurs enveloppes",
        description="Montants en euros, sous forme de chaînes décimales exactes au centime.",
        responses=SignataireSerializer(many=True),
        tags=["Programme"],
    )
    def get(self, request):
        signataires = signataires_avec_enveloppe(contrat=contrat_courant())
        return Response(SignataireSerializer(signataires, many=True).data)
