"""The harness itself: server on the test database, committed data visible, reload after flush."""

import pytest

from axes.models import Noeud
from comptes.models import Role
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import hotes_exterieurs, se_connecter

pytestmark = [pytest.mark.e2e, pytest.mark.lent]


def test_le_serveur_sert_le_contrat_charge_dans_la_base_de_test(visite):
    visite.ouvrir("/")
    assert "2\u202f759,563\u00a0M€" in visite.page.inner_text("#total-contrat")
    visite.capture("accueil")


@pytest.mark.django_db(transaction=True)
def test_les_donnees_creees_par_un_test_transactionnel_sont_vues_du_serveur(
    visite, creer_utilisateur
):
    creer_utilisateur("agent.somme", role=Role.AGENT, first_name="Alix", last_name="Durand")
    se_connecter(visite.page, visite.url_base, "agent.somme", MOT_DE_PASSE)
    assert visite.page.url.endswith("/tableau-de-bord/")
    assert "Bonjour Alix Durand" in visite.page.inner_text("main")


def test_le_contrat_est_recharge_apres_un_test_transactionnel():
    assert Noeud.objects.count() == 118


def test_seul_le_portail_en_boucle_locale_compte_comme_interieur():
    hote = "127.0.0.1:8123"
    assert hotes_exterieurs(
        [
            "http://127.0.0.1:8123/static/dsfr.css",
            "data:image/svg+xml;base64,AAAA",
            "https://fonts.gstatic.com/s/marianne.woff2",
            "http://127.0.0.1:9999/",
            "http://exemple.fr/127.0.0.1:8123",
        ],
        hote_portail=hote,
    ) == [
        "https://fonts.gstatic.com/s/marianne.woff2",
        "http://127.0.0.1:9999/",
        "http://exemple.fr/127.0.0.1:8123",
    ]
