"""Transactions that meet another one in a deadlock.

Two transactions that lock the same rows in a different order (a committee's closing that
programmes several dossiers while an agent records a commitment on one of their signatories;
the ledger's stored totals per axis, département and year are rows that both update) can wait on
each other; PostgreSQL then aborts one of them (`deadlock_detected`, 40P01), or, under a
stricter isolation, refuses it (`serialization_failure`, 40001). Nothing of it is written.

- `atomique` runs a use-case that re-reads what it changes again, a few times, when it is the
  outermost transaction: the person sees it succeed.
- Anywhere else (a use-case that keeps objects in memory, or past the last try), and for a lock
  waited for longer than `lock_timeout`, the refusal is `OperationsSimultanees`: a 409 with a
  French message (API and pages), never a 500.
"""

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, transaction

from socle.exceptions import EtatIncompatible

CODES_A_REJOUER = {"40P01", "40001"}  # deadlock_detected, serialization_failure
# And a lock held past `lock_timeout` by another transaction: said alike, not run again.
CODES_CONCURRENCE = CODES_A_REJOUER | {"55P03"}  # lock_not_available
ESSAIS = 3
MESSAGE_OPERATIONS_SIMULTANEES = (
    "Une autre opération sur les mêmes montants était en cours au même instant : rien n'a été "
    "enregistré. Réessayez dans un instant."
)

P = ParamSpec("P")
R = TypeVar("R")


class OperationsSimultanees(EtatIncompatible):
    """The database aborted the transaction to let a simultaneous one through (HTTP 409)."""

    def __init__(self) -> None:
        super().__init__(MESSAGE_OPERATIONS_SIMULTANEES)


def _code(exc: BaseException) -> str | None:
    cause = exc.__cause__ if isinstance(exc, OperationalError) else None
    return getattr(cause, "pgcode", None)


def est_conflit_concurrent(exc: BaseException) -> bool:
    """Whether the database aborted the transaction for a simultaneous one: a deadlock, a
    serialization failure, a lock waited for too long (the driver's error code, under
    Django's `OperationalError`)."""
    return _code(exc) in CODES_CONCURRENCE


def atomique(fonction: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic`, run again (at most `ESSAIS` times, after a short random pause) when
    the database aborted it for a simultaneous transaction, if it is the outermost one; inside
    another transaction, that one decides. Past the last try: `OperationsSimultanees`."""

    @functools.wraps(fonction)
    def executer(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                return fonction(*args, **kwargs)
        for essai in range(1, ESSAIS + 1):
            try:
                with transaction.atomic():
                    return fonction(*args, **kwargs)
            except OperationalError as exc:
                if _code(exc) not in CODES_A_REJOUER:
                    raise
                if essai == ESSAIS:
                    raise OperationsSimultanees() from exc
                time.sleep(random.uniform(0.01, 0.05) * essai)  # noqa: S311 - not a secret
        raise AssertionError("inaccessible")  # pragma: no cover

    return executer
