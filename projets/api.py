"""API of dossiers: the same services and permission checks as the HTML pages."""

from collections.abc import Iterator
from decimal import Decimal

from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models, transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from axes.models import Signataire
from projets import schema
from projets.droits import actions_possibles
from projets.filters import ProjetFilter
from projets.models import (
    LignePlanFinancement,
    NatureFinancement,
    Projet,
    SourceFinancement,
    Statut,
    TypePhase,
    TypePiece,
)
from projets.recherche import est_classe_par_pertinence
from projets.reequilibrage import plan_reequilibrer
from projets.schema import Champ, Genre
from projets.selectors import (
    lignes_et_departements_de,
    projet_pour,
    projets_pour_la_liste_api,
    projets_pour_liste,
)
from projets.services import (
    DonneesProjet,
    LigneSaisie,
    PhaseSaisie,
    document_deposer,
    document_retirer,
    pieces_demander,
    projet_creer,
    projet_modifier,
)
from socle.api import ListeEcrite, MontantSerializerField
from socle.exports import (
    Column,
    Export,
    colonnes_de,
    par_lots,
    vue_export,
)
from socle.montants import MONTANT


# --- Sortie --------------------------------------------------------------------------------
class LigneSortieSerializer(serializers.Serializer):
    financeur = serializers.CharField(help_text="Nom du financeur.")
    signataire = serializers.CharField(
        source="signataire.code", allow_null=True, help_text="Code du signataire, ou null."
    )
    # The API names this field « source »; the stubs type `Field.source` as the attribute path.
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="Autre source (vide pour un signataire)."
    )
    nature = serializers.ChoiceField(
        choices=NatureFinancement.choices, help_text="cper, valorise ou hors_cper."
    )
    montant = serializers.DecimalField(**MONTANT, help_text="Montant en euros.")


class CommuneSortieSerializer(serializers.Serializer):
    code_insee = serializers.CharField(help_text="Code INSEE de la commune (5 caractères).")
    nom = serializers.CharField(help_text="Nom de la commune.")


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
    type_piece = serializers.ChoiceField(
        choices=TypePiece.choices,
        help_text="Type de pièce (délibération, plan de situation, devis…).",
    )
    type_piece_libelle = serializers.CharField(
        source="get_type_piece_display", help_text="Type de pièce en toutes lettres."
    )
    type_mime = serializers.CharField(help_text="Type lu dans le contenu du fichier.")
    taille = serializers.IntegerField(help_text="Taille en octets.")
    depose_le = serializers.DateTimeField(help_text="Date du dépôt.")


def champ_de_sortie(nom: str) -> serializers.Field:
    """The output field of one input of the schema (`Champ.sortie`): a column shown as it is
    stored, described as the schema says."""
    champ = schema.champ(nom)
    colonne = champ.colonne_modele
    commun: dict = {"help_text": champ.aide_sortie}
    if colonne is not None and colonne.null:
        commun["allow_null"] = True
    if isinstance(colonne, models.DecimalField):
        return serializers.DecimalField(
            max_digits=colonne.max_digits, decimal_places=colonne.decimal_places, **commun
        )
    if isinstance(colonne, models.DateField):
        return serializers.DateField(**commun)
    return serializers.CharField(**commun)


class _ListeDeProjets(ListeEcrite):
    """The dossiers of the API list written directly, the very output of the fields that
    `ProjetListeSerializer` declares (and the schema reads): DRF's walk over each declared
    field of each dossier and of each line of its plan cost more than the queries of the
    page, and so did the prefetch's querysets, one per dossier and relation: the plans and
    départements of the page are read as plain rows, two queries (issue 14).
    `tests/api/test_projets.py` compares both ways, dossier by dossier."""

    def ecrire(self, projets):
        cout = self.child.fields["cout_total_ht"]
        montant = self.child.fields["lignes"].child.fields["montant"].to_representation
        lignes, departements = lignes_et_departements_de([p.pk for p in projets])
        for plan in lignes.values():
            for ligne in plan:
                ligne["montant"] = montant(ligne["montant"])
        return [
            {
                "reference": p.reference,
                "titre": p.titre,
                "statut": p.statut,
                "statut_libelle": p.get_statut_display(),
                "origine": p.origine,
                "mesure": p.mesure.code,
                "maitre_ouvrage": p.maitre_ouvrage.nom if p.maitre_ouvrage_id else None,
                "departements": departements[p.pk],
                "cout_total_ht": None
                if p.cout_total_ht is None
                else cout.to_representation(p.cout_total_ht),
                "lignes": lignes[p.pk],
            }
            for p in projets
        ]


class ProjetListeSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = _ListeDeProjets

    reference = serializers.CharField(help_text="Référence du dossier, par exemple HDF-2026-0042.")
    titre = champ_de_sortie("titre")
    statut = serializers.ChoiceField(choices=Statut.choices, help_text="Statut du dossier.")
    statut_libelle = serializers.CharField(
        source="get_statut_display", help_text="Statut en clair."
    )
    origine = serializers.CharField(help_text="contrat (opération inscrite) ou depot.")
    mesure = serializers.CharField(source="mesure.code", help_text="Code de la mesure.")
    maitre_ouvrage = serializers.CharField(
        source="maitre_ouvrage.nom", allow_null=True, help_text="Maître d'ouvrage."
    )
    departements = serializers.SerializerMethodField(
        help_text="Codes INSEE des départements : déclarés par le porteur, ou, pour une "
        "opération inscrite au contrat, déduits des lieux que cite le texte signé."
    )
    cout_total_ht = champ_de_sortie("cout_total_ht")
    lignes = LigneSortieSerializer(
        source="lignes_financement.all", many=True, help_text="Plan de financement."
    )

    def get_departements(self, projet) -> list[str]:
        return [d.code_insee for d in projet.departements.all()]


class _DetailProjet(ProjetListeSerializer):
    class Meta:
        list_serializer_class = serializers.ListSerializer  # all of its fields, the DRF way

    description = champ_de_sortie("description")
    territoire_texte = serializers.CharField(help_text="Territoire tel que décrit.")
    territoires_speciaux = serializers.SerializerMethodField(help_text="Codes des territoires.")
    communes = serializers.SerializerMethodField(help_text="Communes (code INSEE et nom).")
    date_debut = champ_de_sortie("date_debut")
    date_fin = champ_de_sortie("date_fin")
    justification_fin_tardive = champ_de_sortie("justification_fin_tardive")
    decarbonation = champ_de_sortie("decarbonation")
    decarbonation_justification = champ_de_sortie("decarbonation_justification")
    impact_environnemental = champ_de_sortie("impact_environnemental")
    impact_environnemental_justification = champ_de_sortie("impact_environnemental_justification")
    egalite_femmes_hommes = champ_de_sortie("egalite_femmes_hommes")
    egalite_femmes_hommes_justification = champ_de_sortie("egalite_femmes_hommes_justification")
    montant_mentionne = serializers.DecimalField(
        **MONTANT, allow_null=True, help_text="Montant cité par le contrat, s'il en cite un."
    )
    hors_cper = serializers.BooleanField(help_text="Opération citée mais financée hors CPER.")
    montant_a_reequilibrer = serializers.DecimalField(
        **MONTANT,
        help_text="Ce que le comité a retiré du plan (ligne d'un cofinanceur réduite ou refusée) "
        "et que le porteur doit encore couvrir ; 0,00 quand le plan est équilibré "
        "(POST /api/v1/projets/{reference}/reequilibrer/).",
    )
    phases = PhaseSortieSerializer(
        source="phases.all", many=True, help_text=schema.champ("phases").description
    )
    journal = TransitionSortieSerializer(
        source="transitions.all",
        many=True,
        help_text="Journal des transitions du cycle de vie, du plus ancien au plus récent.",
    )
    documents = DocumentSortieSerializer(
        source="documents.all", many=True, help_text="Pièces jointes au dossier."
    )
    depose_le = serializers.DateTimeField(
        allow_null=True,
        help_text="Date et heure du dépôt (RFC 3339) ; vide tant que le dossier n'est pas déposé.",
    )
    actions_possibles = serializers.SerializerMethodField(
        help_text="Les actions que l'appelant peut effectuer maintenant sur ce dossier : étapes "
        "du cycle de vie (POST /api/v1/projets/{reference}/{action}/) et actions sur le dossier "
        "(modifier, modifier_ligne, joindre_document, remplir_grille, declarer_avancement, "
        "demander_paiement, instruire_paiement)."
    )

    def get_territoires_speciaux(self, projet) -> list[str]:
        return [t.code for t in projet.territoires_speciaux.all()]

    def get_actions_possibles(self, projet) -> list[str]:
        requete = self.context.get("request")
        if requete is None:
            return []
        return actions_possibles(requete.user, projet)

    @extend_schema_field(CommuneSortieSerializer(many=True))
    def get_communes(self, projet) -> list[dict]:
        return [{"code_insee": c.code_insee, "nom": c.nom} for c in projet.communes.all()]


def avec_champs_publies(
    nom: str, classe: type[serializers.Serializer]
) -> type[serializers.Serializer]:
    """The output serializer `nom`: `classe` and, appended, every input the schema shows
    (`Champ.sortie`) that it does not place itself, so that a new column marked in the schema
    is in the API's output at once."""
    manquants = {
        c.nom: champ_de_sortie(c.nom)
        for c in schema.CHAMPS
        if c.sortie and c.nom not in classe._declared_fields
    }
    return type(nom, (classe,), manquants)


ProjetDetailSerializer = avec_champs_publies("ProjetDetailSerializer", _DetailProjet)


# --- Entrée --------------------------------------------------------------------------------
class ListeDeLignesSerializer(serializers.ListSerializer):
    """A plan's lines as the API takes them: a list of objects, one per line. Its errors come
    back in the one shape of the plan (`socle.api.corps_erreur`): each line's under its index,
    a refusal of the list itself in `non_field_errors`."""

    default_error_messages = {
        "not_a_list": "Les lignes du plan de financement s'envoient en liste, un objet par ligne.",
        "empty": "Le plan de financement compte au moins une ligne.",
        "max_length": "Le plan de financement compte au plus {max_length} lignes.",
        "min_length": "Le plan de financement compte au moins {min_length} lignes.",
    }


class LigneEntreeSerializer(serializers.Serializer):
    signataire = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Signataire.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code du signataire financeur (etat, region, nord…).",
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]  # see LigneSortieSerializer
        choices=SourceFinancement.choices,
        required=False,
        allow_blank=True,
        help_text="Autre source, quand le financeur n'est pas un signataire.",
    )
    nature = serializers.ChoiceField(
        choices=NatureFinancement.choices,
        help_text="cper (compte sur l'enveloppe du signataire), valorise ou hors_cper.",
    )
    montant = MontantSerializerField(**MONTANT, positif=True, help_text="Montant en euros.")

    class Meta:
        list_serializer_class = ListeDeLignesSerializer

    def validate(self, donnees):
        if bool(donnees.get("signataire")) == bool(donnees.get("source")):
            raise serializers.ValidationError(
                {"signataire": ["Indiquez soit un signataire, soit une autre source."]}
            )
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


# The nested lists of the schema, each with its own row serializer.
LISTES_ENTREE: dict[str, type[serializers.Serializer]] = {
    "communes": CommuneEntreeSerializer,
    "lignes": LigneEntreeSerializer,
    "phases": PhaseEntreeSerializer,
}


def _queryset(champ: Champ, colonne: models.Field) -> models.QuerySet:
    if champ.choix is not None:
        return champ.choix()
    modele = colonne.related_model
    if not isinstance(modele, type):
        raise TypeError(f"« {champ.nom} » n'est pas une relation.")
    return modele._default_manager.all()


def champ_d_entree(champ: Champ) -> serializers.Field:
    """The API field of one input of the schema: its kind and limits read from the model
    column, its description from the schema."""
    commun: dict = {"help_text": champ.description}
    if not champ.obligatoire:
        commun["required"] = False
    colonne = champ.colonne_modele
    if colonne is None:
        return LISTES_ENTREE[champ.nom](many=True, **commun)
    if champ.genre in (Genre.CLE, Genre.PLUSIEURS):
        commun["queryset"] = _queryset(champ, colonne)
        if champ.genre is Genre.PLUSIEURS:
            commun["many"] = True
        elif not champ.obligatoire:
            commun["allow_null"] = True
        if champ.cle == "pk":
            return serializers.PrimaryKeyRelatedField(**commun)
        return serializers.SlugRelatedField(slug_field=champ.cle, **commun)
    return _champ_de_valeur(colonne, commun, champ.obligatoire)


def _champ_de_valeur(colonne: models.Field, commun: dict, obligatoire: bool) -> serializers.Field:
    if not obligatoire:
        commun["allow_null" if colonne.null else "allow_blank"] = True
    if isinstance(colonne, models.DecimalField):
        minimum = [v.limit_value for v in colonne.validators if isinstance(v, MinValueValidator)]
        if minimum:
            commun["min_value"] = minimum[0]
        classe = MontantSerializerField if colonne.decimal_places == 2 else serializers.DecimalField
        return classe(
            max_digits=colonne.max_digits, decimal_places=colonne.decimal_places, **commun
        )
    if isinstance(colonne, models.DateField):
        return serializers.DateField(**commun)
    if colonne.choices:
        return serializers.ChoiceField(choices=colonne.choices, **commun)
    if isinstance(colonne, models.EmailField):
        return serializers.EmailField(**commun, max_length=colonne.max_length or 254)
    if isinstance(colonne, models.TextField):
        return serializers.CharField(**commun)
    validateurs = [v for v in colonne.validators if not isinstance(v, MaxLengthValidator)]
    if validateurs:
        commun["validators"] = validateurs
    if colonne.max_length:
        commun["max_length"] = colonne.max_length
    return serializers.CharField(**commun)


class EntreeProjetSerializer(serializers.Serializer):
    # The dossier's input, less its fields: `serializer_d_entree` adds one per input of the
    # schema (a comment, not a docstring, which OpenAPI would publish).

    def donnees(self, base: dict | None = None) -> DonneesProjet:
        d = {**(base or {}), **self.validated_data}
        return DonneesProjet.depuis(
            d,
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


def serializer_d_entree(champs: list[Champ] | None = None) -> type[EntreeProjetSerializer]:
    """The API's input serializer: one field per input of the schema, in its order."""
    return type(
        "ProjetEntreeSerializer",
        (EntreeProjetSerializer,),
        {c.nom: champ_d_entree(c) for c in (schema.CHAMPS if champs is None else champs)},
    )


ProjetEntreeSerializer = serializer_d_entree()


def etat_actuel(projet: Projet) -> dict:
    """The stored dossier in the input format, so that a PATCH changes only what it sends."""
    return {
        **schema.valeurs_enregistrees(projet),
        "communes": [{"code_insee": c.code_insee, "nom": c.nom} for c in projet.communes.all()],
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


class OrdreOuPertinence(OrderingFilter):
    """`?ordering=` when it is given; else, for a text search, the search's ranking
    (`projets.recherche`); else the view's default order."""

    def get_ordering(self, request, queryset, view):
        if not request.query_params.get(self.ordering_param) and est_classe_par_pertinence(
            queryset
        ):
            return ["pertinence", "reference"]
        return super().get_ordering(request, queryset, view)


class ProjetListApi(generics.ListAPIView):
    serializer_class = ProjetListeSerializer
    filterset_class = ProjetFilter
    filter_backends = [DjangoFilterBackend, OrdreOuPertinence]
    ordering_fields = ["reference", "titre", "statut", "cout_total_ht", "date_debut"]
    ordering = ["reference"]

    def get_queryset(self):
        return projets_pour_la_liste_api(utilisateur=self.request.user)

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
            ProjetDetailSerializer(
                projet_detaille(request.user, projet.reference), context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ProjetDetailApi(APIView):
    @extend_schema(summary="Un projet", responses=ProjetDetailSerializer, tags=["Projets"])
    def get(self, request, reference):
        return Response(
            ProjetDetailSerializer(
                projet_detaille(request.user, reference), context={"request": request}
            ).data
        )

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
        return Response(
            ProjetDetailSerializer(
                projet_detaille(request.user, reference), context={"request": request}
            ).data
        )


class DocumentEntreeSerializer(serializers.Serializer):
    type_piece = serializers.ChoiceField(
        choices=TypePiece.choices,
        default=TypePiece.AUTRE,
        help_text="Type de pièce ; après le dépôt, seulement un type demandé par un instructeur.",
    )
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
                projet=projet,
                fichier=entree.validated_data["fichier"],
                type_piece=entree.validated_data["type_piece"],
                par=request.user,
            )
        return Response(DocumentSortieSerializer(document).data, status=status.HTTP_201_CREATED)


class DemandePiecesSortieSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant de la demande.")
    types = serializers.ListField(
        child=serializers.ChoiceField(choices=TypePiece.choices),
        help_text="Types de pièce demandés.",
    )
    message = serializers.CharField(help_text="Message de l'instructeur au porteur.")
    demande_par = serializers.CharField(
        source="demande_par.username", help_text="Identifiant de l'instructeur."
    )
    demande_le = serializers.DateTimeField(help_text="Date de la demande.")
    close_le = serializers.DateTimeField(
        allow_null=True, help_text="Date à laquelle toutes les pièces ont été fournies."
    )


class DemandePiecesEntreeSerializer(serializers.Serializer):
    types = serializers.ListField(
        child=serializers.ChoiceField(choices=TypePiece.choices),
        allow_empty=False,
        help_text="Types de pièce demandés au porteur.",
    )
    message = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="Message."
    )


class DemandePiecesListApi(APIView):
    @extend_schema(
        summary="Demandes de pièces complémentaires d'un projet",
        responses=DemandePiecesSortieSerializer(many=True),
        tags=["Projets"],
    )
    def get(self, request, reference):
        projet = projet_detaille(request.user, reference)
        demandes = projet.demandes_pieces.select_related("demande_par")
        return Response(DemandePiecesSortieSerializer(demandes, many=True).data)

    @extend_schema(
        summary="Demander des pièces complémentaires",
        description="Après le dépôt, par un agent d'un cofinanceur CPER ou le secrétariat : le "
        "porteur pourra joindre ces types de pièce, et eux seuls. 403 pour un autre ; 409 "
        "avant le dépôt ou après l'instruction.",
        request=DemandePiecesEntreeSerializer,
        responses={201: DemandePiecesSortieSerializer},
        tags=["Projets"],
    )
    def post(self, request, reference):
        projet = projet_detaille(request.user, reference)
        entree = DemandePiecesEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        demande = pieces_demander(
            projet=projet,
            types=entree.validated_data["types"],
            message=entree.validated_data["message"],
            par=request.user,
        )
        return Response(DemandePiecesSortieSerializer(demande).data, status=status.HTTP_201_CREATED)


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

    @extend_schema(
        summary="Retirer un document",
        description="Par le porteur tant que le dossier est à lui (brouillon, incomplet) ; le "
        "fichier quitte le stockage. 403 pour un autre ; 409 une fois le dossier déposé.",
        responses={204: None},
        tags=["Projets"],
    )
    def delete(self, request, reference, pk):
        projet = projet_detaille(request.user, reference)
        document_retirer(document=get_object_or_404(projet.documents, pk=pk), par=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Export de la liste --------------------------------------------------------------------
# The columns the API's output also shows take its descriptions (`colonnes_de`).
COLONNES_EXPORT_PROJETS = [
    *colonnes_de(
        ProjetDetailSerializer,
        "reference",
        "titre",
        "statut",
        "statut_libelle",
        "origine",
        "mesure",
    ),
    Column("axe", "Code de l'axe."),
    *colonnes_de(ProjetDetailSerializer, "maitre_ouvrage", "departements", "cout_total_ht"),
    Column("financement_cper", "Somme des lignes CPER du plan de financement, en euros.", "number"),
    Column("financeurs", "Codes des signataires du plan de financement, séparés par « ; »."),
    *colonnes_de(ProjetDetailSerializer, "date_debut", "date_fin"),
]


TAILLE_LOT_EXPORT = 1000
LIBELLES_STATUTS = dict(Statut.choices)


def rangees_projets(projets: models.QuerySet[Projet]) -> Iterator[dict]:
    """One row per dossier, from a projection of its columns read by chunks, then the
    départements and the plan's lines of each chunk in one query each: no model instance,
    flat memory whatever the number of dossiers."""
    colonnes = projets.prefetch_related(None).values(
        "pk",
        *("reference", "titre", "statut", "origine", "cout_total_ht", "date_debut", "date_fin"),
        *("mesure__code", "mesure__axe__code", "maitre_ouvrage__nom"),
    )
    for lot in par_lots(colonnes.iterator(chunk_size=TAILLE_LOT_EXPORT), TAILLE_LOT_EXPORT):
        ids = [r["pk"] for r in lot]
        departements: dict[int, list[str]] = {}
        for projet_id, code in (
            Projet.departements.through.objects.filter(projet_id__in=ids)
            .order_by("departement__code_insee")
            .values_list("projet_id", "departement__code_insee")
        ):
            departements.setdefault(projet_id, []).append(code)
        cper: dict[int, Decimal] = {}
        financeurs: dict[int, set[str]] = {}
        for projet_id, nature, montant, code in LignePlanFinancement.objects.filter(
            projet_id__in=ids
        ).values_list("projet_id", "nature", "montant", "signataire__code"):
            if nature == NatureFinancement.CPER:
                cper[projet_id] = cper.get(projet_id, Decimal("0.00")) + montant
            if code:
                financeurs.setdefault(projet_id, set()).add(code)
        for r in lot:
            yield {
                "reference": r["reference"],
                "titre": r["titre"],
                "statut": r["statut"],
                "statut_libelle": LIBELLES_STATUTS.get(r["statut"], r["statut"]),
                "origine": r["origine"],
                "mesure": r["mesure__code"],
                "axe": r["mesure__axe__code"] or r["mesure__code"],
                "maitre_ouvrage": r["maitre_ouvrage__nom"] or "",
                "departements": departements.get(r["pk"], []),
                "cout_total_ht": r["cout_total_ht"],
                "financement_cper": cper.get(r["pk"], Decimal("0.00")),
                "financeurs": sorted(financeurs.get(r["pk"], ())),
                "date_debut": r["date_debut"],
                "date_fin": r["date_fin"],
            }


def projets_exportes(utilisateur) -> models.QuerySet[Projet]:
    """The dossiers of the list (`projets_pour_liste`), with their axis, by reference."""
    return (
        projets_pour_liste(utilisateur=utilisateur)
        .select_related("mesure__axe")
        .order_by("reference")
    )


EXPORT_PROJETS = Export(
    nom="projets",
    feuille="Projets",
    colonnes=COLONNES_EXPORT_PROJETS,
    selection=projets_exportes,
    filtre=ProjetFilter,
    rangees=rangees_projets,
    resume="Projets visibles",
    description="La liste des projets que la personne voit, avec les filtres de la liste "
    "(mêmes paramètres que GET /api/v1/projets/), en fichier produit au fil de l'eau. "
    "Colonnes : " + ", ".join(f"`{c.key}`" for c in COLONNES_EXPORT_PROJETS) + ".",
    description_fichier="Fichier.",
    parametres_multiples=frozenset({"statut"}),
)
ExportProjetsCsvApi = vue_export(EXPORT_PROJETS, "csv")
ExportProjetsXlsxApi = vue_export(EXPORT_PROJETS, "xlsx")


class LigneReequilibrageSerializer(serializers.Serializer):
    source = serializers.ChoiceField(  # type: ignore[assignment]  # see LigneSortieSerializer
        choices=SourceFinancement.choices,
        help_text="Le financeur, qui n'est pas un signataire du contrat (fonds propres, fonds "
        "européens, autre subvention…).",
    )
    nature = serializers.ChoiceField(
        choices=NatureFinancement.choices,
        default=NatureFinancement.HORS_CPER,
        help_text="valorise ou hors_cper (une ligne CPER engage un signataire : seul son comité "
        "la décide).",
    )
    montant = MontantSerializerField(**MONTANT, positif=True, help_text="Montant en euros.")

    class Meta:
        list_serializer_class = ListeDeLignesSerializer


class ReequilibrageEntreeSerializer(serializers.Serializer):
    lignes = LigneReequilibrageSerializer(
        many=True,
        help_text="Les lignes hors signataires du plan : elles remplacent celles du plan actuel.",
    )
    cout_total_ht = MontantSerializerField(
        **MONTANT,
        required=False,
        allow_null=True,
        help_text="Le coût total éligible HT, s'il baisse (il ne peut que baisser).",
    )


class ReequilibrageApi(APIView):
    @extend_schema(
        summary="Rééquilibrer le plan après la décision du comité",
        description="Quand le comité a réduit ou refusé la ligne d'un cofinanceur, le porteur (ou "
        "le secrétariat) couvre l'écart par des fonds propres, un autre financeur qui n'est pas "
        "un signataire, ou un coût réduit. 403 pour un autre que le porteur ou le secrétariat ; "
        "409 si le plan est déjà équilibré ; 400 (rien n'est enregistré) si le plan ne couvre pas "
        "encore le coût ou si la part du maître d'ouvrage est sous le minimum.",
        request=ReequilibrageEntreeSerializer,
        responses=ProjetDetailSerializer,
        tags=["Projets"],
    )
    def post(self, request, reference):
        projet = projet_detaille(request.user, reference)
        entree = ReequilibrageEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        d = entree.validated_data
        plan_reequilibrer(
            projet=projet,
            lignes=[
                LigneSaisie(
                    montant=ligne["montant"], nature=ligne["nature"], source=ligne["source"]
                )
                for ligne in d["lignes"]
            ],
            cout_total_ht=d.get("cout_total_ht"),
            par=request.user,
        )
        return Response(
            ProjetDetailSerializer(
                projet_detaille(request.user, reference), context={"request": request}
            ).data
        )
