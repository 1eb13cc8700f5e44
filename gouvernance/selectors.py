"""Reads of governance: committees, sessions, tallies, minutes and grid results."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from axes.models import Noeud
from comptes.models import Utilisateur
from gouvernance.models import (
    ROLES_VOTANTS,
    ChoixVote,
    Comite,
    Critere,
    EtatSeance,
    Evaluation,
    GrilleAnalyse,
    Membre,
    MembreQuerySet,
    NoteCritere,
    PointOrdreDuJour,
    Presence,
    Recusation,
    Seance,
    StatutPresence,
    Vote,
)
from gouvernance.permissions import voit_la_gouvernance
from gouvernance.regles import quorum_atteint, quorum_requis
from projets.models import Projet, Statut


def comites_liste() -> QuerySet[Comite]:
    return Comite.objects.prefetch_related("mesures", "pilotes").annotate(
        nombre_membres=Count("membres", filter=Q(membres__fin__isnull=True), distinct=True)
    )


def comite_pour(*, utilisateur: Utilisateur, code: str) -> Comite:
    if not voit_la_gouvernance(utilisateur):
        raise Http404
    return get_object_or_404(Comite.objects.prefetch_related("mesures", "pilotes"), code=code)


def membres_du_comite(*, comite: Comite) -> QuerySet[Membre]:
    return comite.membres.select_related("utilisateur", "organisation").order_by(
        "role", "utilisateur__last_name", "utilisateur__username"
    )


def membre_actif(
    *, utilisateur: Utilisateur, comite: Comite, jour: date | None = None
) -> Membre | None:
    """The person's membership of the committee in force on `jour` (today by default)."""
    if not utilisateur.is_authenticated:
        return None
    jour = jour or timezone.localdate()
    return (
        Membre.objects.actifs_le(jour)
        .filter(comite=comite, utilisateur=utilisateur)
        .select_related("organisation", "utilisateur")
        .first()
    )


def jour_de(seance: Seance) -> date:
    return timezone.localtime(seance.date).date()


def siege_a_la_seance(*, seance: Seance, membre: Membre) -> bool:
    """Whether the member is in office on the session's day (and of its committee)."""
    return membres_de_seance(seance=seance).filter(pk=membre.pk).exists()


def membres_de_seance(*, seance: Seance) -> MembreQuerySet:
    """Members in office on the session's day."""
    return (
        Membre.objects.actifs_le(jour_de(seance))
        .filter(comite_id=seance.comite_id)
        .select_related("utilisateur", "organisation")
        .order_by("role", "utilisateur__last_name", "utilisateur__username")
    )


def projets_couverts(*, comite: Comite) -> Q:
    """A committee covers each of its nodes and everything below (`V.2` ⊃ `V.2.1.a`)."""
    condition = Q(pk__in=[])
    for noeud in comite.mesures.all():
        condition |= Noeud.q_sous(noeud, prefixe="mesure")
    return condition


def comite_couvre(*, comite: Comite, projet: Projet) -> bool:
    return Projet.objects.filter(projets_couverts(comite=comite), pk=projet.pk).exists()


def projets_inscriptibles(*, seance: Seance) -> QuerySet[Projet]:
    """Instructed (or adjourned) dossiers within the committee's measures."""
    return (
        Projet.objects.filter(projets_couverts(comite=seance.comite))
        .filter(statut__in=[Statut.INSTRUIT, Statut.AJOURNE])
        .select_related("mesure", "maitre_ouvrage")
        .order_by("reference")
    )


def seances_visibles(*, utilisateur: Utilisateur) -> QuerySet[Seance]:
    if not voit_la_gouvernance(utilisateur):
        return Seance.objects.none()
    return Seance.objects.select_related("comite").annotate(nombre_points=Count("points"))


def seance_pour(*, utilisateur: Utilisateur, pk: int) -> Seance:
    """The session if the person may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(seances_visibles(utilisateur=utilisateur), pk=pk)


def points_de_seance(*, seance: Seance) -> list[PointOrdreDuJour]:
    return list(
        seance.points.select_related(
            "projet", "projet__mesure", "projet__maitre_ouvrage", "decision"
        ).prefetch_related("recusations__membre__utilisateur")
    )


def presences_de_seance(*, seance: Seance) -> dict[int, Presence]:
    return {
        p.membre_id: p
        for p in seance.presences.select_related("mandataire__utilisateur", "membre__utilisateur")
    }


@dataclass
class EtatQuorum:
    votants: int
    presents: int
    requis: int
    atteint: bool
    regle: str


def etat_quorum(*, seance: Seance) -> EtatQuorum:
    """Voting members in office, those present or represented (a proxy counts as present)."""
    if seance.votants_presents is not None:
        votants, presents = seance.votants_attendus or 0, seance.votants_presents
    else:
        votants_qs = membres_de_seance(seance=seance).votants()
        votants = votants_qs.count()
        presents = seance.presences.filter(
            membre__in=votants_qs,
            statut__in=[StatutPresence.PRESENT, StatutPresence.REPRESENTE],
        ).count()
    regle = seance.comite.regle_quorum
    return EtatQuorum(
        votants=votants,
        presents=presents,
        requis=quorum_requis(regle, votants),
        atteint=quorum_atteint(regle, votants, presents),
        regle=seance.comite.get_regle_quorum_display(),
    )


@dataclass
class Decompte:
    point: PointOrdreDuJour
    pour: int = 0
    contre: int = 0
    abstention: int = 0
    # Voting members present or represented, not recused, who have not voted on the item yet.
    en_attente: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.pour + self.contre + self.abstention


def decompte(*, seance: Seance) -> list[Decompte]:
    """Votes per item, counted in the database (the live tally of the secretariat)."""
    points = points_de_seance(seance=seance)
    comptes = {
        ligne["pk"]: ligne
        for ligne in seance.points.order_by()
        .values("pk")
        .annotate(
            pour=Count("votes", filter=Q(votes__choix=ChoixVote.POUR)),
            contre=Count("votes", filter=Q(votes__choix=ChoixVote.CONTRE)),
            abstention=Count("votes", filter=Q(votes__choix=ChoixVote.ABSTENTION)),
        )
    }
    attendus = _votants_attendus(seance)
    ont_vote = _ont_vote(seance)
    recuses = _recuses(seance)
    return [
        Decompte(
            point=p,
            pour=comptes.get(p.pk, {}).get("pour", 0),
            contre=comptes.get(p.pk, {}).get("contre", 0),
            abstention=comptes.get(p.pk, {}).get("abstention", 0),
            en_attente=[
                nom
                for pk, nom in attendus.items()
                if pk not in ont_vote.get(p.pk, set()) and pk not in recuses.get(p.pk, set())
            ],
        )
        for p in points
    ]


def nom_de_membre(membre: Membre) -> str:
    """A member as the minutes and the tally name them: person and organisation, not a log-in."""
    personne = membre.utilisateur.get_full_name() or membre.utilisateur.username
    return f"{personne} ({membre.organisation})"


def _votants_attendus(seance: Seance) -> dict[int, str]:
    """Voting members in office who are present or represented, by name."""
    presents = set(
        seance.presences.filter(
            statut__in=[StatutPresence.PRESENT, StatutPresence.REPRESENTE]
        ).values_list("membre_id", flat=True)
    )
    return {
        m.pk: nom_de_membre(m)
        for m in membres_de_seance(seance=seance).votants()
        if m.pk in presents
    }


def _ont_vote(seance: Seance) -> dict[int, set[int]]:
    votes: dict[int, set[int]] = {}
    for point_id, membre_id in Vote.objects.filter(point__seance=seance).values_list(
        "point_id", "membre_id"
    ):
        votes.setdefault(point_id, set()).add(membre_id)
    return votes


def _recuses(seance: Seance) -> dict[int, set[int]]:
    recuses: dict[int, set[int]] = {}
    for point_id, membre_id in Recusation.objects.filter(point__seance=seance).values_list(
        "point_id", "membre_id"
    ):
        recuses.setdefault(point_id, set()).add(membre_id)
    return recuses


# --- Analysis grid --------------------------------------------------------------------------
def grille_active() -> GrilleAnalyse | None:
    return GrilleAnalyse.objects.filter(active=True).prefetch_related("criteres").first()


def _arrondi(valeur: Decimal) -> Decimal:
    return valeur.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class VueEvaluation:
    evaluation: Evaluation
    notes: list[NoteCritere]
    score: Decimal  # in % of the maximum weighted score


@dataclass
class ResultatsGrille:
    evaluations: list[VueEvaluation] = field(default_factory=list)
    score_consolide: Decimal | None = None
    moyennes: list[tuple[Critere, Decimal]] = field(default_factory=list)
    avis: dict[str, int] = field(default_factory=dict)


def score_pondere(notes: list[NoteCritere]) -> Decimal:
    """Σ note × poids / Σ échelle × poids, in % (one decimal)."""
    maximum = sum((n.critere.echelle_max * n.critere.poids for n in notes), Decimal(0))
    if not maximum:
        return Decimal(0)
    obtenu = sum((n.note * n.critere.poids for n in notes), Decimal(0))
    return _arrondi(obtenu * 100 / maximum)


def resultats_grille(*, projet: Projet) -> ResultatsGrille:
    """Each filed evaluation with its score, the consolidated score (mean of the instructors'
    scores) and the mean mark per criterion."""
    evaluations = list(
        projet.evaluations.filter(deposee_le__isnull=False)
        .select_related("instructeur", "instructeur__organisation", "grille")
        .prefetch_related(Prefetch("notes", queryset=NoteCritere.objects.select_related("critere")))
    )
    if not evaluations:
        return ResultatsGrille()
    vues = []
    par_critere: dict[int, list[int]] = {}
    criteres: dict[int, Critere] = {}
    avis: dict[str, int] = {}
    for evaluation in evaluations:
        notes = sorted(evaluation.notes.all(), key=lambda n: n.critere.ordre)
        vues.append(VueEvaluation(evaluation, notes, score_pondere(notes)))
        for note in notes:
            par_critere.setdefault(note.critere_id, []).append(note.note)
            criteres[note.critere_id] = note.critere
        libelle = evaluation.get_avis_display()
        avis[libelle] = avis.get(libelle, 0) + 1
    consolide = _arrondi(sum((v.score for v in vues), Decimal(0)) / len(vues))
    moyennes = [
        (criteres[pk], _arrondi(Decimal(sum(valeurs)) / len(valeurs)))
        for pk, valeurs in sorted(par_critere.items(), key=lambda e: criteres[e[0]].ordre)
    ]
    return ResultatsGrille(vues, consolide, moyennes, avis)


def contexte_proces_verbal(*, seance: Seance) -> dict[str, Any]:
    """Everything the minutes show: attendance, quorum, each item with its votes and decision."""
    points = points_de_seance(seance=seance)
    votes: dict[int, list[Vote]] = {}
    for vote in Vote.objects.filter(point__seance=seance).select_related(
        "membre__utilisateur", "membre__organisation", "exprime_par__utilisateur"
    ):
        votes.setdefault(vote.point_id, []).append(vote)
    presences = presences_de_seance(seance=seance)
    return {
        "seance": seance,
        "quorum": etat_quorum(seance=seance),
        "membres": [(m, presences.get(m.pk)) for m in membres_de_seance(seance=seance)],
        "points": [(p, votes.get(p.pk, [])) for p in points],
    }


# --- What waits for a committee member or the secretariat (the dashboard) -------------------
def seances_a_venir_du_membre(*, utilisateur: Utilisateur) -> QuerySet[Seance]:
    """Planned or open sessions of the committees where the person holds a mandate today."""
    aujourd_hui = timezone.localdate()
    mandats = Membre.objects.filter(utilisateur=utilisateur, debut__lte=aujourd_hui).exclude(
        fin__lt=aujourd_hui
    )
    return (
        Seance.objects.filter(
            comite__in=mandats.values("comite"),
            etat__in=[EtatSeance.PLANIFIEE, EtatSeance.OUVERTE],
        )
        .select_related("comite")
        .order_by("date")
    )


def votes_dus(*, utilisateur: Utilisateur) -> QuerySet[PointOrdreDuJour]:
    """Points of open sessions where the person holds a voting mandate today and has not voted."""
    aujourd_hui = timezone.localdate()
    votants = Membre.objects.filter(
        utilisateur=utilisateur, debut__lte=aujourd_hui, role__in=ROLES_VOTANTS
    ).exclude(fin__lt=aujourd_hui)
    return (
        PointOrdreDuJour.objects.filter(
            seance__etat=EtatSeance.OUVERTE, seance__comite__in=votants.values("comite")
        )
        .exclude(Exists(Vote.objects.filter(point=OuterRef("pk"), membre__utilisateur=utilisateur)))
        .select_related("seance__comite", "projet")
        .order_by("seance__date", "ordre")
    )


def seances_en_retard(*, maintenant: datetime) -> QuerySet[Seance]:
    """Sessions whose date has passed but that are still planned or open."""
    return Seance.objects.filter(
        date__lt=maintenant, etat__in=[EtatSeance.PLANIFIEE, EtatSeance.OUVERTE]
    ).select_related("comite")
