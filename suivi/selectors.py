"""Reads of the execution follow-up: each signatory's forecast by budget year."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from axes.models import Signataire
from financement.models import CreditsOuverts
from suivi.models import Echeance

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
