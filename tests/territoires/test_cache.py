"""The territories' figures are cached per audience and dropped as soon as money, a dossier's
places or a perimeter changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from axes.models import TerritoireSpecial
from territoires.models import PerimetreTerritoire
from tests.factories.comptes import UtilisateurFactory
from tests.factories.projets import DossierFactory

URL = "/territoires/commune/59009/"


@pytest.fixture
def avec_cache(settings):
    settings.TERRITOIRES_CACHE_SECONDES = 60
    cache.clear()
    yield
    cache.clear()


def _requetes(client, url):
    with CaptureQueriesContext(connection) as requetes:
        page = client.get(url).content.decode()
    return page, len(requetes)


def test_une_page_relue_vient_du_cache_et_suit_chaque_changement(client, avec_cache):
    premier = DossierFactory(programme=True, titre="Premier dossier")
    page, froid = _requetes(client, URL)
    assert premier.reference in page
    page, chaud = _requetes(client, URL)
    assert premier.reference in page and chaud < froid
    second = DossierFactory(programme=True, titre="Second dossier", par=premier.cree_par)
    page, _ = _requetes(client, URL)
    assert second.reference in page
    # An agent sees more than an anonymous visitor: never the same cache entry.
    depose = DossierFactory(depose=True, titre="Déposé", par=premier.cree_par)
    assert depose.reference not in client.get(URL).content.decode()
    client.force_login(UtilisateurFactory(username="agent.cache", role="agent"))
    assert depose.reference in client.get(URL).content.decode()
    client.logout()
    assert depose.reference not in client.get(URL).content.decode()


def test_un_perimetre_fixe_par_le_secretariat_se_voit_aussitot(client, avec_cache):
    DossierFactory(programme=True)
    url = "/territoires/specifique/littoral/"
    assert "le secrétariat peut la fixer" in client.get(url).content.decode()
    PerimetreTerritoire.objects.create(
        territoire=TerritoireSpecial.objects.get(code="littoral"), codes_insee="59009"
    )
    assert "Périmètre fixé par le secrétariat" in client.get(url).content.decode()


def test_le_precalcul_remplit_le_cache_seulement_quand_quelque_chose_a_change(
    client, avec_cache, settings
):
    from territoires.selectors import precalculer
    from territoires.tasks import precalculer_task

    assert settings.CELERY_BEAT_SCHEDULE["territoires-precalculer"]["task"] == (
        "territoires.tasks.precalculer_task"
    )
    premier = DossierFactory(programme=True)
    assert precalculer_task.delay().get() == 2 * (1 + 5 + 6)
    assert precalculer() == 0  # nothing changed since
    # The Nord's figures are already there: the page reads them without the rows.
    _, precalcule = _requetes(client, "/territoires/departement/59/")
    cache.clear()
    _, calcule = _requetes(client, "/territoires/departement/59/")
    assert precalcule < calcule
    DossierFactory(programme=True, titre="Un autre", par=premier.cree_par)
    assert precalculer() == 2 * (1 + 5 + 6)


def test_apres_un_changement_le_public_voit_les_chiffres_precedents_le_temps_du_recalcul(
    client, avec_cache
):
    """While the worker recomputes after a change, an anonymous visitor is not made to wait:
    the previous figures, said as such; who is logged in sees the current ones; once the
    worker is done, everyone sees the new figures."""
    from territoires.selectors import MARQUE_EN_COURS
    from territoires.tasks import precalculer_task

    url = "/territoires/departement/59/"
    premier = DossierFactory(programme=True, titre="Premier dossier")
    page = client.get(url).content.decode()
    assert premier.reference in page and "ceux d'avant ce changement" not in page
    second = DossierFactory(programme=True, titre="Second dossier", par=premier.cree_par)
    cache.set(MARQUE_EN_COURS, 1, 60)  # what the commit of that change asked the worker

    page = client.get(url).content.decode()
    assert "ceux d'avant ce changement" in page
    assert premier.reference in page and second.reference not in page
    client.force_login(UtilisateurFactory(username="agent.frais", role="agent"))
    page = client.get(url).content.decode()
    assert second.reference in page and "ceux d'avant ce changement" not in page
    client.logout()

    assert precalculer_task.delay().get() == 2 * (1 + 5 + 6)
    assert cache.get(MARQUE_EN_COURS) is None
    page = client.get(url).content.decode()
    assert second.reference in page and "ceux d'avant ce changement" not in page


def test_la_validation_d_un_changement_demande_le_recalcul(
    avec_cache, django_capture_on_commit_callbacks
):
    from territoires.selectors import precalculer

    with django_capture_on_commit_callbacks(execute=True) as rappels:
        DossierFactory(programme=True)
    assert rappels  # the commit asked for the figures
    # The (eager) worker already computed the new figures, and let the public see them.
    assert precalculer() == 0
