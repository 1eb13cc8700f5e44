"""Generation numbers: when figures kept in the cache go stale.

A cache keyed on a generation number is valid while the number does not move; every write the
figures depend on moves it. The number is a PostgreSQL sequence (each user creates its own by a
migration: `territoires_generation`, `suivi_generation`): `nextval` takes no lock and is not
rolled back, so it is moved both inside the writing transaction (a test, whose transaction
never commits, sees it move) and once more after the commit (a page computed between the two
is not kept under the new number). Without PostgreSQL (the embedded SQLite default) there is no
number and nothing is cached.
"""

from collections.abc import Callable

from django.db import connection, transaction


def lire(sequence: str) -> int | None:
    """The sequence's current number; None without PostgreSQL (then do not cache)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as curseur:
        curseur.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608 - a constant
        ligne = curseur.fetchone()
    return int(ligne[0]) if ligne else None


def suivant(sequence: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("SELECT nextval(%s)", [sequence])


def avancer(sequence: str, *, apres_validation: Callable[[], None] | None = None) -> None:
    """What is cached under `sequence` is stale: now, and again once the transaction commits
    (then `apres_validation` runs, if given)."""
    suivant(sequence)

    def _apres() -> None:
        suivant(sequence)
        if apres_validation is not None:
            apres_validation()

    transaction.on_commit(_apres)
