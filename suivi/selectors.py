"""Reads of the execution follow-up: each signatory's forecast by budget year."""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from axes.models import Contrat, Noeud, Signataire
from axes.selectors import contrat_courant
from comptes.models import Role, Utilisateur
from financement.models import STATUTS_EXECUTABLES, CreditsOuverts, LigneProgrammee
from financement.selectors import lignes_sans_engagement
from projets.workflow import AVEC_SUIVI_FINANCIER
from socle.exceptions import ActionNonAutorisee
from socle.montants import format_euros, taux
from suivi.models import ContributionIndicateur, Echeance, Indicateur
from suivi.permissions import peut_voir_prevision

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PrevisionAnnee:
    annee: int
    besoin_ae: Decimal
    besoin_cp: Decimal
    credits_ouverts: Decimal | None  # None: no credits opened that year (« sous réserve »)

    @property
    def ecart(self) -> Decimal | None:
        """Opened credits minus the commitments needed (negative: credits are short)."""
        if self.credits_ouverts is None:
            return None
        return self.credits_ouverts - self.besoin_ae


def previsions_des_signataires(
    signataires: list[Signataire],
) -> dict[int, list[PrevisionAnnee]]:
    """`prevision_du_signataire` of each of these signatories, by primary key. Two queries."""
    cles = [s.pk for s in signataires]
    besoins: dict[int, dict[int, tuple[Decimal, Decimal]]] = {pk: {} for pk in cles}
    for r in (
        Echeance.objects.filter(ligne__signataire_id__in=cles)
        .order_by()
        .values("ligne__signataire_id", "annee")
        .annotate(ae=Sum("montant_ae"), cp=Sum("montant_cp"))
    ):
        besoins[r["ligne__signataire_id"]][r["annee"]] = (r["ae"], r["cp"])
    credits: dict[int, dict[int, Decimal]] = {pk: {} for pk in cles}
    for signataire_id, annee, montant in CreditsOuverts.objects.filter(
        signataire_id__in=cles
    ).values_list("signataire_id", "annee", "montant"):
        credits[signataire_id][annee] = montant
    return {
        pk: [
            PrevisionAnnee(
                annee=annee,
                besoin_ae=besoins[pk].get(annee, (ZERO, ZERO))[0],
                besoin_cp=besoins[pk].get(annee, (ZERO, ZERO))[1],
                credits_ouverts=credits[pk].get(annee),
            )
            for annee in sorted(set(besoins[pk]) | set(credits[pk]))
        ]
        for pk in cles
    }


def prevision_du_signataire(*, signataire: Signataire) -> list[PrevisionAnnee]:
    """Per budget year, what the signatory must commit (AE) and pay (CP) according to its
    programmed lines' schedules, against the credits it opened (Article 2: the commitments
    are « subordonnés à l'ouverture des moyens financiers nécessaires »). Two queries."""
    return previsions_des_signataires([signataire])[signataire.pk]


def signataires_de(*, utilisateur: Utilisateur | AnonymousUser) -> QuerySet[Signataire]:
    """The signatories whose forecast the person sees: all for the secretariat, its own
    organisation's for an agent, none for anybody else."""
    signataires = Signataire.objects.filter(contrat=contrat_courant()).order_by("ordre", "pk")
    if not utilisateur.is_authenticated:
        return signataires.none()
    if utilisateur.est_administrateur:
        return signataires
    if utilisateur.role == Role.AGENT and utilisateur.organisation_id:
        return signataires.filter(organisation_id=utilisateur.organisation_id)
    return signataires.none()


def signataire_pour_prevision(*, utilisateur: Utilisateur | AnonymousUser, code: str) -> Signataire:
    """The signatory of the forecast page: 404 if unknown, refused if not the person's."""
    signataire = get_object_or_404(
        Signataire.objects.select_related("organisation"), contrat=contrat_courant(), code=code
    )
    if not peut_voir_prevision(utilisateur, signataire):  # type: ignore[arg-type]
        raise ActionNonAutorisee(
            f"Seuls les agents {signataire.de_nom} et le secrétariat du CPER voient ses "
            "prévisions budgétaires."
        )
    return signataire


def lignes_avec_echeancier(*, signataire: Signataire) -> QuerySet[LigneProgrammee]:
    """The signatory's programmed lines in the forecast page's order, to be paged (its count
    joins nothing); a page's rows: `rangees_de_la_page`."""
    return LigneProgrammee.objects.filter(signataire=signataire, montant_programme__gt=0).order_by(
        "projet__reference", "pk"
    )


def rangees_de_la_page(lignes: QuerySet[LigneProgrammee]) -> list[tuple[Any, ...]]:
    """A page of `lignes_avec_echeancier` as the rows the forecast page shows (pk, programmé,
    engagé, dossier's reference and title, measure's code): plain tuples in one query, not
    three model instances a line (issue 14). Their schedules: `echeances_des_lignes`."""
    return list(
        lignes.values_list(
            "pk",
            "montant_programme",
            "montant_engage",
            "projet__reference",
            "projet__titre",
            "noeud__code",
        )
    )


def echeances_des_lignes(
    lignes: Iterable[tuple[Any, ...]],
) -> dict[int, list[tuple[int, Decimal, Decimal]]]:
    """Each line's schedule, year by year: (année, AE, CP), one query for a page of lines."""
    par_ligne: dict[int, list[tuple[int, Decimal, Decimal]]] = {}
    cles = [ligne[0] for ligne in lignes]
    if not cles:
        return par_ligne
    for ligne_id, annee, ae, cp in (
        Echeance.objects.filter(ligne_id__in=cles)
        .order_by("annee")
        .values_list("ligne_id", "annee", "montant_ae", "montant_cp")
    ):
        par_ligne.setdefault(ligne_id, []).append((annee, ae, cp))
    return par_ligne


# --- Late lines -------------------------------------------------------------------------------
def delai_sans_engagement_mois() -> int:
    """Months after its programming after which a line with nothing committed is late
    (`SUIVI_DELAI_SANS_ENGAGEMENT_MOIS`, 6 by default): a setting of the secretariat."""
    return int(settings.SUIVI_DELAI_SANS_ENGAGEMENT_MOIS)


@dataclass(frozen=True)
class LigneEnRetard:
    ligne: LigneProgrammee
    motif: str
    # Nothing committed `delai_sans_engagement_mois()` months after its programming.
    dormante: bool = False


def _mois_avant(jour: date, mois: int) -> date:
    """The same day `mois` months earlier (the month's last day if it has fewer days)."""
    rang = jour.year * 12 + jour.month - 1 - mois
    annee, mois_ = divmod(rang, 12)
    dernier = calendar.monthrange(annee, mois_ + 1)[1]
    return date(annee, mois_ + 1, min(jour.day, dernier))


def _cumul_avant(champ: str, annee: int) -> Coalesce:
    """The line's scheduled `champ` over the budget years before `annee` (years gone by)."""
    sous_requete = (
        Echeance.objects.filter(ligne=OuterRef("pk"), annee__lt=annee)
        .order_by()  # the model's ordering would join the line, its dossier, its signatory
        .values("ligne")
        .annotate(total=Sum(champ))
        .values("total")
    )
    return Coalesce(
        Subquery(sous_requete, output_field=DecimalField(max_digits=14, decimal_places=2)),
        Value(ZERO),
    )


def _limite_dormance(le: date) -> datetime:
    """Programmed before this instant, a line with nothing committed is dormant on `le`."""
    debut = _mois_avant(le, delai_sans_engagement_mois()) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(debut, time.min))


def lignes_dormantes(
    *, signataire: Signataire | None = None, contrat: Contrat | None = None, le: date
) -> QuerySet[LigneProgrammee]:
    """Nothing committed `delai_sans_engagement_mois()` months after the programming: the lines
    of `financement.selectors.lignes_sans_engagement` programmed that long ago (the
    signatory's, or without one those of every signatory of `contrat`)."""
    return lignes_sans_engagement(signataire=signataire, contrat=contrat).filter(
        programme_le__lt=_limite_dormance(le)
    )


def _en_retard_sur_echeancier(signataire: Signataire, annee: int) -> QuerySet[Any]:
    """The signatory's lines less committed (or paid) than their schedule planned for the
    budget years before `annee`: `montant_engage < ae_du` or `montant_paye < cp_du`, summed
    once over the signatory's schedules (one grouped subquery, not two per line)."""
    return (
        Echeance.objects.filter(ligne__signataire=signataire, annee__lt=annee)
        .order_by()
        .values("ligne__id")
        .annotate(ae=Sum("montant_ae"), cp=Sum("montant_cp"))
        .filter(Q(ae__gt=F("ligne__montant_engage")) | Q(cp__gt=F("ligne__montant_paye")))
        .values("ligne__id")
    )


def _en_retard(signataire: Signataire, le: date) -> QuerySet[LigneProgrammee]:
    return (
        LigneProgrammee.objects.filter(
            signataire=signataire,
            montant_programme__gt=0,
            projet__statut__in=STATUTS_EXECUTABLES,
        )
        .annotate(
            ae_du=_cumul_avant("montant_ae", le.year), cp_du=_cumul_avant("montant_cp", le.year)
        )
        .filter(
            # The dormant lines (`lignes_dormantes`, its partial index) and those behind their
            # schedule, as one set of keys: the database then reads only those lines and their
            # dossiers, not every executable dossier.
            pk__in=lignes_dormantes(signataire=signataire, le=le)
            .order_by()
            .values("pk")
            .union(_en_retard_sur_echeancier(signataire, le.year))
        )
    )


def motif_dormance(ligne: LigneProgrammee) -> str:
    return (
        f"rien d'engagé plus de {delai_sans_engagement_mois()} mois après sa programmation "
        f"(le {timezone.localtime(ligne.programme_le):%d/%m/%Y})"
    )


def nombre_lignes_en_retard(*, signataire: Signataire, le: date | None = None) -> int:
    return _en_retard(signataire, le or timezone.localdate()).count()


def lignes_en_retard_et_nombre(
    *, signataire: Signataire, le: date | None = None, limite: int
) -> tuple[list[LigneEnRetard], int]:
    """The oldest `limite` late lines (`lignes_en_retard`) and how many there are in all, in
    one query whatever their number (the total is a window count over the whole set)."""
    retards = lignes_en_retard(signataire=signataire, le=le, limite=limite, compter=True)
    nombre = getattr(retards[0].ligne, "nombre_en_retard", 0) if retards else 0
    return retards, nombre


def lignes_en_retard(
    *,
    signataire: Signataire,
    le: date | None = None,
    limite: int | None = None,
    compter: bool = False,
) -> list[LigneEnRetard]:
    """The signatory's late lines, in one place for its agents' dashboard and the weekly
    e-mail: on a dossier that can still be executed (programmé, en cours), either
    - dormant: nothing committed `delai_sans_engagement_mois()` months after the programming
      (`lignes_dormantes`, built on `financement.selectors.lignes_sans_engagement`), or
    - behind its schedule: less committed (or paid) than the schedule planned for the budget
      years already over (before the current year).
    Oldest programming first, at most `limite` of them, each with its reason. One query."""
    le = le or timezone.localdate()
    limite_dormance = _limite_dormance(le)
    lignes = (
        # The dossier is shown with each line; the signatory is the one asked (set below, not
        # joined); the measure is not shown (not read: a lighter query to build and to run).
        _en_retard(signataire, le).select_related("projet").order_by("programme_le", "pk")
    )
    if compter:
        lignes = lignes.annotate(nombre_en_retard=Window(Count("pk")))
    if limite is not None:
        lignes = lignes[:limite]
    retards = []
    for ligne in lignes:
        ligne.signataire = signataire
        ae_du: Decimal = ligne.ae_du  # type: ignore[attr-defined]  # annotated by _en_retard
        cp_du: Decimal = ligne.cp_du  # type: ignore[attr-defined]
        if ligne.montant_engage < ae_du:
            motif = (
                f"en retard sur son échéancier : {format_euros(ligne.montant_engage)} engagés "
                f"sur {format_euros(ae_du)} prévus avant {le.year}"
            )
        elif ligne.montant_paye < cp_du:
            motif = (
                f"en retard sur son échéancier : {format_euros(ligne.montant_paye)} payés "
                f"sur {format_euros(cp_du)} prévus avant {le.year}"
            )
        else:
            motif = motif_dormance(ligne)
        dormante = not ligne.montant_engage and ligne.programme_le < limite_dormance
        retards.append(LigneEnRetard(ligne, motif, dormante))
    return retards


# --- Indicators -------------------------------------------------------------------------------
@dataclass(frozen=True)
class BilanIndicateur:
    """An indicator: the partners' target against what the dossiers expect and achieved."""

    indicateur: Indicateur
    attendu: Decimal  # sum of the programmed dossiers' expected contributions
    realise: Decimal  # sum of the values their porteurs reported as achieved
    nombre_dossiers: int

    @property
    def taux_attendu(self) -> Decimal:
        return taux(self.attendu, self.indicateur.cible_2027)

    @property
    def taux_realise(self) -> Decimal:
        return taux(self.realise, self.indicateur.cible_2027)


def bilan_indicateurs(*, noeud_code: str = "") -> list[BilanIndicateur]:
    """Each indicator, in the contract's order (axis, then measure), with the sums of the
    contributions of the dossiers that are programmed or beyond (programmé, en cours, soldé):
    a draft's promise is not counted. One query."""
    contributions = Q(contributions__projet__statut__in=AVEC_SUIVI_FINANCIER)
    indicateurs = Indicateur.objects.filter(noeud__contrat=contrat_courant())
    if noeud_code:
        indicateurs = indicateurs.filter(
            Q(noeud__code=noeud_code) | Q(noeud__code__startswith=f"{noeud_code}.")
        )
    lignes = (
        indicateurs.select_related("noeud__axe")
        .annotate(
            attendu=Coalesce(
                Sum("contributions__valeur_attendue", filter=contributions), Value(ZERO)
            ),
            realise=Coalesce(
                Sum("contributions__valeur_realisee", filter=contributions), Value(ZERO)
            ),
            nombre=Count("contributions", filter=contributions),
        )
        .order_by("noeud__position", "pk")
    )
    return [BilanIndicateur(i, i.attendu, i.realise, i.nombre) for i in lignes]


def indicateurs_du_projet(*, projet: Any) -> list[tuple[Indicateur, ContributionIndicateur | None]]:
    """The indicators of the dossier's measure (and of the measures above its sub-measure),
    each with the dossier's contribution if stated."""
    couvrants = Noeud.q_couvrant(projet.mesure, prefixe="noeud")
    indicateurs = list(Indicateur.objects.filter(couvrants).select_related("noeud"))
    contributions = {
        c.indicateur_id: c
        for c in ContributionIndicateur.objects.filter(projet=projet).select_related("par")
    }
    return [(i, contributions.get(i.pk)) for i in indicateurs]
