"""When the mid-term review's cached figures go stale: a generation number (the PostgreSQL
sequence `suivi_generation`, migration 0004, moved by `socle.generation`) that every write the
review reads moves on: the ledger (envelopes and their versions, avenants, maquette, credits,
programmed lines, commitments, payments, its journal), the dossiers (status, reference), the
programme (contract, nodes, signatories), the schedules, indicators and contributions.

The receivers are connected by `SuiviConfig.ready`. The ledger's running totals are kept by
database triggers, which send no signal: each of them follows the save or creation of a row
that does (a line, a commitment, a payment), and every movement of the ledger writes its
journal row too. Bulk writes that send no signal (a schedule's years, the volume generator)
call `avancer` themselves. Without PostgreSQL there is no number and nothing is cached.
"""

import hashlib
from collections.abc import Callable
from functools import cache as memoire
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.template.loader import get_template

from socle import generation as socle_generation

SEQUENCE = "suivi_generation"
T = TypeVar("T")


def duree_cache() -> int:
    """`SUIVI_CACHE_SECONDES`: how long the review's figures may stay in the cache (0: never)."""
    return int(getattr(settings, "SUIVI_CACHE_SECONDES", 0))


def generation() -> int | None:
    """The current number; None when nothing is to be cached (no duration, no PostgreSQL)."""
    if not duree_cache():
        return None
    return socle_generation.lire(SEQUENCE)


def avancer() -> None:
    socle_generation.avancer(SEQUENCE)


@memoire
def _version_gabarits(gabarits: tuple[str, ...]) -> str:
    """A digest of the templates a cached fragment was rendered with: a deployment that
    changes them does not serve the fragments of the previous code."""
    empreinte = hashlib.sha256()
    for nom in gabarits:
        empreinte.update(get_template(nom).template.source.encode())  # type: ignore[attr-defined]
    return empreinte.hexdigest()[:12]


def lire_ou_calculer(
    quoi: str, parametres: str, calculer: Callable[[], T], *, gabarits: tuple[str, ...] = ()
) -> T:
    """What `calculer` gives for these parameters, from the cache while nothing the review
    reads changed. What is cached must be the same for everybody who may see it: what depends
    on the person (a form, a right) is added by the caller, outside."""
    numero = generation()
    if numero is None:
        return calculer()
    cle = (
        f"suivi:{quoi}:{numero}:{parametres}:{settings.SUIVI_DELAI_SANS_ENGAGEMENT_MOIS}:"
        f"{_version_gabarits(gabarits)}"
    )
    valeur = cache.get(cle)
    if valeur is None:
        valeur = calculer()
        cache.set(cle, valeur, duree_cache())
    return valeur  # type: ignore[no-any-return]


def _recepteur(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures loaded as they are
        return
    avancer()


def connecter() -> None:
    from axes.models import Contrat, Noeud, Signataire
    from financement.models import (
        Avenant,
        CreditsOuverts,
        Engagement,
        Enveloppe,
        JournalFinancier,
        LigneProgrammee,
        MaquetteLigne,
        ModificationEnveloppe,
        Paiement,
        VersionEnveloppe,
    )
    from projets.models import Projet
    from suivi.models import ContributionIndicateur, Echeance, Indicateur, JournalSuivi

    for modele in (
        Contrat,
        Noeud,
        Signataire,
        Projet,
        Enveloppe,
        VersionEnveloppe,
        Avenant,
        ModificationEnveloppe,
        MaquetteLigne,
        CreditsOuverts,
        LigneProgrammee,
        Engagement,
        Paiement,
        JournalFinancier,
        Echeance,
        Indicateur,
        ContributionIndicateur,
        JournalSuivi,
    ):
        post_save.connect(_recepteur, sender=modele, dispatch_uid=f"suivi-{modele.__name__}")
        post_delete.connect(
            _recepteur, sender=modele, dispatch_uid=f"suivi-suppr-{modele.__name__}"
        )
