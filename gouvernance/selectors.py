"""Reads of governance: committees, sessions, tallies, minutes and grid results."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from axes.models import Noeud, Signataire
from comptes.models import Utilisateur
from gouvernance.models import (
    ROLES_VOTANTS,
    ArbitrageLigne,
    ChoixVote,
    Comite,
    Critere,
    Decision,
    DecisionLigne,
    EtatSeance,
    Evaluation,
    GrilleAnalyse,
    Membre,
    MembreQuerySet,
    NoteCritere,
    PointOrdreDuJour,
    Presence,
    Recusation,
    Resultat,
    RoleMembre,
    Seance,
    StatutPresence,
    Vote,
)
from gouvernance.permissions import refus_d_arbitrage, voit_la_gouvernance
from gouvernance.regles import quorum_atteint, quorum_requis
from projets.models import LignePlanFinancement, NatureFinancement, Projet, Statut, TransitionProjet
from projets.workflow import Action
from socle.francais import liste_de


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
        ).prefetch_related(
            "recusations__membre__utilisateur",
            "recusations__membre__organisation",
            "decision__lignes__signataire",
        )
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
class InstructionCofinanceur:
    """One CPER co-funder of a dossier: its lines' amount and its filed grid, if any."""

    signataire: Signataire
    montant: Decimal  # its CPER lines in the plan
    deposee: bool = False  # its grid is filed
    vue: VueEvaluation | None = None  # its filed evaluation, when the marks were read


@dataclass
class EtatInstruction:
    """Where the instruction by the co-funders stands — the one rule every edge asks: the
    dossier is « instruit » once every CPER co-funder named in the plan has filed its grid
    (`GOUVERNANCE_INSTRUCTION_TOUS_COFINANCEURS`, on by default), or at least one of them."""

    cofinanceurs: list[InstructionCofinanceur]
    tous_requis: bool

    @property
    def manquants(self) -> list[Signataire]:
        return [c.signataire for c in self.cofinanceurs if not c.deposee]

    @property
    def deposees(self) -> int:
        return sum(1 for c in self.cofinanceurs if c.deposee)

    @property
    def complete(self) -> bool:
        if not self.cofinanceurs:
            return False
        return not self.manquants if self.tous_requis else self.deposees > 0

    @property
    def regle(self) -> str:
        """The rule in force, in French, for the pages."""
        if self.tous_requis:
            return (
                "le dossier est « instruit » quand chaque cofinanceur CPER nommé dans son plan de "
                "financement a déposé sa grille d'analyse"
            )
        return (
            "le dossier est « instruit » dès qu'un de ses cofinanceurs CPER a déposé sa grille "
            "d'analyse"
        )

    @property
    def motif(self) -> str:
        """Why the dossier is not « instruit » yet (a French sentence), "" when it may be."""
        if self.complete:
            return ""
        if not self.cofinanceurs:
            return (
                "Aucune grille d'analyse déposée pour ce dossier : son plan de financement ne "
                "nomme aucun cofinanceur CPER, qui seul peut l'instruire."
            )
        noms = liste_fr([s.nom for s in self.manquants])
        if not self.deposees:
            debut = "Aucune grille d'analyse déposée pour ce dossier"
        else:
            debut = "L'instruction de ce dossier n'est pas terminée"
        if self.tous_requis:
            return (
                f"{debut} : il manque la grille {liste_de([s.nom for s in self.manquants])} ; "
                "chaque cofinanceur CPER dépose la sienne (réglage fixé par le secrétariat)."
            )
        return (
            f"{debut} : l'un de ses cofinanceurs CPER ({noms}) doit déposer sa grille "
            "(réglage fixé par le secrétariat)."
        )


def liste_fr(noms: list[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    if len(noms) <= 1:
        return "".join(noms)
    return f"{', '.join(noms[:-1])} et {noms[-1]}"


@dataclass
class ResultatsGrille:
    evaluations: list[VueEvaluation] = field(default_factory=list)
    score_consolide: Decimal | None = None
    moyennes: list[tuple[Critere, Decimal]] = field(default_factory=list)
    avis: dict[str, int] = field(default_factory=dict)
    instruction: EtatInstruction | None = None


def score_pondere(notes: list[NoteCritere]) -> Decimal:
    """Σ note × poids / Σ échelle × poids, in % (one decimal)."""
    maximum = sum((n.critere.echelle_max * n.critere.poids for n in notes), Decimal(0))
    if not maximum:
        return Decimal(0)
    obtenu = sum((n.note * n.critere.poids for n in notes), Decimal(0))
    return _arrondi(obtenu * 100 / maximum)


def _evaluations_deposees(projet: Projet) -> list[Evaluation]:
    return list(
        projet.evaluations.filter(deposee_le__isnull=False)
        .select_related("instructeur", "instructeur__organisation", "grille", "signataire")
        .prefetch_related(Prefetch("notes", queryset=NoteCritere.objects.select_related("critere")))
        .order_by("signataire__ordre", "deposee_le", "pk")
    )


def _vue(evaluation: Evaluation) -> VueEvaluation:
    notes = sorted(evaluation.notes.all(), key=lambda n: n.critere.ordre)
    return VueEvaluation(evaluation, notes, score_pondere(notes))


def _etats_instruction(
    projet_ids: list[int], vues: dict[tuple[int, int], VueEvaluation] | None = None
) -> dict[int, EtatInstruction]:
    """The instruction of several dossiers in two queries: their co-funders (the signatories
    of their CPER lines) and which of them filed a grid (any version of the grid)."""
    montants: dict[int, dict[Signataire, Decimal]] = {pk: {} for pk in projet_ids}
    lignes = (
        LignePlanFinancement.objects.filter(projet_id__in=projet_ids, nature=NatureFinancement.CPER)
        .select_related("signataire")
        .order_by("signataire__ordre", "pk")
    )
    for ligne in lignes:
        if ligne.signataire is not None:
            par_signataire = montants[ligne.projet_id]
            par_signataire[ligne.signataire] = (
                par_signataire.get(ligne.signataire, Decimal(0)) + ligne.montant
            )
    deposees = set(
        Evaluation.objects.filter(projet_id__in=projet_ids, deposee_le__isnull=False).values_list(
            "projet_id", "signataire_id"
        )
    )
    vues = vues or {}
    return {
        pk: EtatInstruction(
            cofinanceurs=[
                InstructionCofinanceur(s, montant, (pk, s.pk) in deposees, vues.get((pk, s.pk)))
                for s, montant in montants[pk].items()
            ],
            tous_requis=settings.GOUVERNANCE_INSTRUCTION_TOUS_COFINANCEURS,
        )
        for pk in projet_ids
    }


def _etat_instruction(projet: Projet, vues: list[VueEvaluation]) -> EtatInstruction:
    par_cofinanceur = {(projet.pk, v.evaluation.signataire_id): v for v in vues}
    return _etats_instruction([projet.pk], par_cofinanceur)[projet.pk]


def etats_instruction(*, lignes: Iterable[Mapping[str, Any]]) -> dict[int, EtatInstruction]:
    """Where the instruction of each dossier « en instruction » of a list stands (the list of
    dossiers shows who is still missing); `lignes`: the list's rows, each with the dossier's
    `pk` and `statut` (`projets.selectors.lignes_de_la_liste`)."""
    return _etats_instruction(
        [ligne["pk"] for ligne in lignes if ligne["statut"] == Statut.EN_INSTRUCTION]
    )


def etat_instruction(*, projet: Projet) -> EtatInstruction:
    """Which co-funders have filed their grid, which are missing, and whether that suffices."""
    return _etats_instruction([projet.pk])[projet.pk]


def motif_instruction_incomplete(projet: Projet) -> str:
    """The rule as `projets` asks it (registered at start-up): "" when the dossier may be
    « instruit », else why not, naming the missing co-funders."""
    return etat_instruction(projet=projet).motif


def resultats_grille(*, projet: Projet) -> ResultatsGrille:
    """Each filed evaluation (one per co-funder) with its score and opinion, the consolidated
    score (mean of the co-funders' scores), the mean mark per criterion and where the
    instruction by the co-funders stands."""
    vues = [_vue(e) for e in _evaluations_deposees(projet)]
    instruction = _etat_instruction(projet, vues)
    if not vues:
        return ResultatsGrille(instruction=instruction)
    par_critere: dict[int, list[int]] = {}
    criteres: dict[int, Critere] = {}
    avis: dict[str, int] = {}
    for vue in vues:
        for note in vue.notes:
            par_critere.setdefault(note.critere_id, []).append(note.note)
            criteres[note.critere_id] = note.critere
        libelle = vue.evaluation.get_avis_display()
        avis[libelle] = avis.get(libelle, 0) + 1
    consolide = _arrondi(sum((v.score for v in vues), Decimal(0)) / len(vues))
    moyennes = [
        (criteres[pk], _arrondi(Decimal(sum(valeurs)) / len(valeurs)))
        for pk, valeurs in sorted(par_critere.items(), key=lambda e: criteres[e[0]].ordre)
    ]
    return ResultatsGrille(vues, consolide, moyennes, avis, instruction)


@dataclass
class GrilleEnRetard:
    """A co-funder's grid still missing on a dossier under instruction for too long."""

    projet: Projet
    signataire: Signataire
    instruction_depuis: datetime
    jours: int
    montant: Decimal  # the co-funder's CPER lines on the dossier


def grilles_en_retard(
    *, signataire: Signataire | None = None, maintenant: datetime | None = None
) -> list[GrilleEnRetard]:
    """Co-funders (one signatory, or all) whose grid is missing on a dossier « en instruction »
    for more than `GOUVERNANCE_INSTRUCTION_DELAI_JOURS` days since its instruction began."""
    maintenant = maintenant or timezone.now()
    limite = maintenant - timedelta(days=settings.GOUVERNANCE_INSTRUCTION_DELAI_JOURS)
    instructions = TransitionProjet.objects.filter(action=Action.INSTRUIRE)
    # The last time the dossier's instruction began (a partial index on the transitions).
    debut = instructions.filter(projet_id=OuterRef("projet_id")).order_by("-le").values("le")[:1]
    lignes = (
        LignePlanFinancement.objects.filter(
            nature=NatureFinancement.CPER,
            projet__statut=Statut.EN_INSTRUCTION,
            # Necessary (the last start is before the limit only if one is): read once, so that
            # the last start is looked up only for the dossiers instructed long enough ago.
            projet_id__in=instructions.filter(le__lt=limite).values("projet_id"),
        )
        .annotate(debut=Subquery(debut))
        .filter(debut__lt=limite)
        .exclude(
            Exists(
                Evaluation.objects.filter(
                    projet_id=OuterRef("projet_id"),
                    signataire_id=OuterRef("signataire_id"),
                    deposee_le__isnull=False,
                )
            )
        )
        .select_related("projet", "signataire")
        .order_by("debut", "projet__reference", "signataire__ordre")
    )
    if signataire is not None:
        lignes = lignes.filter(signataire=signataire)
    retards: dict[tuple[int, int], GrilleEnRetard] = {}
    for ligne in lignes:
        if ligne.signataire is None:  # a CPER line names its signatory (a CHECK says so)
            continue
        cle = (ligne.projet_id, ligne.signataire.pk)
        if cle in retards:
            retards[cle].montant += ligne.montant
            continue
        retards[cle] = GrilleEnRetard(
            ligne.projet,
            ligne.signataire,
            ligne.debut,
            (maintenant - ligne.debut).days,
            ligne.montant,
        )
    return list(retards.values())


def contexte_proces_verbal(*, seance: Seance) -> dict[str, Any]:
    """Everything the minutes show: attendance, quorum, each item with its votes and decision."""
    points = points_de_seance(seance=seance)
    votes: dict[int, list[Vote]] = {}
    for vote in Vote.objects.filter(point__seance=seance).select_related(
        "membre__utilisateur", "membre__organisation", "exprime_par__utilisateur"
    ):
        votes.setdefault(vote.point_id, []).append(vote)
    lignes: dict[int, list[DecisionLigne]] = {}
    for ligne in DecisionLigne.objects.filter(decision__point__seance=seance).select_related(
        "signataire", "decision"
    ):
        lignes.setdefault(ligne.decision.point_id, []).append(ligne)
    for p in points:
        p.lignes_decidees = lignes.get(p.pk, [])  # type: ignore[attr-defined]
    presences = presences_de_seance(seance=seance)
    membres = list(membres_de_seance(seance=seance))
    ordre_signature = {
        RoleMembre.PRESIDENT: 0,
        RoleMembre.CO_PRESIDENT: 1,
        RoleMembre.SECRETARIAT: 2,
    }
    return {
        "seance": seance,
        "quorum": etat_quorum(seance=seance),
        "membres": [(m, presences.get(m.pk)) for m in membres],
        "points": [(p, votes.get(p.pk, [])) for p in points],
        # Who signs the minutes: the president(s) and the secretariat in office that day.
        "signataires_pv": sorted(
            (m for m in membres if m.role in ordre_signature),
            key=lambda m: (ordre_signature[m.role], m.nom),
        ),
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


@dataclass
class LigneArbitree:
    """One CPER line of a dossier on an agenda, as the point's page shows it: the co-funder's
    proposal (before the close), the committee's decision on it (after), and whether the
    reader may propose on it now."""

    ligne: LignePlanFinancement
    arbitrage: ArbitrageLigne | None
    peut_proposer: bool


def lignes_arbitrees(
    *, point: PointOrdreDuJour, utilisateur: Utilisateur, lignes: list[LignePlanFinancement]
) -> list[LigneArbitree]:
    """The CPER lines of the point's dossier with their proposals, in the plan's order."""
    arbitrages = {a.ligne_id: a for a in point.arbitrages.select_related("par")}
    seance = point.seance
    return [
        LigneArbitree(
            ligne=ligne,
            arbitrage=arbitrages.get(ligne.pk),
            peut_proposer=refus_d_arbitrage(utilisateur, seance, point.projet, ligne) is None,
        )
        for ligne in lignes
        if ligne.nature == NatureFinancement.CPER
    ]


def decisions_par_ligne(*, decision: Decision) -> list[DecisionLigne]:
    """The committee's decision on each co-funder's line, in the signatories' order."""
    return list(decision.lignes.select_related("signataire"))


def refus_de_programmation(*, projets: list[Projet]) -> dict[int, str]:
    """Dossier pk → why the ledger refused to programme what the committee retained (the last
    such decision), for retained dossiers still waiting; one query."""
    motifs: dict[int, str] = {}
    for projet_id, motif in (
        Decision.objects.filter(
            point__projet__in=projets, resultat=Resultat.RETENU, programme=False
        )
        .exclude(motif_non_programmation="")
        .order_by("decidee_le")
        .values_list("point__projet_id", "motif_non_programmation")
    ):
        motifs[projet_id] = motif
    return motifs
