"""Where one request spends its time, in-process: SQL, template rendering, the rest.

    python -m outillage.bench.decoupage [ROLE@]URL …   # (with DATABASE_URL) prints JSON

Each URL is requested with the test client as the role the benchmark gives it (the same
session rules as `cibles`), first once to warm the per-process caches, then `REPETITIONS`
times; the best run is reported (the least disturbed by the machine's other work):

- `sql_ms`: time spent in the database driver (every query, including those a template
  triggers while it renders);
- `rendu_ms`: time inside the outermost `Template.render`, without the SQL it triggered;
- `reste_ms`: the rest (middleware, view code, serialisation, the session).
"""

import json
import os
import sys
import time
from contextlib import contextmanager
from typing import Any

REPETITIONS = int(os.environ.get("DECOUPAGE_ESSAIS", "5"))


class Chrono:
    def __init__(self) -> None:
        self.sql = 0.0
        self.sql_pendant_rendu = 0.0
        self.rendu = 0.0
        self.requetes = 0
        self.profondeur = 0

    def executer(self, execute, sql, params, many, context):
        debut = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            duree = time.perf_counter() - debut
            self.sql += duree
            self.requetes += 1
            if self.profondeur:
                self.sql_pendant_rendu += duree


@contextmanager
def chronometrer():
    """Time the SQL and the (outermost) template rendering of the code inside the block."""
    from django.db import connection
    from django.template.base import Template

    chrono = Chrono()
    original = Template.render

    def rendre(self, context):
        chrono.profondeur += 1
        debut = time.perf_counter()
        try:
            return original(self, context)
        finally:
            chrono.profondeur -= 1
            if not chrono.profondeur:
                chrono.rendu += time.perf_counter() - debut

    Template.render = rendre  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(chrono.executer):
            yield chrono
    finally:
        Template.render = original  # type: ignore[method-assign]


def decouper(client: Any, url: str, repetitions: int = REPETITIONS) -> dict[str, Any]:
    """The best of `repetitions` requests of `url` (after one warm-up), split in three."""
    client.get(url)
    mesures = []
    for _ in range(repetitions):
        with chronometrer() as chrono:
            debut = time.perf_counter()
            reponse = client.get(url)
            if hasattr(reponse, "streaming_content"):
                for _morceau in reponse.streaming_content:
                    pass
            total = time.perf_counter() - debut
        rendu = chrono.rendu - chrono.sql_pendant_rendu
        mesures.append(
            {
                "total_ms": round(total * 1000, 1),
                "sql_ms": round(chrono.sql * 1000, 1),
                "rendu_ms": round(rendu * 1000, 1),
                "reste_ms": round((total - chrono.sql - rendu) * 1000, 1),
                "requetes": chrono.requetes,
                "statut": reponse.status_code,
            }
        )
    return min(mesures, key=lambda m: m["total_ms"])


def principal(urls: list[tuple[str, str]]) -> dict[str, Any]:
    from django.test import Client

    from outillage.bench.cibles import utilisateur

    resultats = {}
    for role, url in urls:
        client = Client()
        client.force_login(utilisateur(role))
        resultats[url] = decouper(client, url)
    return resultats


if __name__ == "__main__":
    import django

    django.setup()
    demandes = [a.split("@", 1) if "@" in a else ("administrateur", a) for a in sys.argv[1:]]
    print(json.dumps(principal([(r, u) for r, u in demandes]), indent=1))
