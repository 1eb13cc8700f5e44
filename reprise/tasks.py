"""Celery entry points of the import: they take an id and only call the services."""

import logging

from celery import shared_task

from reprise import services

logger = logging.getLogger(__name__)


@shared_task(name=services.TACHE_VERIFIER, acks_late=True, soft_time_limit=600, time_limit=660)
def import_verifier_task(import_id: int) -> None:
    try:
        services.import_verifier(import_id=import_id)
    except Exception:
        logger.exception("Import %s : erreur inattendue à la vérification", import_id)
        services.import_echouer(import_id=import_id)


@shared_task(name=services.TACHE_APPLIQUER, acks_late=True, soft_time_limit=900, time_limit=960)
def import_appliquer_task(import_id: int) -> None:
    try:
        services.import_appliquer(import_id=import_id)
    except Exception:
        logger.exception("Import %s : erreur inattendue à l'application", import_id)
        services.import_echouer(import_id=import_id)
