"""The organisations an API client must reference by id (a dossier's maître d'ouvrage)."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from comptes.models import Organisation, TypeOrganisation


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant, à donner comme `maitre_ouvrage`.")
    nom = serializers.CharField(help_text="Nom de l'organisation.")
    sigle = serializers.CharField(help_text="Sigle (vide s'il n'y en a pas).")
    type = serializers.ChoiceField(
        choices=TypeOrganisation.choices, help_text="Type d'organisation."
    )
    siret = serializers.CharField(help_text="SIRET (14 chiffres), vide s'il n'est pas connu.")


@extend_schema(
    summary="Organisations (maîtres d'ouvrage, signataires, opérateurs)",
    description="Liste paginée, par ordre alphabétique ; `q` cherche dans le nom et le sigle.",
    parameters=[OpenApiParameter("q", str, description="Texte cherché dans le nom ou le sigle.")],
    tags=["Organisations"],
)
class OrganisationListApi(generics.ListAPIView):
    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        organisations = Organisation.objects.order_by("nom")
        texte = (self.request.query_params.get("q") or "").strip()
        if texte:
            organisations = organisations.filter(nom__icontains=texte) | organisations.filter(
                sigle__icontains=texte
            )
        return organisations
