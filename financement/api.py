"""API of the ledger: same services and permission checks as the pages."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from axes.models import Signataire
from axes.selectors import contrat_courant
from financement.models import (
    Avenant,
    Engagement,
    LigneProgrammee,
    Paiement,
    StatutAvenant,
    TypeActe,
    TypePaiement,
)
from financement.regles import annees_budgetaires
from financement.selectors import (
    des_projets_visibles,
    engagement_pour,
    ligne_pour,
    lignes_visibles,
    signataires_avec_enveloppe,
)
from financement.services import (
    avenant_approuver,
    engagement_enregistrer,
    paiement_enregistrer,
    projet_faire_avancer,
)
from projets.api import ProjetDetailSerializer, projet_detaille
from projets.filters import AnneeFilter
from projets.workflow import ACTEURS_MANDATES, TRANSITIONS
from socle.api import ListeEcrite, MontantSerializerField
from socle.exceptions import RegleMetierError
from socle.montants import MONTANT


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
        **MONTANT, help_text="Montant de l'article 2 tel que signé, en euros."
    )
    enveloppe = serializers.DecimalField(
        source="enveloppe.montant",
        **MONTANT,
        help_text="Enveloppe en vigueur, en euros (article 2 modifié par les avenants en vigueur).",
    )
    programme = serializers.DecimalField(
        source="enveloppe.montant_programme", **MONTANT, help_text="Programmé, en euros."
    )
    engage = serializers.DecimalField(
        source="enveloppe.montant_engage", **MONTANT, help_text="Engagé, en euros."
    )
    paye = serializers.DecimalField(
        source="enveloppe.montant_paye", **MONTANT, help_text="Payé, en euros."
    )
    disponible = serializers.DecimalField(
        source="enveloppe.disponible", **MONTANT, help_text="Reste à programmer, en euros."
    )
    ligne_article_2 = serializers.IntegerField(
        help_text="Ligne de l'article 2 dans le texte signé."
    )


class SignataireListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Les neuf signataires, leurs enveloppes et leur exécution",
        description="Montants en euros, sous forme de chaînes décimales exactes au centime.",
        responses=SignataireSerializer(many=True),
        tags=["Programme"],
    )
    def get(self, request):
        signataires = signataires_avec_enveloppe(contrat=contrat_courant())
        return Response(SignataireSerializer(signataires, many=True).data)


class PaiementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Identifiant du paiement.")
    date = serializers.DateField(help_text="Date du paiement.")
    montant = serializers.DecimalField(**MONTANT, help_text="Montant payé, en euros.")
    type = serializers.ChoiceField(
        choices=TypePaiement.choices, help_text="avance, acompte, solde."
    )
    reference = serializers.CharField(help_text="Référence du mandat.")


class _ListeDEngagements(ListeEcrite):
    """The commitments of the API list written directly, the very output of the fields that
    `EngagementSerializer` declares (and the schema reads), their payments read as plain rows
    in one query: DRF's walk over each field and the prefetch's queryset per commitment cost
    more than the page's queries (issue 14). `tests/api/test_listes_ecrites.py` compares both
    ways, commitment by commitment."""

    def ecrire(self, engagements):
        champs = self.child.fields
        champs_paiement = champs["paiements"].child.fields
        montant = champs["montant"].to_representation
        date_ = champs["date_acte"].to_representation
        date_paiement = champs_paiement["date"].to_representation
        montant_paiement = champs_paiement["montant"].to_representation
        paiements: dict[int, list[dict]] = {e.pk: [] for e in engagements}
        for engagement_id, pk, jour, somme, type_, reference in (
            Paiement.objects.filter(engagement_id__in=list(paiements))
            .order_by("engagement_id", "date", "pk")
            .values_list("engagement_id", "id", "date", "montant", "type", "reference")
        ):
            paiements[engagement_id].append(
                {
                    "id": pk,
                    "date": date_paiement(jour),
                    "montant": montant_paiement(somme),
                    "type": type_,
                    "reference": reference,
                }
            )
        return [
            {
                "id": e.pk,
                "ligne": e.ligne_id,
                "signataire": e.signataire.code,
                "projet": e.ligne.projet.reference,
                "date_acte": date_(e.date_acte),
                "type_acte": e.type_acte,
                "reference": e.reference,
                "montant": montant(e.montant),
                "annee_budgetaire": e.annee_budgetaire,
                "montant_paye": montant(e.montant_paye),
                "paiements": paiements[e.pk],
            }
            for e in engagements
        ]


class EngagementSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = _ListeDEngagements

    id = serializers.IntegerField(help_text="Identifiant de l'engagement.")
    ligne = serializers.IntegerField(source="ligne_id", help_text="Ligne programmée.")
    signataire = serializers.CharField(source="signataire.code", help_text="Code du signataire.")
    projet = serializers.CharField(
        source="ligne.projet.reference", help_text="Référence du projet."
    )
    date_acte = serializers.DateField(help_text="Date de l'acte juridique.")
    type_acte = serializers.ChoiceField(choices=TypeActe.choices, help_text="Nature de l'acte.")
    reference = serializers.CharField(help_text="Référence de l'acte.")
    montant = serializers.DecimalField(**MONTANT, help_text="Montant engagé, en euros.")
    annee_budgetaire = serializers.IntegerField(help_text="Année budgétaire de l'engagement.")
    montant_paye = serializers.DecimalField(**MONTANT, help_text="Déjà payé, en euros.")
    paiements = PaiementSerializer(
        source="paiements.all", many=True, help_text="Paiements, du plus ancien au plus récent."
    )


class _ListeDeLignesProgrammees(ListeEcrite):
    """The programmed lines of the API list written directly, the very output of the fields
    that `LigneProgrammeeSerializer` declares (issue 14; compared both ways in
    `tests/api/test_listes_ecrites.py`)."""

    def ecrire(self, lignes):
        montant = self.child.fields["montant_programme"].to_representation
        return [
            {
                "id": ligne.pk,
                "projet": ligne.projet.reference,
                "signataire": ligne.signataire.code,
                "mesure": ligne.noeud.code,
                "montant_programme": montant(ligne.montant_programme),
                "montant_engage": montant(ligne.montant_engage),
                "montant_paye": montant(ligne.montant_paye),
                "montant_degage": montant(ligne.montant_degage),
            }
            for ligne in lignes
        ]


class LigneProgrammeeSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = _ListeDeLignesProgrammees

    id = serializers.IntegerField(help_text="Identifiant de la ligne programmée.")
    projet = serializers.CharField(source="projet.reference", help_text="Référence du projet.")
    signataire = serializers.CharField(source="signataire.code", help_text="Code du signataire.")
    mesure = serializers.CharField(source="noeud.code", help_text="Code de la mesure.")
    montant_programme = serializers.DecimalField(**MONTANT, help_text="Programmé, en euros.")
    montant_engage = serializers.DecimalField(**MONTANT, help_text="Engagé, en euros.")
    montant_paye = serializers.DecimalField(**MONTANT, help_text="Payé, en euros.")
    montant_degage = serializers.DecimalField(
        **MONTANT, help_text="Dégagé (libéré à la clôture ou à l'abandon), en euros."
    )


class LigneFilter(filters.FilterSet):
    signataire = filters.CharFilter(field_name="signataire__code", help_text="Code du signataire.")
    projet = filters.CharFilter(field_name="projet__reference", help_text="Référence du projet.")
    axe = filters.CharFilter(field_name="noeud__axe__code", help_text="Code de l'axe.")

    class Meta:
        model = LigneProgrammee
        fields = ["signataire", "projet", "axe"]


class LigneProgrammeeListApi(generics.ListAPIView):
    serializer_class = LigneProgrammeeSerializer
    filterset_class = LigneFilter
    ordering = ["pk"]

    def get_queryset(self):
        return lignes_visibles(utilisateur=self.request.user).only(
            *("projet", "signataire", "noeud", "montant_programme", "montant_engage"),
            *("montant_paye", "montant_degage"),
            *("projet__reference", "signataire__code", "noeud__code"),
        )

    @extend_schema(summary="Lignes programmées", tags=["Financement"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EngagementFilter(filters.FilterSet):
    signataire = filters.CharFilter(field_name="signataire__code", help_text="Code du signataire.")
    annee = AnneeFilter(field_name="annee_budgetaire", help_text="Année budgétaire.")
    projet = filters.CharFilter(
        field_name="ligne__projet__reference", help_text="Référence du projet."
    )

    class Meta:
        model = Engagement
        fields = ["signataire", "annee", "projet"]


class PaiementFilter(filters.FilterSet):
    signataire = filters.CharFilter(
        field_name="engagement__signataire__code", help_text="Code du signataire."
    )
    annee = AnneeFilter(field_name="date__year", help_text="Année du paiement.")
    projet = filters.CharFilter(
        field_name="engagement__ligne__projet__reference", help_text="Référence du projet."
    )

    class Meta:
        model = Paiement
        fields = ["signataire", "annee", "projet"]


class EngagementEntreeSerializer(serializers.Serializer):
    date_acte = serializers.DateField(
        help_text="Date de l'acte juridique, au plus tôt le jour de la programmation de la"
        " ligne (sauf dossier repris de la programmation existante). Comprise dans la période"
        " du contrat et sa marge (réglage fixé par le secrétariat)."
    )
    type_acte = serializers.ChoiceField(choices=TypeActe.choices, help_text="Nature de l'acte.")
    reference = serializers.CharField(max_length=100, help_text="Référence de l'acte.")
    montant = MontantSerializerField(
        **MONTANT, min_value=0, help_text="Montant à engager, en euros (chaîne décimale)."
    )
    annee_budgetaire = serializers.IntegerField(
        min_value=annees_budgetaires()[0],
        max_value=annees_budgetaires()[-1],
        help_text="Année budgétaire (crédits ouverts).",
    )


class EngagementListApi(generics.ListAPIView):
    serializer_class = EngagementSerializer
    filterset_class = EngagementFilter
    ordering = ["pk"]

    def get_queryset(self):
        return (
            des_projets_visibles(
                Engagement.objects.all(), utilisateur=self.request.user, chemin="ligne__projet"
            )
            .select_related("signataire", "ligne__projet")
            # What a row shows; its payments: `_ListeDEngagements`, one query.
            .only(
                *("ligne", "signataire", "date_acte", "type_acte", "reference", "montant"),
                *("annee_budgetaire", "montant_paye"),
                *("signataire__code", "ligne__projet", "ligne__projet__reference"),
            )
        )

    @extend_schema(summary="Engagements juridiques", tags=["Financement"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EngagementCreerApi(APIView):
    @extend_schema(
        summary="Enregistrer un engagement sur une ligne programmée",
        description="Réservé aux agents du signataire de la ligne (403 sinon). 400 si le montant "
        "dépasse le reste à engager ou les crédits ouverts de l'année, avec le disponible.",
        request=EngagementEntreeSerializer,
        responses={201: EngagementSerializer},
        tags=["Financement"],
    )
    def post(self, request, pk):
        ligne = ligne_pour(utilisateur=request.user, pk=pk)
        entree = EngagementEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        engagement = engagement_enregistrer(ligne=ligne, par=request.user, **entree.validated_data)
        return Response(EngagementSerializer(engagement).data, status=status.HTTP_201_CREATED)


class PaiementEntreeSerializer(serializers.Serializer):
    date = serializers.DateField(
        help_text="Date du paiement, au plus tôt celle de l'engagement."
        " Comprise dans la période du contrat et sa marge (réglage fixé par le secrétariat)."
    )
    montant = MontantSerializerField(
        **MONTANT, min_value=0, help_text="Montant payé, en euros (chaîne décimale)."
    )
    type = serializers.ChoiceField(
        choices=TypePaiement.choices, help_text="avance, acompte ou solde."
    )
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Référence du mandat."
    )


class PaiementCreerApi(APIView):
    @extend_schema(
        summary="Enregistrer un paiement sur un engagement",
        request=PaiementEntreeSerializer,
        responses={201: PaiementSerializer},
        tags=["Financement"],
    )
    def post(self, request, pk):
        engagement = engagement_pour(utilisateur=request.user, pk=pk)
        entree = PaiementEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        donnees = entree.validated_data
        try:
            paiement = paiement_enregistrer(
                engagement=engagement,
                par=request.user,
                date_paiement=donnees["date"],
                montant=donnees["montant"],
                type_=donnees["type"],
                reference=donnees.get("reference", ""),
            )
        except RegleMetierError as erreur:
            # The service names the date as the form does; the API's field is `date`.
            if "date_paiement" in erreur.erreurs:
                erreur.erreurs["date"] = erreur.erreurs.pop("date_paiement")
            raise
        return Response(PaiementSerializer(paiement).data, status=status.HTTP_201_CREATED)


class ModificationSerializer(serializers.Serializer):
    signataire = serializers.CharField(source="signataire.code", help_text="Code du signataire.")
    nouveau_montant = serializers.DecimalField(
        **MONTANT, help_text="Enveloppe du signataire une fois l'avenant en vigueur, en euros."
    )


class ApprobationSerializer(serializers.Serializer):
    signataire = serializers.CharField(source="signataire.code", help_text="Code du signataire.")
    date = serializers.DateField(help_text="Date de l'acte d'approbation.")
    reference = serializers.CharField(help_text="Référence de la délibération ou de l'acte.")


class AvenantSerializer(serializers.Serializer):
    numero = serializers.IntegerField(help_text="Numéro de l'avenant.")
    titre = serializers.CharField(help_text="Titre.")
    justification = serializers.CharField(help_text="Justification (article 4).")
    statut = serializers.ChoiceField(
        choices=StatutAvenant.choices, help_text="brouillon, en_approbation ou en_vigueur."
    )
    initie_par = serializers.CharField(
        source="initie_par.code", help_text="Code du signataire qui l'a demandé."
    )
    entre_en_vigueur_le = serializers.DateField(
        allow_null=True, help_text="Date d'entrée en vigueur (null avant)."
    )
    modifications = ModificationSerializer(
        source="modifications.all", many=True, help_text="Enveloppes modifiées."
    )
    approbations = ApprobationSerializer(
        source="approbations.all", many=True, help_text="Approbations déjà enregistrées."
    )


class AvenantListApi(generics.ListAPIView):
    serializer_class = AvenantSerializer
    pagination_class = None
    permission_classes = [AllowAny]

    def get_queryset(self):
        return Avenant.objects.select_related("initie_par").prefetch_related(
            "modifications__signataire", "approbations__signataire"
        )

    @extend_schema(summary="Avenants au contrat", tags=["Financement"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ApprobationEntreeSerializer(serializers.Serializer):
    signataire = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Signataire.objects.all(),
        help_text="Code du signataire qui approuve (ses agents ou un administrateur).",
    )
    date_acte = serializers.DateField(help_text="Date de la délibération ou de l'acte.")
    reference = serializers.CharField(
        max_length=150, help_text="Référence de la délibération ou de l'acte."
    )


class AvenantApprouverApi(APIView):
    @extend_schema(
        summary="Enregistrer l'approbation d'un signataire",
        request=ApprobationEntreeSerializer,
        responses={201: AvenantSerializer},
        tags=["Financement"],
    )
    def post(self, request, numero):
        avenant = get_object_or_404(Avenant, numero=numero)
        entree = ApprobationEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        avenant_approuver(avenant=avenant, par=request.user, **entree.validated_data)
        return Response(AvenantSerializer(avenant).data, status=status.HTTP_201_CREATED)


# --- Cycle de vie d'un dossier (les étapes qui engagent de l'argent passent par le registre) ---
class CommentaireSerializer(serializers.Serializer):
    commentaire = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Commentaire ou motif (obligatoire pour abandonner ou déclarer incomplet).",
    )


ACTIONS_API = [a for a, t in TRANSITIONS.items() if t.acteur not in ACTEURS_MANDATES]


class ProjetActionApi(APIView):
    @extend_schema(
        operation_id="v1_projets_action",
        summary="Faire avancer un projet dans son cycle de vie",
        description="Actions : " + ", ".join(ACTIONS_API) + ". 409 si le statut ne le permet pas.",
        request=CommentaireSerializer,
        responses=ProjetDetailSerializer,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=ACTIONS_API)],
        tags=["Projets"],
    )
    def post(self, request, reference, action):
        projet = projet_detaille(request.user, reference)
        if action not in ACTIONS_API:
            raise NotFound(f"Action inconnue : {action}.")
        entree = CommentaireSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        projet_faire_avancer(
            projet=projet,
            action=action,
            par=request.user,
            commentaire=entree.validated_data.get("commentaire", ""),
        )
        return Response(
            ProjetDetailSerializer(
                projet_detaille(request.user, reference), context={"request": request}
            ).data
        )
