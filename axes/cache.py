"""What pages read of the programme on every request, kept in Django's cache (Redis when
`CACHE_URL` is set): the choices of the dossier list's filters, the programme's tree.

The programme changes rarely (the loader, the administration, an avenant re-scoping an
operation), and each such write makes the cached values stale at once: every entry is kept
under a version number stored in the cache itself, which any save or deletion of a node, a
signatory, a département or the contract replaces (now, and again once the transaction
commits, so that a page computed in between is not kept under the new number). Without a
shared cache (one memory cache per process) another process may keep its values until
`PROGRAMME_CACHE_SECONDES` pass; with 0 (the tests' default) nothing is cached.
"""

import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
CLE_VERSION = "programme:version"


def duree() -> int:
    return int(getattr(settings, "PROGRAMME_CACHE_SECONDES", 0))


def _version() -> str:
    version = cache.get(CLE_VERSION)
    if version is None:
        cache.add(CLE_VERSION, uuid.uuid4().hex, None)
        version = cache.get(CLE_VERSION)
    return str(version)


def memorise(nom: str, calcul: Callable[[], T]) -> T:
    """`calcul()`, read from the cache while the programme has not changed."""
    secondes = duree()
    if not secondes:
        return calcul()
    cle = f"programme:{_version()}:{nom}"
    valeur = cache.get(cle)
    if valeur is None:
        valeur = calcul()
        cache.set(cle, valeur, secondes)
    return valeur  # type: ignore[no-any-return]


# Values kept in this process's memory (`memorise_en_memoire`): name -> (version, until, value).
_EN_MEMOIRE: dict[str, tuple[str, float, Any]] = {}


def memorise_en_memoire(nom: str, calcul: Callable[[], T]) -> T:
    """`calcul()` kept in this process's memory while the programme has not changed (the
    version is read from the shared cache on each call, as `memorise` does), for at most
    `PROGRAMME_CACHE_SECONDES`: for what the code makes (a piece of HTML), which a shared
    cache would keep across a deployment of new code."""
    secondes = duree()
    if not secondes:
        return calcul()
    version = _version()
    gardee = _EN_MEMOIRE.get(nom)
    if gardee is not None and gardee[0] == version and gardee[1] > time.monotonic():
        return gardee[2]  # type: ignore[no-any-return]
    valeur = calcul()
    _EN_MEMOIRE[nom] = (version, time.monotonic() + secondes, valeur)
    return valeur


def _nouvelle_version() -> None:
    cache.set(CLE_VERSION, uuid.uuid4().hex, None)


def perimer() -> None:
    """The programme changed: every cached value is stale."""
    _nouvelle_version()
    if connection.in_atomic_block:
        transaction.on_commit(_nouvelle_version)


def _recepteur(sender: Any, **kwargs: Any) -> None:
    perimer()


def connecter() -> None:
    from axes.models import Contrat, Departement, Noeud, Signataire

    for modele in (Contrat, Noeud, Signataire, Departement):
        post_save.connect(_recepteur, sender=modele, dispatch_uid=f"programme-{modele.__name__}")
        post_delete.connect(
            _recepteur, sender=modele, dispatch_uid=f"programme-suppr-{modele.__name__}"
        )
