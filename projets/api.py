"""API of dossiers: the same services and permission checks as the HTML pages."""

from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from axes.models import Departement, Noeud, Signataire, TerritoireSpecial
from comptes.models import Organisation, valider_siret
from projets.filters import ProjetFilter
from projets.models import (
    Appreciation,
    NatureFinancement,
    Projet,
    SourceFinancement,
    Statut,
    TypePhase,
)
from projets.selectors import projet_pour
from projets.services import (
    DonneesProjet,
    LigneSaisie,
    PhaseSaisie,
    document_deposer,
    projet_creer,
    projet_modifier,
    projet_transitionner,
)
from projets.workflow import TRANSITIONS, Acteur

MONTANT = {"max_digits": 14, "decimal_places": 2}


# --- Sortie --------------------------------------------------------------------------------
class LigneSortieSerializer(serializers.Serializer):
    financeur = serializers.CharField(help_text="Nom du financeur.")
    signataire = serializers.CharField(
        source="signataire.code", allow_null=True, help_text="Code du signataire, ou null."
    )
    source = serializers.CharField(help_text="Autre source (vide pour un signataire).")
    nature = serializers.ChoiceField(
        choices=NatureFinancement.choices, help_text="cper, valorise ou hors_cper."
    )
    montant = serializers.DecimalField(**MONTANT, help_text="Montant en euros.")


class PhaseSortieSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TypePhase.choices, help_text="Nature de la phase.")
    libelle = serializers.CharField(help_text="Précision.")
    annee_debut = serializers.IntegerField(help_text="Première année.")
    annee_fin = serializers.IntegerField(help_text="Dernière année.")


class TransitionSortieSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="Action du cycle de vie.")
    de_statut = serializers.CharField(help_text="Statut de départ.")
    vers_statut = serializers.CharField(help_text="Statut d'arrivée.")
    par = serializers.CharField(source="par.username", help_text="Identifiant de l'auteur.")
    le = serializers.DateTimeField(help_text="Date et heure.")
    commentaire = serializers.CharField(help_text="Commentaire ou motif.")


class DocumentSortieSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nom = serializers.CharField(help_text="Nom du fichier.")
    type_mime = serializers.CharField(help_text="Type lu dans le contenu du fichier.")
    taille = serializers.IntegerField(help_text="Taille en octets.")
    depose_le = serializers.DateTimeField(help_text="Date du dépôt.")


class ProjetListeSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="Référence du dossier, par exemple HDF-2026-0042.")
    titre = serializers.CharField(help_text="Titre.")
    statut = serializers.ChoiceField(choices=Statut.choices, help_text="Statut du dossier.")
    statut_libelle = serializers.CharField(
        source="get_statut_display", help_text="Statut en clair."
    )
    origine = serializers.CharField(help_text="contrat (opération inscrite) ou depot.")
    mesure = serializers.CharField(source="mesure.code", help_text="Code de la mesure.")
    maitre_ouvrage = serializers.CharField(
        source="maitre_ouvrage.nom", allow_null=True, help_text="Maître d'ouvrage."
    )
    departements = serializers.SerializerMethodField(help_text="Codes INSEE des départements.")
    cout_total_ht = serializers.DecimalField(
        **MONTANT, allow_null=True, help_text="Coût total éligible HT, en euros."
    )
    lignes = LigneSortieSerializer(
        source="lignes_financement.all", many=True, help_text="Plan de financement."
    )

    def get_departements(self, projet) -> list[str]:
        return [d.code_insee for d in projet.departements.all()]


class ProjetDetailSerializer(ProjetListeSerializer):
    description = serializers.CharField()
    territoire_texte = serializers.CharField(help_text="Territoire tel que décrit.")
    territoires_speciaux = serializers.SerializerMethodField(help_text="Codes des territoires.")
    communes = serializers.SerializerMethodField(help_text="Communes (code INSEE et nom).")
    date_debut = serializers.DateField(allow_null=True)
    date_fin = serializers.DateField(allow_null=True)
    justification_fin_tardive = serializers.CharField()
    decarbonation = serializers.CharField()
    decarbonation_justification = serializers.CharField()
    impact_environnemental = serializers.CharField()
    impact_environnemental_justification = serializers.CharField()
    egalite_femmes_hommes = serializers.CharField()
    egalite_femmes_hommes_justification = serializers.CharField()
    montant_mentionne = serializers.DecimalField(
        **MONTANT, allow_null=True, help_text="Montant cité par le contrat, s'il en cite un."
    )
    hors_cper = serializers.BooleanField(help_text="Opération citée mais financée hors CPER.")
    phases = PhaseSortieSerializer(source="phases.all", many=True)
    journal = TransitionSortieSerializer(source="transitions.all", many=True)
    documents = DocumentSortieSerializer(source="documents.all", many=True)

    def get_territoires_speciaux(self, projet) -> list[str]:
        return [t.code for t in projet.territoires_speciaux.all()]

    def get_communes(self, projet) -> list[dict]:
        return [{"code_insee": c.code_insee, "nom": c.nom} for c in projet.communes.all()]


# --- Entrée --------------------------------------------------------------------------------
class LigneEntreeSerializer(serializers.Serializer):
    signataire = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Signataire.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code du signataire financeur (etat, region, nord…).",
    )
    source = serializers.ChoiceField(
        choices=SourceFinancement.choices,
        required=False,
        allow_blank=True,
        help_text="Autre source, quand le financeur n'est pas un signataire.",
    )
    nature = serializers.ChoiceField(choices=NatureFinancement.choices)
    montant = serializers.DecimalField(**MONTANT, min_value=0, help_text="Montant en euros.")

    def validate(self, donnees):
        if bool(donnees.get("signataire")) == bool(donnees.get("source")):
            raise serializers.ValidationError("Indiquez soit un signataire, soit une autre source.")
        return donnees


class PhaseEntreeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TypePhase.choices)
    libelle = serializers.CharField(required=False, allow_blank=True, max_length=150)
    annee_debut = serializers.IntegerField(min_value=2000, max_value=2050)
    annee_fin = serializers.IntegerField(min_value=2000, max_value=2050)


class CommuneEntreeSerializer(serializers.Serializer):
    code_insee = serializers.RegexField(
        r"^(?:[0-9]{2}|2A|2B)[0-9]{3}$",
        error_messages={
            "invalid": "Un code INSEE de commune a cinq caractères, par exemple 59350."
        },
    )
    nom = serializers.CharField(required=False, allow_blank=True, max_length=150)


class ProjetEntreeSerializer(serializers.Serializer):
    titre = serializers.CharField(max_length=500)
    description = serializers.CharField(required=False, allow_blank=True)
    mesure = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Noeud.objects.numerotes(),
        help_text="Code du sous-axe, de la mesure ou de la sous-mesure (ex. IV.2.1.a).",
    )
    maitre_ouvrage = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    maitre_ouvrage_nom = serializers.CharField(required=False, allow_blank=True, max_length=255)
    maitre_ouvrage_siret = serializers.CharField(
        required=False, allow_blank=True, max_length=14, validators=[valider_siret]
    )
    contact_nom = serializers.CharField(required=False, allow_blank=True, max_length=150)
    contact_courriel = serializers.EmailField(required=False, allow_blank=True)
    contact_telephone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    departements = serializers.SlugRelatedField(
        slug_field="code_insee", queryset=Departement.objects.all(), many=True, required=False
    )
    territoires_speciaux = serializers.SlugRelatedField(
        slug_field="code", queryset=TerritoireSpecial.objects.all(), many=True, required=False
    )
    communes = CommuneEntreeSerializer(many=True, required=False)
    date_debut = serializers.DateField(required=False, allow_null=True)
    date_fin = serializers.DateField(required=False, allow_null=True)
    justification_fin_tardive = serializers.CharField(required=False, allow_blank=True)
    cout_total_ht = serializers.DecimalField(
        **MONTANT, min_value=0, required=False, allow_null=True
    )
    decarbonation = serializers.ChoiceField(
        choices=Appreciation.choices, required=False, allow_blank=True
    )
    decarbonation_justification = serializers.CharField(required=False, allow_blank=True)
    impact_environnemental = serializers.ChoiceField(
        choices=Appreciation.choices, required=False, allow_blank=True
    )
    impact_environnemental_justification = serializers.CharField(required=False, allow_blank=True)
    egalite_femmes_hommes = serializers.ChoiceField(
        choices=Appreciation.choices, required=False, allow_blank=True
    )
    egalite_femmes_hommes_justification = serializers.CharField(required=False, allow_blank=True)
    lignes = LigneEntreeSerializer(many=True, required=False)
    phases = PhaseEntreeSerializer(many=True, required=False)

    def donnees(self, base: dict | None = None) -> DonneesProjet:
        d = {**(base or {}), **self.validated_data}
        return DonneesProjet(
            titre=d["titre"],
            mesure=d["mesure"],
            description=d.get("description", ""),
            maitre_ouvrage=d.get("maitre_ouvrage"),
            maitre_ouvrage_nom=d.get("maitre_ouvrage_nom", ""),
            maitre_ouvrage_siret=d.get("maitre_ouvrage_siret", ""),
            contact_nom=d.get("contact_nom", ""),
            contact_courriel=d.get("contact_courriel", ""),
            contact_telephone=d.get("contact_telephone", ""),
            departements=list(d.get("departements", [])),
            territoires_speciaux=list(d.get("territoires_speciaux", [])),
            communes=[(c["code_insee"], c.get("nom", "")) for c in d.get("communes", [])],
            date_debut=d.get("date_debut"),
            date_fin=d.get("date_fin"),
            justification_fin_tardive=d.get("justification_fin_tardive", ""),
            cout_total_ht=d.get("cout_total_ht"),
            decarbonation=d.get("decarbonation", ""),
            decarbonation_justification=d.get("decarbonation_justification", ""),
            impact_environnemental=d.get("impact_environnemental", ""),
            impact_environnemental_justification=d.get("impact_environnemental_justification", ""),
            egalite_femmes_hommes=d.get("egalite_femmes_hommes", ""),
            egalite_femmes_hommes_justification=d.get("egalite_femmes_hommes_justification", ""),
            lignes=[
                LigneSaisie(
                    montant=ligne["montant"],
                    nature=ligne["nature"],
                    signataire_id=ligne["signataire"].pk if ligne.get("signataire") else None,
                    source=ligne.get("source", "") or "",
                )
                for ligne in d.get("lignes", [])
            ],
            phases=[
                PhaseSaisie(
                    type=p["type"],
                    libelle=p.get("libelle", ""),
                    annee_debut=p["annee_debut"],
                    annee_fin=p["annee_fin"],
                )
                for p in d.get("phases", [])
            ],
        )


def etat_actuel(projet: Projet) -> dict:
    """The stored dossier in the input format, so that a PATCH changes only what it sends."""
    return {
        "titre": projet.titre,
        "description": projet.description,
        "mesure": projet.mesure,
        "maitre_ouvrage": projet.maitre_ouvrage,
        "contact_nom": projet.contact_nom,
        "contact_courriel": projet.contact_courriel,
        "contact_telephone": projet.contact_telephone,
        "departements": list(projet.departements.all()),
        "territoires_speciaux": list(projet.territoires_speciaux.all()),
        "communes": [{"code_insee": c.code_insee, "nom": c.nom} for c in projet.communes.all()],
        "date_debut": projet.date_debut,
        "date_fin": projet.date_fin,
        "justification_fin_tardive": projet.justification_fin_tardive,
        "cout_total_ht": projet.cout_total_ht,
        "decarbonation": projet.decarbonation,
        "decarbonation_justification": projet.decarbonation_justification,
        "impact_environnemental": projet.impact_environnemental,
        "impact_environnemental_justification": projet.impact_environnemental_justification,
        "egalite_femmes_hommes": projet.egalite_femmes_hommes,
        "egalite_femmes_hommes_justification": projet.egalite_femmes_hommes_justification,
        "lignes": [
            {
                "signataire": ligne.signataire,
                "source": ligne.source,
                "nature": ligne.nature,
                "montant": ligne.montant,
            }
            for ligne in projet.lignes_financement.select_related("signataire")
        ],
        "phases": [
            {
                "type": p.type,
                "libelle": p.libelle,
                "annee_debut": p.annee_debut,
                "annee_fin": p.annee_fin,
            }
            for p in projet.phases.all()
        ],
    }


def projet_detaille(utilisateur, reference: str) -> Projet:
    return projet_pour(utilisateur=utilisateur, reference=reference)


class ProjetListApi(generics.ListAPIView):
    serializer_class = ProjetListeSerializer
    filterset_class = ProjetFilter
    ordering_fields = ["reference", "titre", "statut", "cout_total_ht", "date_debut"]
    ordering = ["reference"]

    def get_queryset(self):
        return Projet.objects.visibles_par(self.request.user).pour_liste()

    @extend_schema(summary="Projets visibles", tags=["Projets"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Créer un projet (brouillon)",
        request=ProjetEntreeSerializer,
        responses={201: ProjetDetailSerializer},
        tags=["Projets"],
    )
    def post(self, request, *args, **kwargs):
        entree = ProjetEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        projet = projet_creer(donnees=entree.donnees(), par=request.user)
        return Response(
            ProjetDetailSerializer(projet_detaille(request.user, projet.reference)).data,
            status=status.HTTP_201_CREATED,
        )


class ProjetDetailApi(APIView):
    @extend_schema(summary="Un projet", responses=ProjetDetailSerializer, tags=["Projets"])
    def get(self, request, reference):
        return Response(ProjetDetailSerializer(projet_detaille(request.user, reference)).data)

    @extend_schema(
        summary="Modifier un projet",
        description="Seuls les champs envoyés changent ; `lignes` et `phases` sont remplacées.",
        request=ProjetEntreeSerializer,
        responses=ProjetDetailSerializer,
        tags=["Projets"],
    )
    def patch(self, request, reference):
        projet = projet_detaille(request.user, reference)
        entree = ProjetEntreeSerializer(data=request.data, partial=True)
        entree.is_valid(raise_exception=True)
        projet_modifier(
            projet=projet, donnees=entree.donnees(base=etat_actuel(projet)), par=request.user
        )
        return Response(ProjetDetailSerializer(projet_detaille(request.user, reference)).data)


class CommentaireSerializer(serializers.Serializer):
    commentaire = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Commentaire ou motif (obligatoire pour abandonner ou déclarer incomplet).",
    )


ACTIONS_API = [
    a for a, t in TRANSITIONS.items() if t.acteur not in (Acteur.COMITE, Acteur.SECRETARIAT)
]


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
        projet_transitionner(
            projet=projet,
            action=action,
            par=request.user,
            commentaire=entree.validated_data.get("commentaire", ""),
        )
        return Response(ProjetDetailSerializer(projet_detaille(request.user, reference)).data)


class DocumentEntreeSerializer(serializers.Serializer):
    fichier = serializers.FileField(
        help_text="PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG ; 20 Mo au plus."
    )


class DocumentListApi(APIView):
    @extend_schema(
        summary="Documents d'un projet",
        responses=DocumentSortieSerializer(many=True),
        tags=["Projets"],
    )
    def get(self, request, reference):
        projet = projet_detaille(request.user, reference)
        return Response(DocumentSortieSerializer(projet.documents.all(), many=True).data)

    @extend_schema(
        summary="Joindre un document",
        request={"multipart/form-data": DocumentEntreeSerializer},
        responses={201: DocumentSortieSerializer},
        tags=["Projets"],
    )
    def post(self, request, reference):
        projet = projet_detaille(request.user, reference)
        entree = DocumentEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        with transaction.atomic():
            document = document_deposer(
                projet=projet, fichier=entree.validated_data["fichier"], par=request.user
            )
        return Response(DocumentSortieSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentApi(APIView):
    @extend_schema(
        summary="Télécharger un document",
        responses={(200, "application/octet-stream"): bytes},
        tags=["Projets"],
    )
    def get(self, request, reference, pk):
        projet = projet_detaille(request.user, reference)
        document = get_object_or_404(projet.documents, pk=pk)
        return FileResponse(
            document.fichier.open("rb"),
            as_attachment=True,
            filename=document.nom,
            content_type=document.type_mime,
        )
