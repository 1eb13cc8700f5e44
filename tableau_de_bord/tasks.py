"""Celery entry points of the top floor: they only call the use-case."""

from celery import shared_task

from tableau_de_bord.recapitulatifs import recapitulatifs_envoyer


@shared_task(acks_late=True)
def recapitulatifs_envoyer_task() -> None:
    """Weekly (beat, Monday morning): what waits for each agent."""
    recapitulatifs_envoyer()
