"""Celery entry points of the territories: they only call the use-case."""

from celery import shared_task

from territoires.selectors import precalculer


@shared_task(acks_late=True)
def precalculer_task() -> int:
    """Every few minutes (beat): the region's, départements' and special territories' figures
    computed ahead of the visitors when something changed."""
    return precalculer()
