"""Dump and restore the PostgreSQL database with the PostgreSQL client tools (`pg_dump -Fc`,
`pg_restore`), using the connection of `DATABASES["default"]`."""

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The connection of `DATABASES["default"]` (Django's `DBConfig`, or any mapping alike).
Reglages = Mapping[str, Any]


class SauvegardeImpossible(RuntimeError):
    pass


def _programme(nom: str) -> str:
    chemin = shutil.which(nom)
    if not chemin:
        raise SauvegardeImpossible(f"{nom} introuvable : apt-get install postgresql-client")
    return chemin


def _environnement(reglages: Reglages) -> dict[str, str]:
    env = {**os.environ}
    if reglages.get("PASSWORD"):
        env["PGPASSWORD"] = str(reglages["PASSWORD"])
    return env


def _connexion(reglages: Reglages, base: str | None = None) -> list[str]:
    arguments = ["--host", reglages.get("HOST") or "127.0.0.1"]
    arguments += ["--port", str(reglages.get("PORT") or 5432)]
    arguments += ["--username", reglages.get("USER") or "postgres"]
    return [*arguments, "--dbname", base or reglages["NAME"]]


def _verifier_postgresql(reglages: Reglages) -> None:
    if reglages["ENGINE"] != "django.db.backends.postgresql":
        raise SauvegardeImpossible("La sauvegarde ne concerne que PostgreSQL (DATABASE_URL).")


def base_sauvegarder(*, reglages: Reglages, fichier: Path) -> Path:
    """`pg_dump -Fc` (compressed custom format, restorable table by table), without owners
    or privileges so that it restores under another role."""
    _verifier_postgresql(reglages)
    fichier.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - fixed program, arguments from the settings
        [
            _programme("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(fichier),
            *_connexion(reglages),
        ],
        env=_environnement(reglages),
        check=True,
    )
    return fichier


def base_restaurer(*, reglages: Reglages, fichier: Path, base: str) -> None:
    """`pg_restore` into `base`, which must exist and be empty: a restore never mixes two
    databases. Stops at the first error."""
    _verifier_postgresql(reglages)
    if not fichier.is_file():
        raise SauvegardeImpossible(f"Fichier introuvable : {fichier}")
    env = _environnement(reglages)
    tables = subprocess.run(  # noqa: S603
        [
            _programme("psql"),
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            "--command",
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            *_connexion(reglages, base),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    if int(tables.stdout.strip() or 0):
        raise SauvegardeImpossible(
            f"La base « {base} » n'est pas vide : restaurez dans une base neuve "
            f"(createdb {base}_restauree)."
        )
    subprocess.run(  # noqa: S603
        [
            _programme("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *_connexion(reglages, base),
            str(fichier),
        ],
        env=env,
        check=True,
    )
