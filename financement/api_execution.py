"""API of the execution by the porteur (issue 16): progress, payment requests, their
instruction. The same use-cases and permission table as the pages (`financement.execution`,
`projets.execution`, `projets.droits`)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from financement.execution import (
    Decision,
    DepenseSaisie,
    demande_completer,
    demande_deposer,
    demande_instruire,
    ligne_soldee,
    plafond,
)
from financement.models import EtapeDemande, StatutDemande, TypePaiement
from financement.selectors import demande_pour, ligne_pour
from projets.execution import AvancementSaisi, avancement_declarer
from projets.models import EtapeRealisation
from projets.selectors import projet_pour
from socle.api import MontantSerializerField
from socle.montants import MONTANT


# --- Progress ----------------------------------------------------------------------------------
class AvancementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Identifiant de la déclaration.")
    etape = serializers.ChoiceField(
        choices=EtapeRealisation.choices, help_text="Étape atteinte par l'opération."
    )
    pourcentage_travaux = serializers.IntegerField(
        min_value=0, max_value=100, help_text="Avancement des travaux, en pourcentage (0 à 100)."
    )
    date_debut_reelle = serializers.DateField(
        required=False, allow_null=True, help_text="Date réelle de début."
    )
    date_fin_prevue = serializers.DateField(
        required=False, allow_null=True, help_text="Date de fin prévue."
    )
    commentaire = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Commentaire du porteur."
    )
    par = serializers.CharField(read_only=True, help_text="Qui a déclaré.")
    le = serializers.DateTimeField(read_only=True, help_text="Quand (RFC 3339).")


class AvancementListApi(APIView):
    @extend_schema(
        summary="Avancement déclaré d'un dossier",
        description="Les déclarations du porteur, de la plus récente à la plus ancienne.",
        responses=AvancementSerializer(many=True),
        tags=["Exécution"],
    )
    def get(self, request, reference):
        projet = projet_pour(utilisateur=request.user, reference=reference)
        return Response(
            AvancementSerializer(projet.avancements.select_related("par"), many=True).data
        )

    @extend_schema(
        summary="Déclarer l'avancement d'un dossier programmé ou en cours",
        description="Réservé au porteur du dossier et au secrétariat (403 sinon) ; 409 si le "
        "dossier n'est ni programmé ni en cours.",
        request=AvancementSerializer,
        responses={201: AvancementSerializer},
        tags=["Exécution"],
    )
    def post(self, request, reference):
        projet = projet_pour(utilisateur=request.user, reference=reference)
        entree = AvancementSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        declaration = avancement_declarer(
            projet=projet, par=request.user, saisie=AvancementSaisi(**entree.validated_data)
        )
        return Response(AvancementSerializer(declaration).data, status=status.HTTP_201_CREATED)


# --- Payment requests --------------------------------------------------------------------------
class DepenseSerializer(serializers.Serializer):
    fournisseur = serializers.CharField(max_length=200, help_text="Fournisseur.")
    date_facture = serializers.DateField(help_text="Date de la facture.")
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="N° de facture."
    )
    montant_ht = MontantSerializerField(**MONTANT, min_value=0, help_text="Montant HT, en €.")
    montant_ttc = MontantSerializerField(**MONTANT, min_value=0, help_text="Montant TTC, en €.")
    montant_eligible = MontantSerializerField(
        **MONTANT, min_value=0, help_text="Part éligible de la facture, en € (au plus le TTC)."
    )


class EvenementSerializer(serializers.Serializer):
    etape = serializers.ChoiceField(choices=EtapeDemande.choices, help_text="Étape.")
    montant = serializers.DecimalField(**MONTANT, allow_null=True, help_text="Montant, en €.")
    commentaire = serializers.CharField(help_text="Commentaire ou motif.")
    par = serializers.CharField(help_text="Qui.")
    le = serializers.DateTimeField(help_text="Quand (RFC 3339).")


class DemandeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant de la demande.")
    ligne = serializers.IntegerField(source="ligne_id", help_text="Ligne programmée.")
    projet = serializers.CharField(source="ligne.projet.reference", help_text="Dossier.")
    signataire = serializers.CharField(
        source="ligne.signataire.code", help_text="Code du financeur."
    )
    type = serializers.ChoiceField(
        choices=TypePaiement.choices, help_text="avance, acompte ou solde."
    )
    statut = serializers.ChoiceField(
        choices=StatutDemande.choices, help_text="deposee, complements, acceptee ou refusee."
    )
    montant_demande = serializers.DecimalField(**MONTANT, help_text="Montant demandé, en €.")
    montant_accepte = serializers.DecimalField(
        **MONTANT, allow_null=True, help_text="Montant accepté, en € (null avant la décision)."
    )
    etat_final = serializers.BooleanField(help_text="État récapitulatif final des dépenses.")
    commentaire = serializers.CharField(help_text="Commentaire du porteur.")
    motif = serializers.CharField(help_text="Motif de la décision du financeur.")
    depenses = DepenseSerializer(source="depenses.all", many=True, help_text="Factures.")
    documents = serializers.SerializerMethodField(help_text="Identifiants des documents joints.")
    evenements = EvenementSerializer(
        source="evenements.all", many=True, help_text="Étapes de la demande."
    )

    def get_documents(self, demande) -> list[int]:
        return [d.pk for d in demande.documents.all()]


class DemandeEntreeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=TypePaiement.choices, help_text="avance, acompte ou solde."
    )
    montant_demande = MontantSerializerField(
        **MONTANT, min_value=0, help_text="Montant demandé, en € (chaîne décimale)."
    )
    etat_final = serializers.BooleanField(
        default=False, help_text="L'état des dépenses est final (obligatoire pour le solde)."
    )
    commentaire = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Commentaire du porteur."
    )
    depenses = serializers.ListField(
        child=DepenseSerializer(),
        required=False,
        default=list,
        max_length=200,
        help_text="L'état des dépenses : une entrée par facture.",
    )


def _depenses(donnees: list[dict]) -> list[DepenseSaisie]:
    return [DepenseSaisie(**d) for d in donnees]


class PlafondSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TypePaiement.choices, help_text="Nature.")
    montant = serializers.DecimalField(
        **MONTANT, help_text="Ce qu'une demande de cette nature peut encore demander, en €."
    )
    regle = serializers.CharField(help_text="La règle appliquée, en français.")


class DemandesDeLaLigneSerializer(serializers.Serializer):
    soldee = serializers.BooleanField(help_text="La ligne est soldée (solde accepté).")
    plafonds = PlafondSerializer(many=True, help_text="Règles (réglages du secrétariat).")
    demandes = DemandeSerializer(many=True, help_text="Demandes, de la plus ancienne.")


class DemandeListApi(APIView):
    @extend_schema(
        summary="Demandes de paiement sur une ligne programmée",
        description="Avec ce que chaque nature de demande peut encore demander (avance au plus "
        "N % de la part du financeur, acomptes cumulés au plus M %, solde au prorata des "
        "dépenses éligibles : réglages fixés par le secrétariat).",
        responses=DemandesDeLaLigneSerializer,
        tags=["Exécution"],
    )
    def get(self, request, pk):
        ligne = ligne_pour(utilisateur=request.user, pk=pk)
        demandes = ligne.demandes_paiement.select_related(
            "ligne__projet", "ligne__signataire"
        ).prefetch_related("depenses", "documents", "evenements__par")
        soldee = ligne_soldee(ligne)
        plafonds = (
            []
            if soldee
            else [{"type": t, **vars(plafond(ligne=ligne, type_=t))} for t in TypePaiement.values]
        )
        return Response(
            DemandesDeLaLigneSerializer(
                {"soldee": soldee, "plafonds": plafonds, "demandes": list(demandes)}
            ).data
        )

    @extend_schema(
        summary="Déposer une demande de paiement auprès du financeur de la ligne",
        description="Réservé au porteur du dossier et au secrétariat (403 sinon), sur un dossier "
        "programmé ou en cours (409 sinon, ou si une demande attend déjà sur la ligne ou si elle "
        "est soldée). 400, clé par champ, si le montant dépasse la règle (avec le plafond) ou si "
        "l'état des dépenses est incohérent. Les documents se joignent depuis la page.",
        request=DemandeEntreeSerializer,
        responses={201: DemandeSerializer},
        tags=["Exécution"],
    )
    def post(self, request, pk):
        ligne = ligne_pour(utilisateur=request.user, pk=pk)
        entree = DemandeEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        donnees = entree.validated_data
        demande = demande_deposer(
            ligne=ligne,
            par=request.user,
            type_=donnees["type"],
            montant=donnees["montant_demande"],
            depenses=_depenses(donnees["depenses"]),
            etat_final=donnees["etat_final"],
            commentaire=donnees["commentaire"],
        )
        return Response(DemandeSerializer(demande).data, status=status.HTTP_201_CREATED)


class DemandeDetailApi(APIView):
    @extend_schema(
        summary="Une demande de paiement", responses=DemandeSerializer, tags=["Exécution"]
    )
    def get(self, request, pk):
        return Response(DemandeSerializer(demande_pour(utilisateur=request.user, pk=pk)).data)


class InstructionEntreeSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=Decision.CHOIX, help_text="accepter, completer ou refuser."
    )
    montant_accepte = MontantSerializerField(
        **MONTANT,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Montant accepté, en € (pour accepter ; au plus le montant demandé).",
    )
    motif = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Obligatoire pour une acceptation partielle, des compléments ou un refus.",
    )
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Mandat."
    )


class DemandeInstruireApi(APIView):
    @extend_schema(
        summary="Instruire une demande de paiement",
        description="Réservé aux agents du signataire de la ligne et au secrétariat (403 sinon). "
        "Accepter paie le montant accepté sur les engagements du financeur (mêmes limites que "
        "les paiements, 400 au-delà) ; accepter le solde clôt la ligne et dégage le reste ; le "
        "dossier est soldé quand toutes ses lignes le sont.",
        request=InstructionEntreeSerializer,
        responses={200: DemandeSerializer},
        tags=["Exécution"],
    )
    def post(self, request, pk):
        demande = demande_pour(utilisateur=request.user, pk=pk)
        entree = InstructionEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        donnees = entree.validated_data
        demande = demande_instruire(
            demande=demande,
            par=request.user,
            decision=donnees["decision"],
            montant=donnees.get("montant_accepte"),
            motif=donnees["motif"],
            reference=donnees["reference"],
        )
        return Response(DemandeSerializer(demande_pour(utilisateur=request.user, pk=pk)).data)


class ComplementEntreeSerializer(serializers.Serializer):
    montant_demande = MontantSerializerField(
        **MONTANT, min_value=0, required=False, allow_null=True, help_text="Nouveau montant."
    )
    commentaire = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Commentaire du porteur."
    )
    depenses = serializers.ListField(
        child=DepenseSerializer(),
        required=False,
        default=list,
        max_length=200,
        help_text="Factures ajoutées à l'état des dépenses.",
    )


class DemandeCompleterApi(APIView):
    @extend_schema(
        summary="Compléter une demande renvoyée par le financeur",
        description="Réservé au porteur du dossier et au secrétariat ; la demande retourne au "
        "financeur, avec les mêmes règles.",
        request=ComplementEntreeSerializer,
        responses={200: DemandeSerializer},
        tags=["Exécution"],
    )
    def post(self, request, pk):
        demande = demande_pour(utilisateur=request.user, pk=pk)
        entree = ComplementEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        donnees = entree.validated_data
        demande_completer(
            demande=demande,
            par=request.user,
            depenses=_depenses(donnees["depenses"]),
            montant=donnees.get("montant_demande"),
            commentaire=donnees["commentaire"],
        )
        return Response(DemandeSerializer(demande_pour(utilisateur=request.user, pk=pk)).data)
