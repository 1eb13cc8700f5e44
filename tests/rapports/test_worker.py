"""With a real Celery worker (another process) on the real Redis broker.

These tests commit their data (`transaction=True`): the worker reads it through its own
connection to pytest-django's test database.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cper.celery import app as celery_app
from rapports.models import EtatTravail, Travail, TypeTravail
from rapports.services import travail_demander, travaux_bloques_relancer
from tests.rapports.outils import texte_pdf

RACINE = Path(__file__).resolve().parents[2]
ATTENTE_MAX = 60  # seconds


def url_base_de_test() -> str:
    reglages = connection.settings_dict
    utilisateur = reglages["USER"] or "postgres"
    hote = reglages["HOST"] or "127.0.0.1"
    port = reglages["PORT"] or "5432"
    return f"postgres://{utilisateur}@{hote}:{port}/{reglages['NAME']}"


@pytest.fixture
def file_unique(settings):
    """A queue of our own, so that no other worker on the same Redis takes our jobs."""
    nom = f"test-rapports-{uuid.uuid4().hex[:10]}"
    settings.RAPPORTS_FILE_CELERY = nom
    avant = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield nom
    celery_app.conf.task_always_eager = avant
    nettoyer_redis(nom)


def nettoyer_redis(file: str) -> None:
    """Forget our queue in Redis, and the message a killed worker left unacknowledged."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for cle in broker.scan_iter(f"*{file}*"):
        broker.delete(cle)
    for etiquette, message in broker.hgetall("unacked").items():
        if file.encode() in message:
            broker.hdel("unacked", etiquette)
            broker.zrem("unacked_index", etiquette)


@pytest.fixture
def lancer_worker(file_unique, tmp_path):
    """Start `celery worker` processes on the unique queue; all are stopped at the end."""
    processus = []

    @contextmanager
    def lancer():
        journal = tmp_path / f"worker-{len(processus)}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cper.settings_test",
            "CELERY_EAGER": "0",
            "DATABASE_URL": url_base_de_test(),
            "CPER_VAR_DIR": str(tmp_path),
            "CONN_MAX_AGE": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        with journal.open("w") as sortie:
            worker = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "cper", "worker",
                    "--pool=solo", "--concurrency=1", "-Q", file_unique,
                    "-n", f"{file_unique}-{len(processus)}@%h",
                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=RACINE, env=env, stdout=sortie, stderr=subprocess.STDOUT,
            )  # fmt: skip
        processus.append((worker, journal))
        yield worker

    yield lancer
    for worker, journal in processus:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        print(f"--- {journal.name} ---\n{journal.read_text()[-3000:]}")


def attendre(travail: Travail, condition, *, delai: float = ATTENTE_MAX) -> Travail:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        travail.refresh_from_db()
        if condition(travail):
            return travail
        time.sleep(0.2)
    raise AssertionError(
        f"délai dépassé : état {travail.etat}, progression {travail.progression}, "
        f"message « {travail.message_erreur} »"
    )


@pytest.fixture
def media_du_worker(settings, tmp_path):
    """The worker writes under CPER_VAR_DIR/documents: the test process reads the same place."""
    settings.MEDIA_ROOT = tmp_path / "documents"
    return settings.MEDIA_ROOT


@pytest.mark.lent
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("base_transactionnelle_avec_contrat")
def test_un_worker_celery_produit_le_bilan_demande_par_la_page(
    client, creer_utilisateur, lancer_worker, media_du_worker
):
    utilisateur = creer_utilisateur("agent-region", email="agent@exemple.fr")
    client.force_login(utilisateur)
    reponse = client.post(reverse("rapports:liste"), {"perimetre": ""})
    assert reponse.status_code == 302
    travail = Travail.objects.get(demandeur=utilisateur)
    assert travail.etat == EtatTravail.EN_ATTENTE  # not built in the request

    with lancer_worker():
        travail = attendre(travail, lambda t: t.est_termine)
    assert travail.etat == EtatTravail.PRET, travail.message_erreur
    assert travail.celery_task_id and travail.tentatives == 1

    etat = client.get(reverse("rapports:etat", args=[travail.pk])).json()
    assert etat["libelle_etat"] == "prêt" and etat["progression"] == 100
    telechargement = client.get(etat["url_telechargement"])
    assert telechargement.status_code == 200
    texte = texte_pdf(b"".join(telechargement.streaming_content))
    assert "Bilan d'exécution" in texte
    assert "2 759 563 000,00 €" in texte
    assert Path(travail.fichier.path).is_relative_to(media_du_worker)


@pytest.mark.lent
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("base_transactionnelle_avec_contrat")
def test_un_worker_tue_en_plein_travail_ne_perd_pas_la_demande(
    creer_utilisateur, lancer_worker, media_du_worker
):
    utilisateur = creer_utilisateur("agent-nord")
    travail = travail_demander(
        type=TypeTravail.BILAN_EXECUTION, parametres={"pause_test": 0.4}, par=utilisateur
    )
    with lancer_worker() as premier:
        travail = attendre(travail, lambda t: t.progression >= 15)
        premier.send_signal(signal.SIGKILL)
        premier.wait(timeout=10)
    travail.refresh_from_db()
    assert travail.etat == EtatTravail.EN_COURS  # the worker died: nobody will finish it
    assert travail.tentatives == 1

    # Later, beyond the task's hard time limit, the periodic sweep finds it and re-queues it.
    assert travaux_bloques_relancer() == (0, 0)  # not before its time limit
    Travail.objects.filter(pk=travail.pk).update(
        demarre_le=timezone.now() - timedelta(seconds=settings.RAPPORTS_DELAI_BLOCAGE + 1)
    )
    assert travaux_bloques_relancer() == (1, 0)
    travail.refresh_from_db()
    assert travail.etat == EtatTravail.EN_ATTENTE

    with lancer_worker():
        travail = attendre(travail, lambda t: t.est_termine)
    assert travail.etat == EtatTravail.PRET, travail.message_erreur
    assert travail.tentatives == 2
    assert [p.name for p in (media_du_worker / "rapports").iterdir()] == [
        f"travail-{travail.pk}.pdf"
    ]
    with travail.fichier.open("rb") as fichier:
        assert "2 759 563 000,00 €" in texte_pdf(fichier.read())
