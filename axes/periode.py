"""The dates the portal accepts: within the contract's period, with a margin on each side.

A session dated 1900 or 6172, a commitment dated 0001-01-01 were accepted and reached the open
data. The contract (its first and last years) bounds every date of its life — sessions,
commitments, payments —, widened by `CONTRAT_MARGE_ANNEES_AVANT` years before (preparation)
and `CONTRAT_MARGE_ANNEES_APRES` years after (commitments paid over the following years). The
contract sets no such margin: the secretariat does (1 and 8 years by default).
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from axes.models import Contrat
from socle.exceptions import RegleMetierError


def periode_des_dates() -> tuple[date, date] | None:
    """First and last accepted dates, or None when no contract is loaded."""
    contrat = Contrat.objects.order_by("pk").values("annee_debut", "annee_fin").first()
    if contrat is None:
        return None
    avant, apres = settings.CONTRAT_MARGE_ANNEES_AVANT, settings.CONTRAT_MARGE_ANNEES_APRES
    return date(contrat["annee_debut"] - avant, 1, 1), date(contrat["annee_fin"] + apres, 12, 31)


def texte_periode() -> str:
    """What a page says of the accepted dates."""
    periode = periode_des_dates()
    if periode is None:
        return ""
    debut, fin = periode
    return (
        f"Entre le {debut:%d/%m/%Y} et le {fin:%d/%m/%Y} : la période du contrat et sa marge "
        "(réglage fixé par le secrétariat)."
    )


def verifier_date_du_contrat(valeur: date | datetime, *, champ: str) -> None:
    """Refuse a date out of `periode_des_dates()`, the message keyed by `champ`."""
    periode = periode_des_dates()
    if periode is None:
        return
    jour = timezone.localdate(valeur) if isinstance(valeur, datetime) else valeur
    if not periode[0] <= jour <= periode[1]:
        raise RegleMetierError(erreurs={champ: [f"La date doit être comprise {_entre(periode)}"]})


def _entre(periode: tuple[date, date]) -> str:
    debut, fin = periode
    return (
        f"entre le {debut:%d/%m/%Y} et le {fin:%d/%m/%Y} (période du contrat et sa marge, "
        "réglage fixé par le secrétariat)."
    )
