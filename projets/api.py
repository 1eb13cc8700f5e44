"""API of dossiers: the same services and permission checks as the HTML pages."""

from collections.abc import Iterator
from decimal import Decimal

from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
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
)
from socle.exports import XLSX_CONTENT_TYPE, Column, csv_response, xlsx_response
from socle.montants import MONTANT


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
    id = serializers.IntegerField(help_text="Identifiant du document.")
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
    description = serializers.CharField(help_text="Description du projet.")
    territoire_texte = serializers.CharField(help_text="Territoire tel que décrit.")
    territoires_speciaux = serializers.SerializerMethodField(help_text="Codes des territoires.")
    communes = serializers.SerializerMethodField(help_text="Communes (code INSEE et nom).")
    date_debut = serializers.DateField(allow_null=True, help_text="Date de début (AAAA-MM-JJ).")
    date_fin = serializers.DateField(allow_null=True, help_text="Date de fin (AAAA-MM-JJ).")
    justification_fin_tardive = serializers.CharField(
        help_text="Justification d'une fin après le 31 décembre 2027."
    )
    decarbonation = serializers.CharField(help_text="Appréciation du porteur : décarbonation.")
    decarbonation_justification = serializers.CharField(help_text="Justification (décarbonation).")
    impact_environnemental = serializers.CharField(
        help_text="Appréciation du porteur : impact environnemental."
    )
    impact_environnemental_justification = serializers.CharField(
        help_text="Justification (impact environnemental)."
    )
    egalite_femmes_hommes = serializers.CharField(
        help_text="Appréciation du porteur : égalité femmes-hommes."
    )
    egalite_femmes_hommes_justification = serializers.CharField(
        help_text="Justification (égalité femmes-hommes)."
    )
    montant_mentionne = serializers.DecimalField(
        **MONTANT, allow_null=True, help_text="Montant cité par le contrat, s'il en cite un."
    )
    hors_cper = serializers.BooleanField(help_text="Opération citée mais financée hors CPER.")
    phases = PhaseSortieSerializer(
        source="phases.all",
        many=True,
        help_text="Calendrier par phases : remplace toutes les phases existantes.",
    )
    journal = TransitionSortieSerializer(
        source="transitions.all",
        many=True,
        help_text="Journal des transitions du cycle de vie, du plus ancien au plus récent.",
    )
    documents = DocumentSortieSerializer(
        source="documents.all", many=True, help_text="Pièces jointes au dossier."
    )

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
    nature = serializers.ChoiceField(
        choices=NatureFinancement.choices,
        help_text="cper (compte sur l'enveloppe du signataire), valorise ou hors_cper.",
    )
    montant = serializers.DecimalField(**MONTANT, min_value=0, help_text="Montant en euros.")

    def validate(self, donnees):
        if bool(donnees.get("signataire")) == bool(donnees.get("source")):
            raise serializers.ValidationError("Indiquez soit un signataire, soit une autre source.")
        return donnees


class PhaseEntreeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TypePhase.choices, help_text="Nature de la phase.")
    libelle = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="Précision sur la phase."
    )
    annee_debut = serializers.IntegerField(
        min_value=2000, max_value=2050, help_text="Première année."
    )
    annee_fin = serializers.IntegerField(
        min_value=2000, max_value=2050, help_text="Dernière année."
    )


class CommuneEntreeSerializer(serializers.Serializer):
    code_insee = serializers.RegexField(
        r"^(?:[0-9]{2}|2A|2B)[0-9]{3}$",
        error_messages={
            "invalid": "Un code INSEE de commune a cinq caractères, par exemple 59350."
        },
        help_text="Code INSEE de la commune (5 caractères).",
    )
    nom = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="Nom de la commune."
    )


class ProjetEntreeSerializer(serializers.Serializer):
    titre = serializers.CharField(max_length=500, help_text="Titre du projet.")
    description = serializers.CharField(
        required=False, allow_blank=True, help_text="Description du projet."
    )
    mesure = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Noeud.objects.numerotes(),
        help_text="Code du sous-axe, de la mesure ou de la sous-mesure (ex. IV.2.1.a).",
    )
    maitre_ouvrage = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Identifiant de l'organisation maître d'ouvrage (agents et administrateurs).",
    )
    maitre_ouvrage_nom = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="Nom du maître d'ouvrage, s'il n'est pas encore une organisation connue.",
    )
    maitre_ouvrage_siret = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=14,
        validators=[valider_siret],
        help_text="SIRET du maître d'ouvrage (14 chiffres, clé vérifiée).",
    )
    contact_nom = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="Nom de la personne à contacter (donnée personnelle, jamais publiée).",
    )
    contact_courriel = serializers.EmailField(
        required=False, allow_blank=True, help_text="Courriel du contact (jamais publié)."
    )
    contact_telephone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=30,
        help_text="Téléphone du contact (jamais publié).",
    )
    departements = serializers.SlugRelatedField(
        slug_field="code_insee",
        queryset=Departement.objects.all(),
        many=True,
        required=False,
        help_text="Codes INSEE des départements concernés (02, 59, 60, 62, 80).",
    )
    territoires_speciaux = serializers.SlugRelatedField(
        slug_field="code",
        queryset=TerritoireSpecial.objects.all(),
        many=True,
        required=False,
        help_text="Codes des territoires spécifiques du contrat.",
    )
    communes = CommuneEntreeSerializer(
        many=True, required=False, help_text="Communes concernées (code INSEE et nom)."
    )
    date_debut = serializers.DateField(
        required=False, allow_null=True, help_text="Date de début (AAAA-MM-JJ)."
    )
    date_fin = serializers.DateField(
        required=False, allow_null=True, help_text="Date de fin (AAAA-MM-JJ)."
    )
    justification_fin_tardive = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Justification d'une fin après le 31 décembre 2027.",
    )
    cout_total_ht = serializers.DecimalField(
        **MONTANT,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Coût total éligible HT, en euros (chaîne décimale).",
    )
    decarbonation = serializers.ChoiceField(
        choices=Appreciation.choices,
        required=False,
        allow_blank=True,
        help_text="Appréciation du porteur : décarbonation.",
    )
    decarbonation_justification = serializers.CharField(
        required=False, allow_blank=True, help_text="Justification (décarbonation)."
    )
    impact_environnemental = serializers.ChoiceField(
        choices=Appreciation.choices,
        required=False,
        allow_blank=True,
        help_text="Appréciation du porteur : impact environnemental.",
    )
    impact_environnemental_justification = serializers.CharField(
        required=False, allow_blank=True, help_text="Justification (impact environnemental)."
    )
    egalite_femmes_hommes = serializers.ChoiceField(
        choices=Appreciation.choices,
        required=False,
        allow_blank=True,
        help_text="Appréciation du porteur : égalité femmes-hommes.",
    )
    egalite_femmes_hommes_justification = serializers.CharField(
        required=False, allow_blank=True, help_text="Justification (égalité femmes-hommes)."
    )
    lignes = LigneEntreeSerializer(
        many=True,
        required=False,
        help_text="Plan de financement : remplace toutes les lignes existantes.",
    )
    phases = PhaseEntreeSerializer(
        many=True,
        required=False,
        help_text="Calendrier par phases : remplace toutes les phases existantes.",
    )

    def donnees(self, base: dict | None = None) -> DonneesProjet:
        d = {**(base or {}), **self.validated_data}
        return DonneesProjet.depuis(
            d,
            departements=list(d.get("departements", [])),
            territoires_speciaux=list(d.get("territoires_speciaux", [])),
            communes=[(c["code_insee"], c.get("nom", "")) for c in d.get("communes", [])],
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


# --- Export de la liste --------------------------------------------------------------------
COLONNES_EXPORT_PROJETS = [
    Column("reference", "Référence du dossier."),
    Column("titre", "Titre."),
    Column("statut", "Statut (code)."),
    Column("statut_libelle", "Statut en clair."),
    Column("origine", "contrat (opération inscrite) ou depot."),
    Column("mesure", "Code de la mesure."),
    Column("axe", "Code de l'axe."),
    Column("maitre_ouvrage", "Maître d'ouvrage (organisation)."),
    Column("departements", "Codes INSEE des départements, séparés par « ; »."),
    Column("cout_total_ht", "Coût total éligible HT, en euros.", type="number"),
    Column("financement_cper", "Somme des lignes CPER du plan de financement, en euros.", "number"),
    Column("financeurs", "Codes des signataires du plan de financement, séparés par « ; »."),
    Column("date_debut", "Date de début.", type="date"),
    Column("date_fin", "Date de fin.", type="date"),
]


def rangees_projets(projets) -> Iterator[dict]:
    for projet in projets.iterator(chunk_size=1000):
        lignes = list(projet.lignes_financement.all())
        yield {
            "reference": projet.reference,
            "titre": projet.titre,
            "statut": projet.statut,
            "statut_libelle": projet.get_statut_display(),
            "origine": projet.origine,
            "mesure": projet.mesure.code,
            "axe": projet.mesure.axe.code if projet.mesure.axe_id else projet.mesure.code,
            "maitre_ouvrage": projet.maitre_ouvrage.nom if projet.maitre_ouvrage_id else "",
            "departements": [d.code_insee for d in projet.departements.all()],
            "cout_total_ht": projet.cout_total_ht,
            "financement_cper": sum(
                (ligne.montant for ligne in lignes if ligne.nature == NatureFinancement.CPER),
                Decimal("0.00"),
            ),
            "financeurs": sorted({ligne.signataire.code for ligne in lignes if ligne.signataire}),
            "date_debut": projet.date_debut,
            "date_fin": projet.date_fin,
        }


class ExportProjetsApi(APIView):
    """The project list as a file, with the filters of the list page (`ProjetFilter`)."""

    extension = "csv"

    def get(self, request):
        filtre = ProjetFilter(
            request.GET,
            queryset=Projet.objects.visibles_par(request.user)
            .pour_liste()
            .select_related("mesure__axe")
            .order_by("reference"),
            request=request,
        )
        if not filtre.is_valid():
            raise ValidationError(filtre.errors)
        rangees = rangees_projets(filtre.qs)
        if self.extension == "xlsx":
            return xlsx_response(rangees, COLONNES_EXPORT_PROJETS, "projets.xlsx", "Projets")
        return csv_response(rangees, COLONNES_EXPORT_PROJETS, "projets.csv")


def _export_projets(extension: str, media_type: str, type_openapi):
    vue = type(f"ExportProjets{extension.title()}Api", (ExportProjetsApi,), {})
    vue.extension = extension
    return extend_schema(
        summary=f"Projets visibles ({extension.upper()})",
        description="La liste des projets que la personne voit, avec les filtres de la liste "
        "(mêmes paramètres que GET /api/v1/projets/), en fichier produit au fil de l'eau. "
        "Colonnes : " + ", ".join(f"`{c.key}`" for c in COLONNES_EXPORT_PROJETS) + ".",
        parameters=[
            OpenApiParameter(
                nom,
                str,
                description=str(f.extra.get("help_text") or f.label or nom),
                many=nom == "statut",
            )
            for nom, f in ProjetFilter.base_filters.items()
        ],
        responses={(200, media_type): OpenApiResponse(type_openapi, description="Fichier.")},
        tags=["Exports"],
    )(vue)


ExportProjetsCsvApi = _export_projets("csv", "text/csv", OpenApiTypes.STR)
ExportProjetsXlsxApi = _export_projets("xlsx", XLSX_CONTENT_TYPE, OpenApiTypes.BINARY)
