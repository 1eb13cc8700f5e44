"""Brute-force protection of every log-in form (the portal's and the admin's).

After `CONNEXION_ECHECS_MAX` failures for one identifier from one address, that pair is
refused for `CONNEXION_DUREE_VERROU`, even with the right password; a success resets the
count. This is django-axes' `[["username", "ip_address"]]` rule, rebuilt here because the app
label `axes` is the programme's.
"""

import ipaddress
import logging
import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comptes.models import TentativeConnexion

journal = logging.getLogger("comptes.connexion")


class ConnexionVerrouillee(Exception):
    def __init__(self, jusqu_au: datetime):
        self.jusqu_au = jusqu_au
        minutes = max(1, math.ceil((jusqu_au - timezone.now()).total_seconds() / 60))
        super().__init__(
            "Trop de tentatives de connexion infructueuses pour cet identifiant : "
            f"réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
        )


@dataclass(frozen=True)
class Cle:
    identifiant: str
    adresse_ip: str


def normaliser_identifiant(identifiant: str) -> str:
    return (identifiant or "").strip().casefold()[:150]


def adresse_du_client(request) -> str:
    """REMOTE_ADDR; X-Forwarded-For only when the request comes from a trusted proxy, whose
    entry added last (the nearest address not itself a trusted proxy) is taken."""
    meta = getattr(request, "META", {})  # a form built without its request counts as one client
    adresse = meta.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - an address, not a bind
    proxies = set(settings.CONNEXION_PROXIES_DE_CONFIANCE)
    if adresse in proxies:
        chaine = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for candidate in reversed([a for a in chaine if a]):
            if candidate not in proxies:
                adresse = candidate
                break
    try:
        return str(ipaddress.ip_address(adresse))
    except ValueError:
        return "0.0.0.0"  # noqa: S104


def cle_de(request, identifiant: str) -> Cle:
    return Cle(normaliser_identifiant(identifiant), adresse_du_client(request))


@transaction.atomic
def tentative_commencer(*, cle: Cle, maximum: int | None = None) -> bool:
    """Count one attempt before the password is checked, under a row lock, or refuse it with
    `ConnexionVerrouillee` while the pair is locked. Counting first means that N concurrent
    attempts are N attempts: none can slip between a check and a failure. Returns True when
    this attempt is the last one allowed before the lock. `maximum` replaces
    `CONNEXION_ECHECS_MAX` for other counted requests (password reset)."""
    maximum = maximum or settings.CONNEXION_ECHECS_MAX
    maintenant = timezone.now()
    TentativeConnexion.objects.get_or_create(
        identifiant=cle.identifiant,
        adresse_ip=cle.adresse_ip,
        defaults={"dernier_essai_le": maintenant},
    )
    tentative = TentativeConnexion.objects.select_for_update().get(
        identifiant=cle.identifiant, adresse_ip=cle.adresse_ip
    )
    if tentative.verrouille_jusqu_au and tentative.verrouille_jusqu_au > maintenant:
        raise ConnexionVerrouillee(tentative.verrouille_jusqu_au)
    if tentative.verrouille_jusqu_au or (
        maintenant - tentative.dernier_essai_le >= settings.CONNEXION_DUREE_VERROU
    ):
        # The cool-off is over, or the last failures are older than it: a fresh count.
        tentative.echecs = 0
        tentative.verrouille_jusqu_au = None
    tentative.echecs += 1
    tentative.dernier_essai_le = maintenant
    if tentative.echecs >= maximum:
        # This attempt is the last one allowed: whatever its result, the next ones wait
        # (a success lifts the lock at once through `tentative_reussie`).
        tentative.verrouille_le = maintenant
        tentative.verrouille_jusqu_au = maintenant + settings.CONNEXION_DUREE_VERROU
    tentative.save()
    return tentative.echecs >= maximum


@transaction.atomic
def tentative_echouee(*, cle: Cle, derniere: bool) -> None:
    """After a wrong password: when it was the last attempt allowed, record and log the lock
    (an alert for the administrators' log collector)."""
    if not derniere:
        return
    tentative = (
        TentativeConnexion.objects.select_for_update()
        .filter(identifiant=cle.identifiant, adresse_ip=cle.adresse_ip)
        .first()
    )
    if tentative and tentative.verrouille_jusqu_au:
        tentative.verrouillages += 1
        tentative.save(update_fields=["verrouillages"])
        journal.warning(
            "Connexion verrouillée après %s échecs : identifiant %r depuis %s, jusqu'au %s.",
            tentative.echecs,
            cle.identifiant,
            cle.adresse_ip,
            tentative.verrouille_jusqu_au.isoformat(),
        )


def tentative_reussie(*, cle: Cle) -> None:
    """A success resets the count of this identifier from this address."""
    TentativeConnexion.objects.filter(
        identifiant=cle.identifiant, adresse_ip=cle.adresse_ip
    ).update(echecs=0, verrouille_jusqu_au=None)
