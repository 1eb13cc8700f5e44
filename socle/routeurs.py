"""Reads on the PostgreSQL replica, writes on the primary (issue 20, deploiement/README.md).

Only a GET or HEAD of a read-only heavy page (`REPLIQUE_CHEMINS`: open data, exports, public
pages, the bilan's figures) reads from the replica, and only while the replica answers and is
less than `REPLIQUE_RETARD_MAX` seconds behind. Everything else reads and writes on the
primary: the accounts, sessions and report jobs always (a log-in, a lock or a job must never
be read stale). After a write (any other method), the same browser reads from the primary for
`REPLIQUE_DELAI_APRES_ECRITURE` seconds (read-your-writes). A page whose replica falls during
the request is read again from the primary.

Without the `replica` alias (no `DATABASE_REPLICA_URL`), nothing here has any effect.
"""

import contextvars
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest
from django.http.response import HttpResponseBase

journal = logging.getLogger("socle.routeurs")

ALIAS_REPLIQUE = "replica"
COOKIE_PRIMAIRE = "cper_primaire"
CLE_ETAT = "socle:replique:etat"
# The replica's state is measured at most once per this many seconds per cache.
DUREE_ETAT = 2
# Apps always read from the primary.
APPS_PRIMAIRE = frozenset({"sessions", "auth", "comptes", "contenttypes", "admin", "rapports"})
METHODES_SURES = frozenset({"GET", "HEAD", "OPTIONS"})

_sur_replique: contextvars.ContextVar[bool] = contextvars.ContextVar("sur_replique", default=False)

SQL_RETARD = """
    SELECT pg_is_in_recovery(),
           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
           END
"""


def replique_configuree() -> bool:
    return ALIAS_REPLIQUE in settings.DATABASES


@dataclass(frozen=True)
class EtatReplique:
    configuree: bool
    disponible: bool
    retard_secondes: float | None
    message: str

    @property
    def utilisable(self) -> bool:
        return (
            self.disponible
            and self.retard_secondes is not None
            and self.retard_secondes <= settings.REPLIQUE_RETARD_MAX
        )


def mesurer_replique() -> EtatReplique:
    """Ask the replica itself whether it replays the primary's log, and how late it is."""
    if not replique_configuree():
        return EtatReplique(
            False, False, None, "Aucune réplique : tout est lu sur la base principale."
        )
    try:
        with connections[ALIAS_REPLIQUE].cursor() as curseur:
            curseur.execute(SQL_RETARD)
            en_reprise, retard = curseur.fetchone()
    except DatabaseError:
        connections[ALIAS_REPLIQUE].close()
        return EtatReplique(
            True, False, None, "La réplique ne répond pas : les lectures vont à la base principale."
        )
    if not en_reprise:
        return EtatReplique(
            True, False, None, "La réplique ne suit plus la base principale (elle a été promue)."
        )
    retard = float(retard)
    if retard > settings.REPLIQUE_RETARD_MAX:
        return EtatReplique(
            True,
            True,
            retard,
            "La réplique est trop en retard : les lectures vont à la base principale.",
        )
    return EtatReplique(True, True, retard, "La réplique suit la base principale.")


def etat_replique() -> EtatReplique:
    """The replica's state, measured at most every `DUREE_ETAT` seconds (shared cache)."""
    try:
        connu = cache.get(CLE_ETAT)
    except Exception:  # a cache down must not take the pages down
        connu = None
    if isinstance(connu, EtatReplique):
        return connu
    etat = mesurer_replique()
    try:
        cache.set(CLE_ETAT, etat, DUREE_ETAT)
    except Exception:
        journal.warning("Cache indisponible : l'état de la réplique n'est pas partagé.")
    return etat


def signaler_replique_tombee() -> None:
    etat = EtatReplique(
        True, False, None, "La réplique ne répond pas : les lectures vont à la base principale."
    )
    try:
        cache.set(CLE_ETAT, etat, DUREE_ETAT)
    except Exception:
        journal.warning("Cache indisponible : l'état de la réplique n'est pas partagé.")


def chemin_sur_replique(chemin: str) -> bool:
    for debut in settings.REPLIQUE_CHEMINS:
        if chemin == debut or (debut != "/" and chemin.startswith(debut)):
            return True
    return False


def lecture_sur_replique_permise(request: HttpRequest) -> bool:
    """May this request read from the replica? (Measures the replica when it might.)"""
    if not replique_configuree() or request.method not in ("GET", "HEAD"):
        return False
    if request.COOKIES.get(COOKIE_PRIMAIRE):  # this browser has just written
        return False
    if not chemin_sur_replique(request.path_info):
        return False
    return etat_replique().utilisable


@contextmanager
def lectures_sur_replique() -> Iterator[bool]:
    """For a worker's read-only job (figures of a report): read from the replica when it is
    usable. Yields whether it does."""
    permis = replique_configuree() and etat_replique().utilisable
    jeton = _sur_replique.set(permis)
    try:
        yield permis
    finally:
        _sur_replique.reset(jeton)


def _lu_sur_la_replique(contenu: Iterable[bytes]) -> Iterator[bytes]:
    _sur_replique.set(True)
    try:
        yield from contenu
    finally:
        _sur_replique.set(False)


class RouteurLectures:
    """`DATABASE_ROUTERS` entry, set only when the replica is configured."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if _sur_replique.get() and model._meta.app_label not in APPS_PRIMAIRE:
            return ALIAS_REPLIQUE
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class LecturesMiddleware:
    """Chooses the database of the request's reads, and marks the browser after a write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not replique_configuree():
            return self.get_response(request)
        permis = lecture_sur_replique_permise(request)
        jeton = _sur_replique.set(permis)
        try:
            reponse = self.get_response(request)
            if permis and reponse.streaming and _sur_replique.get():
                # A streamed export reads while the server sends it, after this returns.
                reponse.streaming_content = _lu_sur_la_replique(reponse.streaming_content)  # type: ignore[attr-defined]
        finally:
            _sur_replique.reset(jeton)
        if request.method not in METHODES_SURES:
            reponse.set_cookie(
                COOKIE_PRIMAIRE,
                "1",
                max_age=settings.REPLIQUE_DELAI_APRES_ECRITURE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return reponse

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        """The replica fell during the request: read the page again from the primary."""
        if not _sur_replique.get() or not isinstance(exception, OperationalError | InterfaceError):
            return None
        journal.warning("Réplique tombée pendant %s : relu sur la base principale.", request.path)
        signaler_replique_tombee()
        if ALIAS_REPLIQUE in settings.DATABASES:
            connections[ALIAS_REPLIQUE].close()
        _sur_replique.set(False)
        correspondance = request.resolver_match
        if correspondance is None:
            return None
        reponse: HttpResponseBase = correspondance.func(
            request, *correspondance.args, **correspondance.kwargs
        )
        return reponse
