"""API of governance: the same services and permission checks as the pages.

Votes of an open session are secret to all but the voter; once the session is closed, every
vote is public to those who may see the session.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from axes.models import Signataire
from gouvernance import services
from gouvernance.models import (
    Avis,
    ChoixVote,
    Comite,
    EtatSeance,
    IssueLigne,
    Membre,
    Seance,
    StatutPresence,
    Vote,
)
from gouvernance.permissions import peut_instruire, voit_la_gouvernance
from gouvernance.selectors import (
    comite_pour,
    comites_liste,
    etat_quorum,
    grille_active,
    jour_de,
    lignes_arbitrees,
    membre_actif,
    membres_du_comite,
    points_de_seance,
    presences_de_seance,
    resultats_grille,
    seance_pour,
    seances_visibles,
)
from gouvernance.workflow import ActionSeance, est_close
from projets.selectors import projet_pour
from socle.api import ListeEcrite, MontantSerializerField
from socle.exceptions import ActionNonAutorisee, EtatIncompatible
from socle.montants import MONTANT


def _exiger(request) -> None:
    if not voit_la_gouvernance(request.user):
        raise NotFound()


# --- Sortie --------------------------------------------------------------------------------
class MembreSortieSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant du membre.")
    utilisateur = serializers.CharField(source="utilisateur.username", help_text="Identifiant.")
    nom = serializers.CharField(source="utilisateur.get_full_name", help_text="Nom complet.")
    organisation = serializers.CharField(source="organisation.nom", help_text="Organisation.")
    role = serializers.CharField(help_text="president, co_president, votant, associe, secretariat.")
    qualite = serializers.CharField(help_text="Qualité (fonction) au titre de laquelle il siège.")
    debut = serializers.DateField(help_text="Début du mandat.")
    fin = serializers.DateField(allow_null=True, help_text="Fin du mandat (vide : en cours).")


class ComiteSortieSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code du comité.")
    nom = serializers.CharField(help_text="Nom du comité.")
    type = serializers.CharField(help_text="Type de comité.")
    portee = serializers.CharField(help_text="Ce que fait le comité, d'après le contrat.")
    pilotage = serializers.CharField(help_text="Pilotage tel que le contrat le décrit.")
    pilotes = serializers.SerializerMethodField(help_text="Organisations pilotes.")
    mesures = serializers.SerializerMethodField(
        help_text="Codes des nœuds couverts (et tout ce qui est en dessous)."
    )
    ligne = serializers.IntegerField(allow_null=True, help_text="Ligne du texte signé.")
    regle_quorum = serializers.CharField(
        help_text="Règle de quorum, paramétrable (la charte n'est pas dans le texte)."
    )
    regle_majorite = serializers.CharField(help_text="Règle de majorité, paramétrable.")
    regle_egalite = serializers.CharField(help_text="Issue d'une égalité des voix, paramétrable.")
    pouvoir_programmer = serializers.BooleanField(
        help_text="Le comité retient et programme (sinon il rend des avis) ; réglage fixé par "
        "le secrétariat."
    )

    def get_pilotes(self, comite) -> list[str]:
        return [o.nom for o in comite.pilotes.all()]

    def get_mesures(self, comite) -> list[str]:
        return [n.code for n in comite.mesures.all()]


class ComiteDetailSerializer(ComiteSortieSerializer):
    membres = serializers.SerializerMethodField(help_text="Membres du comité et leur rôle.")

    @extend_schema_field(MembreSortieSerializer(many=True))
    def get_membres(self, comite) -> list[dict]:
        return [MembreSortieSerializer(m).data for m in membres_du_comite(comite=comite)]


class DecisionLigneSortieSerializer(serializers.Serializer):
    signataire = serializers.CharField(source="signataire.code", help_text="Code du signataire.")
    issue = serializers.CharField(help_text="programmee, reduite ou refusee.")
    montant_demande = serializers.DecimalField(**MONTANT, help_text="Montant demandé, en euros.")
    montant_retenu = serializers.DecimalField(
        **MONTANT, help_text="Montant programmé (0,00 si refusée), en euros."
    )
    motif = serializers.CharField(help_text="Motif donné par le cofinanceur.")


class DecisionSortieSerializer(serializers.Serializer):
    point = serializers.IntegerField(
        source="point_id", help_text="Identifiant du point de l'ordre du jour."
    )
    projet = serializers.CharField(source="point.projet.reference", help_text="Référence.")
    resultat = serializers.CharField(help_text="retenu, rejete ou ajourne.")
    pour = serializers.IntegerField(help_text="Voix pour.")
    contre = serializers.IntegerField(help_text="Voix contre.")
    abstention = serializers.IntegerField(help_text="Abstentions.")
    quorum_atteint = serializers.BooleanField(help_text="Le quorum était-il atteint à la clôture.")
    avis = serializers.BooleanField(
        help_text="Un avis d'un comité sans pouvoir de programmer : le dossier n'est ni retenu "
        "ni programmé."
    )
    motif = serializers.CharField(help_text="Décompte et règle appliquée.")
    programme = serializers.BooleanField(help_text="Programmé dans la foulée (dossier retenu).")
    motif_non_programmation = serializers.CharField(
        help_text="Pourquoi un dossier retenu n'a pas été programmé (enveloppe…)."
    )
    decidee_le = serializers.DateTimeField(help_text="Date et heure de la décision.")
    lignes = DecisionLigneSortieSerializer(
        source="lignes.all",
        many=True,
        help_text="La décision sur chaque ligne CPER d'un dossier retenu : programmée au "
        "montant demandé, réduite ou refusée.",
    )


class PointSortieSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant du point de l'ordre du jour.")
    ordre = serializers.IntegerField(help_text="Rang à l'ordre du jour.")
    projet = serializers.CharField(source="projet.reference", help_text="Référence du dossier.")
    titre = serializers.CharField(source="projet.titre", help_text="Titre du dossier.")
    statut_projet = serializers.CharField(
        source="projet.statut", help_text="Statut du dossier dans son cycle de vie."
    )
    recusations = serializers.SerializerMethodField(help_text="Membres récusés (identifiants).")
    decision = serializers.SerializerMethodField(
        help_text="La décision du comité sur ce point, une fois la séance close."
    )

    def get_recusations(self, point) -> list[str]:
        return [r.membre.utilisateur.username for r in point.recusations.all()]

    @extend_schema_field(DecisionSortieSerializer(allow_null=True))
    def get_decision(self, point) -> dict | None:
        decision = getattr(point, "decision", None)
        return DecisionSortieSerializer(decision).data if decision else None


class PresenceSortieSerializer(serializers.Serializer):
    membre = serializers.IntegerField(source="membre_id", help_text="Identifiant du membre.")
    utilisateur = serializers.CharField(
        source="membre.utilisateur.username", help_text="Identifiant de la personne."
    )
    statut = serializers.CharField(help_text="present, excuse ou represente.")
    mandataire = serializers.IntegerField(
        source="mandataire_id", allow_null=True, help_text="Membre qui détient le pouvoir."
    )


class QuorumSortieSerializer(serializers.Serializer):
    votants = serializers.IntegerField(help_text="Membres votants en fonction.")
    presents = serializers.IntegerField(help_text="Votants présents ou représentés.")
    requis = serializers.IntegerField(help_text="Nombre requis par la règle du comité.")
    atteint = serializers.BooleanField(
        help_text="Vrai quand les votants présents ou représentés atteignent le nombre requis."
    )


class _ListeDeSeances(ListeEcrite):
    """The sessions of the API list written directly, the very output of the fields that
    `SeanceSortieSerializer` declares (issue 14; compared both ways in
    `tests/api/test_listes_ecrites.py`). A serializer that adds fields is walked the DRF way."""

    def ecrire(self, seances):
        moment = self.child.fields["date"].to_representation
        return [
            {
                "id": s.pk,
                "comite": s.comite.code,
                "date": moment(s.date),
                "lieu": s.lieu,
                "lien_visio": s.lien_visio,
                "etat": s.etat,
                "convoquee_le": None if s.convoquee_le is None else moment(s.convoquee_le),
                "close_le": None if s.close_le is None else moment(s.close_le),
            }
            for s in seances
        ]


class SeanceSortieSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = _ListeDeSeances

    id = serializers.IntegerField(help_text="Identifiant de la séance.")
    comite = serializers.CharField(source="comite.code", help_text="Code du comité.")
    date = serializers.DateTimeField(help_text="Date et heure de la séance.")
    lieu = serializers.CharField(help_text="Lieu de la séance.")
    lien_visio = serializers.CharField(help_text="Lien de visioconférence.")
    etat = serializers.ChoiceField(
        choices=EtatSeance.choices, help_text="planifiee → ouverte → close."
    )
    convoquee_le = serializers.DateTimeField(
        allow_null=True, help_text="Date de la convocation des membres."
    )
    close_le = serializers.DateTimeField(allow_null=True, help_text="Date de la clôture.")


class SeanceDetailSerializer(SeanceSortieSerializer):
    ordre_du_jour = serializers.SerializerMethodField(
        help_text="Points de l'ordre du jour, avec leur décision."
    )
    presences = serializers.SerializerMethodField(help_text="Feuille de présence.")
    quorum = serializers.SerializerMethodField(help_text="État du quorum.")

    @extend_schema_field(PointSortieSerializer(many=True))
    def get_ordre_du_jour(self, seance) -> list[dict]:
        return [PointSortieSerializer(p).data for p in points_de_seance(seance=seance)]

    @extend_schema_field(PresenceSortieSerializer(many=True))
    def get_presences(self, seance) -> list[dict]:
        return [
            PresenceSortieSerializer(p).data for p in presences_de_seance(seance=seance).values()
        ]

    @extend_schema_field(QuorumSortieSerializer)
    def get_quorum(self, seance) -> dict:
        return QuorumSortieSerializer(etat_quorum(seance=seance)).data


class VoteSortieSerializer(serializers.Serializer):
    point = serializers.IntegerField(
        source="point_id", help_text="Identifiant du point de l'ordre du jour."
    )
    membre = serializers.CharField(
        source="membre.utilisateur.username", help_text="Membre dont c'est la voix (identifiant)."
    )
    exprime_par = serializers.CharField(
        source="exprime_par.utilisateur.username",
        help_text="Qui a exprimé la voix (le membre ou son mandataire).",
    )
    choix = serializers.ChoiceField(
        choices=ChoixVote.choices, help_text="pour, contre ou abstention."
    )
    modifie_le = serializers.DateTimeField(help_text="Dernière modification du vote.")


class ProcesVerbalSerializer(SeanceDetailSerializer):
    # The minutes: the closed session's detail and every vote, secret until the close (a
    # comment, not a docstring, which OpenAPI would publish).
    votes = VoteSortieSerializer(many=True, help_text="Chaque voix, point par point.")


class CritereSortieSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code du critère.")
    libelle = serializers.CharField(help_text="Libellé du critère.")
    echelle_max = serializers.IntegerField(
        min_value=1, help_text="Note maximale du critère (notes de 0 à ce nombre)."
    )
    poids = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="Poids du critère dans le score pondéré."
    )


class GrilleSortieSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="Version de la grille en vigueur.")
    libelle = serializers.CharField(help_text="Libellé de la grille.")
    source = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.source
        help_text="D'où vient la grille (texte de référence)."
    )
    criteres = CritereSortieSerializer(
        source="criteres.all", many=True, help_text="Les critères, dans leur ordre."
    )


# --- Entrée --------------------------------------------------------------------------------
class SeanceEntreeSerializer(serializers.Serializer):
    comite = serializers.SlugRelatedField(
        slug_field="code", queryset=Comite.objects.all(), help_text="Code du comité."
    )
    date = serializers.DateTimeField(
        help_text="Date et heure de la séance (RFC 3339). Comprise dans la période du contrat et"
        " sa marge (réglage fixé par le secrétariat)."
    )
    lieu = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="Lieu (ou lien de visioconférence) : l'un des deux.",
    )
    lien_visio = serializers.URLField(
        required=False,
        allow_blank=True,
        max_length=Seance._meta.get_field("lien_visio").max_length or 200,
        help_text="Lien de visioconférence.",
    )


class InscriptionEntreeSerializer(serializers.Serializer):
    projet = serializers.CharField(help_text="Référence du dossier instruit à inscrire.")


class PresenceEntreeSerializer(serializers.Serializer):
    membre = serializers.IntegerField(help_text="Identifiant du membre.")
    statut = serializers.ChoiceField(
        choices=StatutPresence.choices, help_text="present, excuse ou represente."
    )
    mandataire = serializers.IntegerField(
        required=False, allow_null=True, help_text="Membre qui détient le pouvoir (représenté)."
    )


class VoteEntreeSerializer(serializers.Serializer):
    choix = serializers.ChoiceField(
        choices=ChoixVote.choices, help_text="pour, contre, abstention."
    )
    pour_membre = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Membre dont vous détenez le pouvoir, si vous votez pour lui.",
    )


class NoteEntreeSerializer(serializers.Serializer):
    critere = serializers.CharField(help_text="Code du critère.")
    note = serializers.IntegerField(allow_null=True, help_text="Note, de 0 au maximum du critère.")
    commentaire = serializers.CharField(
        required=False, allow_blank=True, help_text="Commentaire de l'instructeur sur ce critère."
    )


class EvaluationEntreeSerializer(serializers.Serializer):
    notes = NoteEntreeSerializer(many=True, help_text="Une note par critère de la grille active.")
    avis = serializers.ChoiceField(
        choices=Avis.choices,
        required=False,
        allow_blank=True,
        help_text="favorable, reserve ou defavorable.",
    )
    commentaire = serializers.CharField(
        required=False, allow_blank=True, help_text="Commentaire d'ensemble."
    )
    deposer = serializers.BooleanField(
        default=False,
        help_text=(
            "Vrai pour déposer la grille ; la grille qui complète la règle d'instruction "
            "(chaque cofinanceur, ou au moins un : réglage fixé par le secrétariat) termine "
            "l'instruction."
        ),
    )
    signataire = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Signataire.objects.all(),
        required=False,
        allow_null=True,
        help_text=(
            "Code du cofinanceur pour le compte duquel le secrétariat remplit la grille ; un "
            "agent remplit toujours celle de son signataire."
        ),
    )


class NoteSortieSerializer(serializers.Serializer):
    critere = serializers.CharField(source="critere.code", help_text="Code du critère.")
    note = serializers.IntegerField(help_text="Note donnée.")
    commentaire = serializers.CharField(help_text="Commentaire sur ce critère.")


class EvaluationSortieSerializer(serializers.Serializer):
    cofinanceur = serializers.CharField(
        source="evaluation.signataire.code", help_text="Code du signataire cofinanceur."
    )
    cofinanceur_nom = serializers.CharField(
        source="evaluation.signataire.nom", help_text="Nom du signataire cofinanceur."
    )
    instructeur = serializers.CharField(
        source="evaluation.instructeur.username",
        help_text="Qui l'a déposée (un agent du cofinanceur, ou le secrétariat pour son compte).",
    )
    pour_le_compte_de = serializers.SerializerMethodField(
        help_text="Vrai quand le secrétariat du CPER l'a déposée pour le compte du cofinanceur."
    )
    grille_version = serializers.IntegerField(
        source="evaluation.grille.version", help_text="Version de la grille utilisée."
    )
    avis = serializers.ChoiceField(
        source="evaluation.avis",
        choices=Avis.choices,
        help_text="Avis du cofinanceur sur sa ligne : favorable, reserve ou defavorable.",
    )
    commentaire = serializers.CharField(
        source="evaluation.commentaire", help_text="Commentaire de l'avis."
    )
    score = serializers.DecimalField(
        max_digits=5, decimal_places=1, help_text="Score pondéré, en % du maximum (calculé)."
    )
    deposee_le = serializers.DateTimeField(
        source="evaluation.deposee_le", help_text="Date du dépôt."
    )
    notes = NoteSortieSerializer(many=True, help_text="Note par critère.")

    def get_pour_le_compte_de(self, vue) -> bool:
        return bool(vue.evaluation.instructeur.est_administrateur)


class CofinanceurInstructionSerializer(serializers.Serializer):
    code = serializers.CharField(source="signataire.code", help_text="Code du signataire.")
    nom = serializers.CharField(source="signataire.nom", help_text="Nom du signataire.")
    montant = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Ses lignes CPER du plan, en euros."
    )
    grille_deposee = serializers.BooleanField(
        source="deposee", help_text="Vrai quand sa grille est déposée."
    )
    avis = serializers.SerializerMethodField(
        help_text="Son avis sur sa ligne (vide tant que sa grille n'est pas déposée)."
    )
    score = serializers.DecimalField(
        source="vue.score",
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        help_text="Son score, en % (calculé ; vide tant que sa grille n'est pas déposée).",
    )

    @extend_schema_field(serializers.ChoiceField(choices=Avis.choices, allow_blank=True))
    def get_avis(self, cofinanceur) -> str:
        return cofinanceur.vue.evaluation.avis if cofinanceur.vue else ""


class ResultatsGrilleSerializer(serializers.Serializer):
    score_consolide = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        help_text="Moyenne des scores des cofinanceurs ayant déposé, en % (calculé).",
    )
    instruction_complete = serializers.BooleanField(
        source="instruction.complete",
        help_text="Vrai quand la règle d'instruction est remplie.",
    )
    regle = serializers.CharField(
        source="instruction.regle",
        help_text="La règle d'instruction en vigueur (réglage fixé par le secrétariat).",
    )
    tous_cofinanceurs_requis = serializers.BooleanField(
        source="instruction.tous_requis",
        help_text="Vrai : chaque cofinanceur doit déposer ; faux : un seul suffit.",
    )
    cofinanceurs_manquants = serializers.SerializerMethodField(
        help_text="Codes des cofinanceurs dont la grille manque."
    )
    motif = serializers.CharField(
        source="instruction.motif",
        help_text="Pourquoi le dossier n'est pas encore instruit (vide sinon).",
    )
    cofinanceurs = CofinanceurInstructionSerializer(
        source="instruction.cofinanceurs", many=True, help_text="Chaque cofinanceur CPER."
    )
    evaluations = EvaluationSortieSerializer(many=True, help_text="Les grilles déposées.")

    def get_cofinanceurs_manquants(self, resultats) -> list[str]:
        return [s.code for s in resultats.instruction.manquants]


# --- Vues ----------------------------------------------------------------------------------


# Lists come in pages, like every list of the API (`socle.api.Pagination`).
@extend_schema(summary="Comités", tags=["Gouvernance"])
class ComiteListApi(generics.ListAPIView):
    serializer_class = ComiteSortieSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Comite.objects.none()
        _exiger(self.request)
        return comites_liste().order_by("ordre", "code")


class ComiteDetailApi(APIView):
    @extend_schema(
        summary="Un comité et ses membres", responses=ComiteDetailSerializer, tags=["Gouvernance"]
    )
    def get(self, request, code):
        return Response(
            ComiteDetailSerializer(comite_pour(utilisateur=request.user, code=code)).data
        )


class SeanceListApi(generics.ListAPIView):
    serializer_class = SeanceSortieSerializer

    @extend_schema(
        summary="Séances",
        parameters=[OpenApiParameter("comite", str, description="Code du comité.")],
        tags=["Gouvernance"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        seances = seances_visibles(utilisateur=self.request.user).order_by("-date")
        if self.request.query_params.get("comite"):
            seances = seances.filter(comite__code=self.request.query_params["comite"])
        return seances

    @extend_schema(
        summary="Planifier une séance (secrétariat du comité)",
        request=SeanceEntreeSerializer,
        responses={201: SeanceDetailSerializer},
        tags=["Gouvernance"],
    )
    def post(self, request):
        _exiger(request)
        entree = SeanceEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        seance = services.seance_creer(par=request.user, **entree.validated_data)
        return Response(SeanceDetailSerializer(seance).data, status=status.HTTP_201_CREATED)


class SeanceDetailApi(APIView):
    @extend_schema(
        summary="Une séance, son ordre du jour, ses présences",
        responses=SeanceDetailSerializer,
        tags=["Gouvernance"],
    )
    def get(self, request, pk):
        return Response(SeanceDetailSerializer(seance_pour(utilisateur=request.user, pk=pk)).data)


class SeanceInscrireApi(APIView):
    @extend_schema(
        summary="Inscrire un dossier instruit à l'ordre du jour",
        request=InscriptionEntreeSerializer,
        responses={201: SeanceDetailSerializer},
        tags=["Gouvernance"],
    )
    def post(self, request, pk):
        seance = seance_pour(utilisateur=request.user, pk=pk)
        entree = InscriptionEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        projet = projet_pour(utilisateur=request.user, reference=entree.validated_data["projet"])
        services.seance_inscrire_projet(seance=seance, projet=projet, par=request.user)
        return Response(
            SeanceDetailSerializer(seance_pour(utilisateur=request.user, pk=pk)).data,
            status=status.HTTP_201_CREATED,
        )


# The session's steps the API takes (`ActionSeance`); the others have their own endpoints.
ACTIONS = {
    ActionSeance.CONVOQUER: services.seance_convoquer,
    ActionSeance.OUVRIR: services.seance_ouvrir,
    ActionSeance.CLORE: services.seance_clore,
}


class SeanceActionApi(APIView):
    @extend_schema(
        summary="Convoquer, ouvrir ou clore une séance",
        operation_id="seance_action",
        description="convoquer : courriel aux membres avec l'ordre du jour ; ouvrir : début des "
        "votes ; clore : quorum vérifié, décisions calculées, dossiers déplacés et retenus "
        "programmés. 409 si l'état ne le permet pas (séance déjà close, quorum non atteint).",
        request=None,
        responses=SeanceDetailSerializer,
        parameters=[
            OpenApiParameter(
                "action",
                str,
                OpenApiParameter.PATH,
                enum=[str(action) for action in ACTIONS],
                description="L'étape de la séance : convoquer, ouvrir ou clore (une autre "
                "valeur répond 404).",
            )
        ],
        tags=["Gouvernance"],
    )
    def post(self, request, pk, action):
        seance = seance_pour(utilisateur=request.user, pk=pk)
        if action not in ACTIONS:
            raise NotFound(f"Action inconnue : {action}.")
        ACTIONS[action](seance=seance, par=request.user)
        return Response(SeanceDetailSerializer(seance_pour(utilisateur=request.user, pk=pk)).data)


class PresenceApi(APIView):
    @extend_schema(
        summary="Enregistrer la présence d'un membre",
        request=PresenceEntreeSerializer,
        responses=PresenceSortieSerializer,
        tags=["Gouvernance"],
    )
    def post(self, request, pk):
        seance = seance_pour(utilisateur=request.user, pk=pk)
        entree = PresenceEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        d = entree.validated_data
        membres = Membre.objects.filter(comite_id=seance.comite_id)
        membre = get_object_or_404(membres, pk=d["membre"])
        mandataire = get_object_or_404(membres, pk=d["mandataire"]) if d.get("mandataire") else None
        presence = services.presence_enregistrer(
            seance=seance,
            membre=membre,
            statut=d["statut"],
            mandataire=mandataire,
            par=request.user,
        )
        return Response(PresenceSortieSerializer(presence).data)


class VoteApi(APIView):
    def _point(self, request, pk, point_pk):
        seance = seance_pour(utilisateur=request.user, pk=pk)
        return get_object_or_404(seance.points.select_related("seance"), pk=point_pk)

    def _ecrire(self, request, pk, point_pk, service, code):
        point = self._point(request, pk, point_pk)
        entree = VoteEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        pour_membre = None
        if entree.validated_data.get("pour_membre"):
            pour_membre = get_object_or_404(
                Membre, pk=entree.validated_data["pour_membre"], comite_id=point.seance.comite_id
            )
        vote = service(
            point=point,
            choix=entree.validated_data["choix"],
            par=request.user,
            pour_membre=pour_membre,
        )
        return Response(VoteSortieSerializer(vote).data, status=code)

    @extend_schema(
        summary="Voter sur un point (une seule fois)",
        description="403 : non-membre, membre associé, secrétariat, membre récusé ou absent ; "
        "409 : séance non ouverte ou close, vote déjà exprimé (utilisez PUT pour le changer).",
        request=VoteEntreeSerializer,
        responses={201: VoteSortieSerializer},
        parameters=[
            OpenApiParameter(
                "point_pk", int, OpenApiParameter.PATH, description="Identifiant du point."
            )
        ],
        tags=["Gouvernance"],
    )
    def post(self, request, pk, point_pk):
        return self._ecrire(request, pk, point_pk, services.vote_enregistrer, 201)

    @extend_schema(
        summary="Changer son vote tant que la séance est ouverte",
        request=VoteEntreeSerializer,
        responses=VoteSortieSerializer,
        parameters=[
            OpenApiParameter(
                "point_pk", int, OpenApiParameter.PATH, description="Identifiant du point."
            )
        ],
        tags=["Gouvernance"],
    )
    def put(self, request, pk, point_pk):
        return self._ecrire(request, pk, point_pk, services.vote_modifier, 200)


class VoteListApi(APIView):
    @extend_schema(
        summary="Votes d'une séance",
        description="Tous les votes une fois la séance close ; avant, seulement les vôtres "
        "(et ceux que vous exprimez par procuration).",
        responses=VoteSortieSerializer(many=True),
        tags=["Gouvernance"],
    )
    def get(self, request, pk):
        seance = seance_pour(utilisateur=request.user, pk=pk)
        votes = Vote.objects.filter(point__seance=seance).select_related(
            "membre__utilisateur", "exprime_par__utilisateur"
        )
        if not est_close(seance):
            moi = membre_actif(utilisateur=request.user, comite=seance.comite, jour=jour_de(seance))
            votes = votes.filter(exprime_par=moi) if moi else votes.none()
        return Response(
            VoteSortieSerializer(votes.order_by("point__ordre", "membre"), many=True).data
        )


class PropositionSortieSerializer(serializers.Serializer):
    issue = serializers.CharField(help_text="reduite ou refusee.")
    montant = serializers.DecimalField(
        **MONTANT, help_text="Montant proposé (0,00 si refusée), en euros."
    )
    motif = serializers.CharField(help_text="Motif, qui figurera au procès-verbal.")
    par = serializers.CharField(source="par.username", help_text="Qui l'a enregistrée.")
    le = serializers.DateTimeField(help_text="Quand (RFC 3339).")


class LigneArbitreeSortieSerializer(serializers.Serializer):
    ligne = serializers.IntegerField(source="ligne.pk", help_text="Identifiant de la ligne.")
    signataire = serializers.CharField(
        source="ligne.signataire.code", help_text="Code du signataire de la ligne."
    )
    montant_demande = serializers.DecimalField(
        source="ligne.montant", **MONTANT, help_text="Montant demandé, en euros."
    )
    proposition = PropositionSortieSerializer(
        source="arbitrage",
        allow_null=True,
        help_text="La proposition du cofinanceur ; vide : la ligne sera programmée au montant "
        "demandé si le comité retient le dossier.",
    )
    peut_proposer = serializers.BooleanField(
        help_text="L'appelant peut-il proposer sur cette ligne maintenant."
    )


class ArbitrageEntreeSerializer(serializers.Serializer):
    issue = serializers.ChoiceField(
        choices=IssueLigne.choices,
        help_text="programmee (retire la proposition), reduite (avec montant) ou refusee.",
    )
    montant = MontantSerializerField(
        **MONTANT,
        required=False,
        allow_null=True,
        help_text="Le montant retenu, si la ligne est réduite.",
    )
    motif = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Obligatoire pour une ligne réduite ou refusée ; figurera au procès-verbal.",
    )


def _point_et_lignes(request, pk, point_pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    point = get_object_or_404(seance.points.select_related("projet", "seance"), pk=point_pk)
    projet = projet_pour(utilisateur=request.user, reference=point.projet.reference)
    return point, list(projet.lignes_financement.select_related("signataire"))


_POINT = OpenApiParameter(
    "point_pk", int, OpenApiParameter.PATH, description="Identifiant du point."
)


class ArbitrageListApi(APIView):
    @extend_schema(
        summary="Les lignes CPER d'un point et la proposition de chaque cofinanceur",
        responses=LigneArbitreeSortieSerializer(many=True),
        parameters=[_POINT],
        tags=["Gouvernance"],
    )
    def get(self, request, pk, point_pk):
        point, lignes = _point_et_lignes(request, pk, point_pk)
        return Response(
            LigneArbitreeSortieSerializer(
                lignes_arbitrees(point=point, utilisateur=request.user, lignes=lignes), many=True
            ).data
        )


class ArbitrageApi(APIView):
    @extend_schema(
        summary="Proposer au comité la décision sur sa ligne",
        description="Le cofinanceur de la ligne (ou le secrétariat pour son compte) propose : "
        "programmée au montant demandé, réduite à un montant, ou refusée, avec un motif. À la "
        "clôture, si le comité retient le dossier, chaque ligne est programmée comme proposé. "
        "403 pour un autre signataire ; 409 si la séance est close ou si le comité ne "
        "programme pas ; 400 avec le champ en erreur.",
        request=ArbitrageEntreeSerializer,
        responses=LigneArbitreeSortieSerializer,
        parameters=[
            _POINT,
            OpenApiParameter(
                "ligne_pk", int, OpenApiParameter.PATH, description="Identifiant de la ligne."
            ),
        ],
        tags=["Gouvernance"],
    )
    def put(self, request, pk, point_pk, ligne_pk):
        point, lignes = _point_et_lignes(request, pk, point_pk)
        ligne = next((lf for lf in lignes if lf.pk == ligne_pk), None)
        if ligne is None:
            raise NotFound("Cette ligne n'appartient pas au plan de ce dossier.")
        entree = ArbitrageEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        d = entree.validated_data
        services.arbitrage_enregistrer(
            point=point,
            ligne=ligne,
            issue=d["issue"],
            montant=d.get("montant"),
            motif=d.get("motif", ""),
            par=request.user,
        )
        (arbitree,) = lignes_arbitrees(point=point, utilisateur=request.user, lignes=[ligne])
        return Response(LigneArbitreeSortieSerializer(arbitree).data)


class RangEntreeSerializer(serializers.Serializer):
    rang = serializers.IntegerField(min_value=1, help_text="Le nouveau rang (1 : le premier).")


class PointApi(APIView):
    def _point(self, request, pk, point_pk):
        seance = seance_pour(utilisateur=request.user, pk=pk)
        return get_object_or_404(seance.points.select_related("seance", "projet"), pk=point_pk)

    @extend_schema(
        summary="Retirer un dossier de l'ordre du jour",
        description="Tant que la séance est planifiée, par son secrétariat : le dossier "
        "redevient « instruit », les points suivants remontent. 403 pour un autre ; 409 une "
        "fois la séance ouverte.",
        parameters=[_POINT],
        responses={204: None},
        tags=["Gouvernance"],
    )
    def delete(self, request, pk, point_pk):
        services.seance_retirer_point(point=self._point(request, pk, point_pk), par=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PointRangApi(PointApi):
    @extend_schema(
        summary="Changer le rang d'un dossier à l'ordre du jour",
        description="Tant que la séance est planifiée, par son secrétariat ; les autres "
        "points gardent leur ordre relatif. Répond l'ordre du jour dans son nouvel ordre.",
        request=RangEntreeSerializer,
        responses=PointSortieSerializer(many=True),
        parameters=[_POINT],
        tags=["Gouvernance"],
    )
    def post(self, request, pk, point_pk):
        point = self._point(request, pk, point_pk)
        entree = RangEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        points = services.seance_deplacer_point(
            point=point, rang=entree.validated_data["rang"], par=request.user
        )
        return Response(PointSortieSerializer(points, many=True).data)


class DecisionListApi(APIView):
    @extend_schema(
        summary="Décisions d'une séance",
        responses=DecisionSortieSerializer(many=True),
        tags=["Gouvernance"],
    )
    def get(self, request, pk):
        seance = seance_pour(utilisateur=request.user, pk=pk)
        decisions = [p.decision for p in points_de_seance(seance=seance) if hasattr(p, "decision")]
        return Response(DecisionSortieSerializer(decisions, many=True).data)


class ProcesVerbalApi(APIView):
    @extend_schema(
        summary="Procès-verbal d'une séance close",
        description="Présences, quorum, chaque point avec ses votes et sa décision. 409 tant que "
        "la séance n'est pas close.",
        responses=ProcesVerbalSerializer,
        tags=["Gouvernance"],
    )
    def get(self, request, pk):
        seance = seance_pour(utilisateur=request.user, pk=pk)
        if not est_close(seance):
            raise EtatIncompatible("Le procès-verbal est établi à la clôture de la séance.")
        corps = SeanceDetailSerializer(seance).data
        votes = Vote.objects.filter(point__seance=seance).select_related(
            "membre__utilisateur", "exprime_par__utilisateur"
        )
        corps["votes"] = VoteSortieSerializer(
            votes.order_by("point__ordre", "membre"), many=True
        ).data
        return Response(corps)


class GrilleApi(APIView):
    @extend_schema(
        summary="Grille d'analyse en vigueur",
        description="Ses critères avec leur note maximale et leur poids. 404 quand aucune "
        "grille n'est en vigueur.",
        responses=GrilleSortieSerializer,
        tags=["Gouvernance"],
    )
    def get(self, request):
        _exiger(request)
        grille = grille_active()
        if grille is None:
            raise NotFound("Aucune grille d'analyse n'est en vigueur.")
        return Response(GrilleSortieSerializer(grille).data)


class EvaluationApi(APIView):
    @extend_schema(
        summary="Instruction d'un dossier par ses cofinanceurs",
        description=(
            "Score consolidé (moyenne des cofinanceurs, en %), grille et avis de chaque "
            "cofinanceur sur sa ligne, cofinanceurs dont la grille manque et règle en vigueur."
        ),
        responses=ResultatsGrilleSerializer,
        tags=["Gouvernance"],
    )
    def get(self, request, reference):
        _exiger(request)
        projet = projet_pour(utilisateur=request.user, reference=reference)
        return Response(ResultatsGrilleSerializer(resultats_grille(projet=projet)).data)

    @extend_schema(
        summary="Remplir ou déposer la grille de son signataire cofinanceur (agents, secrétariat)",
        request=EvaluationEntreeSerializer,
        responses=ResultatsGrilleSerializer,
        tags=["Gouvernance"],
    )
    def post(self, request, reference):
        projet = projet_pour(utilisateur=request.user, reference=reference)
        if not peut_instruire(request.user):
            raise ActionNonAutorisee("Seuls les agents des signataires instruisent les dossiers.")
        entree = EvaluationEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        d = entree.validated_data
        notes = [
            services.NoteSaisie(n["critere"], n["note"], n.get("commentaire", ""))
            for n in d["notes"]
        ]
        service = services.evaluation_deposer if d["deposer"] else services.evaluation_enregistrer
        service(
            projet=projet,
            par=request.user,
            notes=notes,
            avis=d.get("avis", ""),
            commentaire=d.get("commentaire", ""),
            signataire=d.get("signataire"),
        )
        return self.get(request, reference)
