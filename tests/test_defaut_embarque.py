"""`make run` must never rot: the embedded default (SQLite, Celery eager) migrates, loads the
contract, runs the ledger on its SQLite triggers and serves the home page. This is the only
test that touches SQLite, so it is also the one that proves the SQLite copy of the ledger's
triggers (financement migration 0003): the demo scenario programmes, commits and pays through
the services, then `verifier_registre` recomputes every stored total from its rows."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from tests.projets.test_recherche import RECHERCHES_DU_CONTRAT

RACINE = Path(__file__).resolve().parent.parent


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.lent
def test_le_defaut_embarque_migre_charge_et_sert_l_accueil(tmp_path):
    env = {
        cle: valeur
        for cle, valeur in os.environ.items()
        if cle not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cper.settings",
        DEBUG="1",
        CPER_VAR_DIR=str(tmp_path),
        PYTHONDONTWRITEBYTECODE="1",
    )

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=RACINE,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    manage("migrate", "--no-input", "-v", "0")
    assert (tmp_path / "cper.sqlite3").exists()
    sortie = manage("charger_cper").stdout
    assert "créations : 1 contrat, 5 articles du contrat," in sortie
    assert "118 axes et mesures" in sortie
    assert "aucune modification" in manage("charger_cper").stdout
    assert "agent.mel" in manage("creer_comptes_demo").stdout

    # The ledger on SQLite: the triggers keep every running total and the stored slices per
    # signatory and axis, département and year (migration 0009), the check finds no gap.
    assert "12 dossiers « [Démo] »" in manage("charger_demo").stdout
    verification = manage("verifier_registre", "--sans-courriel").stdout
    assert "Registre cohérent : 72 totaux contrôlés, aucun écart." in verification
    totaux = manage(
        "shell",
        "-c",
        "from django.db.models import Sum; from financement.models import Enveloppe; "
        "t = Enveloppe.objects.aggregate(p=Sum('montant_programme'), e=Sum('montant_engage'), "
        "y=Sum('montant_paye')); print(t['p'], t['e'], t['y'])",
    ).stdout.split()[-3:]
    programme, engage, paye = (Decimal(total) for total in totaux)
    assert (programme, engage, paye) == (Decimal("1740000"), Decimal("1740000"), Decimal("690000"))

    # The text search on SQLite (no trigram index): the same results as on PostgreSQL.
    recherches = manage(
        "shell",
        "-c",
        "import json; from projets.models import Projet; "
        "from projets.recherche import rechercher; "
        f"textes = {list(RECHERCHES_DU_CONTRAT)!r}; "
        "print(json.dumps({t: list(rechercher(Projet.objects.filter(origine='contrat'), t)"
        ".values_list('reference', flat=True)) for t in textes}))",
    ).stdout.splitlines()[-1]
    assert json.loads(recherches) == RECHERCHES_DU_CONTRAT

    port = port_libre()
    serveur = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=RACINE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        html = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reponse:
                    assert reponse.status == 200
                    html = reponse.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert html is not None, "le serveur n'a pas répondu"
        assert "2\u202f759,563\u00a0M€" in html
        assert "Métropole Européenne de Lille" in html
    finally:
        serveur.terminate()
        serveur.wait(timeout=10)
