"""Celery entry points of the territories: they only call the use-case."""

from celery import shared_task
from django.core.cache import cache

from territoires.selectors import MARQUE_EN_COURS, precalculer


@shared_task(acks_late=True)
def precalculer_task() -> int:
    """After a change (`fraicheur.demander_precalcul`) and every few minutes (beat): the
    region's, départements' and special territories' figures computed ahead of the visitors
    when something changed; again while writes came in during the computation."""
    calcules = 0
    try:
        for _ in range(3):
            nombre = precalculer()
            if not nombre:
                break
            calcules += nombre
    finally:
        cache.delete(MARQUE_EN_COURS)
    return calcules
