"""When the cached figures of the territories go stale: a generation number that every write
touching money, a dossier's places or a perimeter moves on.

The number is a PostgreSQL sequence (`territoires_generation`, migration 0002), moved by
`socle.generation`: inside the writing transaction and once more after the commit. Without
PostgreSQL (the embedded SQLite default) there is no number and nothing is cached. The
receivers are connected by `TerritoiresConfig.ready`; bulk writes that send no signal (the
volume generator) call `avancer` themselves.
"""

import logging
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from socle.generation import avancer as socle_avancer
from socle.generation import lire

SEQUENCE = "territoires_generation"
journal = logging.getLogger(__name__)


def generation() -> int | None:
    return lire(SEQUENCE)


def avancer() -> None:
    """The cached figures are stale: now, and again once the transaction commits; then the
    worker is asked to compute them again (`demander_precalcul`)."""
    socle_avancer(SEQUENCE, apres_validation=demander_precalcul)


def demander_precalcul() -> None:
    """Ask the worker, once for a burst of writes, to compute the region's, départements' and
    special territories' figures again; until it is done (at most a minute), anonymous visitors
    are shown the previous figures, said as such, instead of waiting for the computation. A
    broker that does not answer costs nothing but that: the figures are computed at the next
    visit, or by the beat task."""
    from django.core.cache import cache

    from territoires import selectors, tasks

    if not selectors.duree_cache() or connection.vendor != "postgresql":
        return
    memoire_locale = "locmem" in str(settings.CACHES["default"]["BACKEND"]).lower()
    if memoire_locale and not settings.CELERY_TASK_ALWAYS_EAGER:
        return  # the worker would fill its own memory, not the web processes'

    if not cache.add(selectors.MARQUE_EN_COURS, 1, selectors.DUREE_MARQUE_EN_COURS):
        return  # already asked: the task recomputes the newest figures when it runs
    try:
        tasks.precalculer_task.apply_async(countdown=2)
    except Exception:
        cache.delete(selectors.MARQUE_EN_COURS)
        journal.warning("Précalcul des territoires non demandé : file de tâches injoignable")


def _recepteur(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures loaded as they are
        return
    avancer()


def connecter() -> None:
    from financement.models import Engagement, LigneProgrammee, Paiement
    from projets.models import CommuneProjet, LignePlanFinancement, Projet
    from territoires.models import PerimetreTerritoire

    for modele in (
        Projet,
        LignePlanFinancement,
        CommuneProjet,
        LigneProgrammee,
        Engagement,
        Paiement,
        PerimetreTerritoire,
    ):
        post_save.connect(_recepteur, sender=modele, dispatch_uid=f"territoires-{modele.__name__}")
        post_delete.connect(
            _recepteur, sender=modele, dispatch_uid=f"territoires-suppr-{modele.__name__}"
        )
    for lien in (Projet.departements.through, Projet.territoires_speciaux.through):
        m2m_changed.connect(_recepteur, sender=lien, dispatch_uid=f"territoires-{lien.__name__}")
