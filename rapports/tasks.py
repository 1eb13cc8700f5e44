"""Celery entry points of the reports. They take ids, never objects, and only call services.

The import goes one way: this module imports `rapports.services`; the services send the build
task by its name (`services.TACHE_EXECUTER`), never by importing this module.

Reliability, in layers:
- `acks_late` + `reject_on_worker_lost` (settings): a message is acknowledged only when the
  task ends, so a worker killed mid-job does not silently drop the request;
- a transient error (database or broker connection) is retried with exponential backoff;
- `soft_time_limit` stops a runaway document with a French message;
- `travaux_bloques_relancer_task` (beat, every 10 min) re-queues or fails any job left
  `en_cours` by a worker that died; the services make every re-run harmless.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from rapports import services

logger = logging.getLogger(__name__)

ERREURS_TRANSITOIRES = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    name=services.TACHE_EXECUTER,
    bind=True,
    autoretry_for=ERREURS_TRANSITOIRES,
    retry_backoff=True,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=settings.RAPPORTS_LIMITE_SOUPLE,
    time_limit=settings.RAPPORTS_LIMITE_DURE,
    acks_late=True,
    reject_on_worker_lost=True,
)
def travail_executer_task(self, travail_id: int) -> None:
    try:
        services.travail_executer(travail_id=travail_id, task_id=self.request.id or "")
    except services.DocumentIndisponible as exc:
        services.travail_echouer(travail_id=travail_id, message=str(exc))
    except SoftTimeLimitExceeded:
        services.travail_echouer(travail_id=travail_id, message=services.MESSAGE_TROP_LONG)
    except ERREURS_TRANSITOIRES:
        if self.request.retries >= self.max_retries:
            logger.exception("Travail %s : échec après %s reprises", travail_id, self.max_retries)
            services.travail_echouer(travail_id=travail_id, message=services.MESSAGE_INDISPONIBLE)
            return
        raise  # autoretry_for schedules the next attempt, with exponential backoff
    except Exception:
        logger.exception("Travail %s : erreur inattendue", travail_id)
        services.travail_echouer(travail_id=travail_id, message=services.MESSAGE_INATTENDU)


@shared_task(acks_late=True)
def travaux_bloques_relancer_task() -> None:
    services.travaux_bloques_relancer()
