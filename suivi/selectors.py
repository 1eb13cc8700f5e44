"""Reads of the execution follow-up: each signatory's forecast by budget year."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404

from axes.models import Signataire
from axes.selectors import contrat_courant
from comptes.models import Role, Utilisateur
from financement.models import CreditsOuverts, LigneProgrammee
from socle.exceptions import ActionNonAutorisee
from suivi.models import Echeance
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


def prevision_du_signataire(*, signataire: Signataire) -> list[PrevisionAnnee]:
    """Per budget year, what the signatory must commit (AE) and pay (CP) according to its
    programmed lines' schedules, against the credits it opened (Article 2: the commitments
    are « subordonnés à l'ouverture des moyens financiers nécessaires »). Two queries."""
    besoins = {
        r["annee"]: (r["ae"], r["cp"])
        for r in Echeance.objects.filter(ligne__signataire=signataire)
        .values("annee")
        .annotate(ae=Sum("montant_ae"), cp=Sum("montant_cp"))
    }
    credits = dict(
        CreditsOuverts.objects.filter(signataire=signataire).values_list("annee", "montant")
    )
    return [
        PrevisionAnnee(
            annee=annee,
            besoin_ae=besoins.get(annee, (ZERO, ZERO))[0],
            besoin_cp=besoins.get(annee, (ZERO, ZERO))[1],
            credits_ouverts=credits.get(annee),
        )
        for annee in sorted(set(besoins) | set(credits))
    ]


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
    """The signatory's programmed lines, each with its schedule (two queries per page)."""
    return (
        LigneProgrammee.objects.filter(signataire=signataire, montant_programme__gt=0)
        .select_related("projet", "noeud")
        .prefetch_related(Prefetch("echeances", queryset=Echeance.objects.order_by("annee")))
        .order_by("projet__reference", "pk")
    )
