"""Browser tests: the portal served by a real server process on the test database, driven by
Debian's Chromium through Playwright.

The server is another process, so it sees only committed data: the contract loaded by
`django_db_setup` is committed; a test that creates data must use
`@pytest.mark.django_db(transaction=True)` (the root conftest reloads the contract after the
flush that ends such a test).
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from playwright.sync_api import Browser, Page, sync_playwright

from axes.models import Contrat
from tests.e2e.outils import hotes_exterieurs

RACINE = Path(__file__).resolve().parents[2]
ARTEFACTS = RACINE / "test-artefacts" / "e2e"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google's services and, on a
# closed network, its connections get refused.
ARGUMENTS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _url_base_de_donnees() -> str:
    reglages = connection.settings_dict
    utilisateur = reglages["USER"] or "postgres"
    if reglages["PASSWORD"]:
        utilisateur += f":{reglages['PASSWORD']}"
    hote = reglages["HOST"] or "127.0.0.1"
    port = reglages["PORT"] or 5432
    return f"postgres://{utilisateur}@{hote}:{port}/{reglages['NAME']}"


@contextmanager
def demarrer_serveur(reglages: str, *, django_db_blocker, journal: Path) -> Iterator[str]:
    """`manage.py runserver --noreload` on a free loopback port, on the pytest test database,
    with the settings module `reglages`; yields its address once it answers, stops it after
    (and waits for its database sessions to end). Its output goes to `journal`."""
    with django_db_blocker.unblock():
        url_bdd = _url_base_de_donnees()
        # A transactional test that ran before (they run last) may have emptied the base.
        if not Contrat.objects.exists():
            call_command("charger_cper", verbosity=0)
    port = _port_libre()
    env = {**os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE=reglages,
        DATABASE_URL=url_bdd,
        CONN_MAX_AGE="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("DEBUG", None)
    with open(journal, "w") as sortie:
        processus = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=RACINE,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if processus.poll() is not None:
                pytest.fail(f"le serveur s'est arrêté :\n{journal.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/", timeout=5) as reponse:
                    if reponse.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"le serveur n'a pas répondu :\n{journal.read_text()}")
        yield url
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
        with django_db_blocker.unblock():
            _attendre_la_fin_des_sessions_du_serveur()


@pytest.fixture(scope="package")
def serveur_portail(django_db_setup, django_db_blocker, tmp_path_factory):
    """The portal on the test settings, with static files served by WhiteNoise from the
    finders (as the test settings ask)."""
    journal = tmp_path_factory.mktemp("serveur") / "runserver.log"
    with demarrer_serveur(
        "cper.settings_test", django_db_blocker=django_db_blocker, journal=journal
    ) as url:
        yield url


def _attendre_la_fin_des_sessions_du_serveur() -> None:
    """PostgreSQL ends the dead server's sessions a moment after the process exits; the test
    database cannot be dropped until then."""
    requete = (
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with connection.cursor() as curseur:
        for _ in range(50):
            curseur.execute(requete)
            if curseur.fetchone()[0] == 0:
                return
            time.sleep(0.1)


@pytest.fixture(scope="package")
def navigateur():
    """Debian's Chromium, headless, for the whole `tests/e2e` package.

    Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
    database calls while a loop runs; the tests are synchronous, so the check is lifted for as
    long as the browser lives, and only then. While the loop runs, Django also hands out
    other connection objects (its connection store is context-local): the ones opened then
    are closed before the loop stops, or the test database could not be dropped."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : apt-get install -y chromium")
    avant = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    try:
        with sync_playwright() as p:
            navigateur = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=ARGUMENTS_CHROMIUM
            )
            yield navigateur
            navigateur.close()
            connections.close_all()
    finally:
        if avant is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = avant


@pytest.fixture(autouse=True)
def _acces_base(navigateur, db, contrat_recharge):
    """As in the root conftest, with the browser started first: the test's transaction must be
    opened on the connection that the test body will use once Playwright's loop runs."""


@dataclass
class Visite:
    """One browser tab on the portal, which records every request and numbers screenshots."""

    page: Page
    url_base: str
    dossier: Path
    requetes: list[str] = field(default_factory=list)
    etape: int = 0

    @property
    def hote(self) -> str:
        return self.url_base.removeprefix("http://")

    def ouvrir(self, chemin: str):
        reponse = self.page.goto(f"{self.url_base}{chemin}")
        self.page.wait_for_load_state("networkidle")
        return reponse

    def capture(self, nom: str) -> Path:
        self.etape += 1
        self.dossier.mkdir(parents=True, exist_ok=True)
        fichier = self.dossier / f"{self.etape:02d}-{nom}.png"
        self.page.screenshot(path=str(fichier), full_page=True)
        return fichier

    def verifier_rien_hors_portail(self) -> None:
        exterieures = hotes_exterieurs(self.requetes, hote_portail=self.hote)
        assert not exterieures, f"requêtes hors du portail : {exterieures}"


@pytest.fixture
def visite(request, serveur_portail, navigateur: Browser):
    """A fresh browser context (no cookies) on the portal. Requests leaving the portal are
    recorded, then refused, so that a test never waits on the network; at the end of the test
    none must have been made."""
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    nom = re.sub(r"[^\w.-]+", "_", request.node.name)
    page = contexte.new_page()
    v = Visite(page=page, url_base=serveur_portail, dossier=ARTEFACTS / nom)
    page.on("request", lambda r: v.requetes.append(r.url))

    def router(route):
        if hotes_exterieurs([route.request.url], hote_portail=v.hote):
            route.abort()
        else:
            route.continue_()

    contexte.route("**/*", router)
    yield v
    contexte.close()
    v.verifier_rien_hors_portail()
