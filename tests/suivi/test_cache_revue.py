"""The mid-term review's figures are cached (the same for every reader) and dropped at every
write they count: a commitment, a payment, an avenant in force, an indicator. Who may not see
the review is still refused; the avenant form is the secretariat's whoever filled the cache."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from axes.models import Noeud
from financement.services import (
    avenant_mettre_en_vigueur,
    engagement_enregistrer,
    paiement_enregistrer,
)
from socle.montants import format_euros
from suivi.services import IndicateurSaisi, contribution_renseigner, indicateur_definir
from tests.financement.test_avenants import approuver_par_tous, creer

D = Decimal
URL = "/suivi/bilan-mi-parcours/?date=2026-12-03"


@pytest.fixture
def avec_cache(settings):
    settings.SUIVI_CACHE_SECONDES = 60
    cache.clear()
    yield
    cache.clear()


def _page(client):
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(URL)
    assert reponse.status_code == 200
    return reponse.content.decode(), len(requetes)


def test_le_bilan_relu_vient_du_cache_et_suit_chaque_ecriture(
    client, avec_cache, administrateur, agent, ligne_region, porteur
):
    client.force_login(agent)
    _, froid = _page(client)
    page, chaud = _page(client)
    assert chaud < froid
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="arrete",
        reference="ARR-CACHE",
        montant=D("123456.78"),
        annee_budgetaire=2026,
    )
    page, _ = _page(client)
    assert format_euros(D("123456.78")) in page
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 4, 1),
        montant=D("12345.67"),
        type_="acompte",
    )
    page, _ = _page(client)
    assert format_euros(D("12345.67")) in page

    avenant = creer(administrateur)
    approuver_par_tous(avenant, administrateur)
    assert format_euros(D("1094262000.00")) not in _page(client)[0]
    avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=timezone.localdate())
    assert format_euros(D("1094262000.00")) in _page(client)[0]

    indicateur = indicateur_definir(
        saisie=IndicateurSaisi(
            noeud=Noeud.objects.get(code=ligne_region.noeud.code),
            nom="Surface rénovée en cache",
            unite="m²",
            nature="realisation",
            cible_2027=D("20000"),
            source="Déclarations",
            valeur_reference=D("0"),
        ),
        par=administrateur,
    )
    page, _ = _page(client)
    assert "Surface rénovée en cache" in page
    contribution_renseigner(
        projet=ligne_region.projet,
        indicateur=indicateur,
        par=porteur,
        valeur_attendue=D("4321"),
        valeur_realisee=None,
        commentaire="",
    )
    assert "4\u202f321 (21,6\u00a0%)" in _page(client)[0]


def test_le_formulaire_d_avenant_reste_au_secretariat_quel_que_soit_le_premier_lecteur(
    client, avec_cache, administrateur, agent, projet_programme
):
    for ordre in ((agent, administrateur, agent), (administrateur, agent, administrateur)):
        cache.clear()
        for qui in ordre:
            client.force_login(qui)
            page, _ = _page(client)
            assert ('id="form-avenant-revue"' in page) is (qui == administrateur)
            assert ('name="degager_region"' in page) is (qui == administrateur)


@pytest.mark.parametrize("qui", ["porteur", "lecteur"])
def test_le_cache_n_ouvre_pas_le_bilan_aux_autres(client, avec_cache, agent, request, qui):
    client.force_login(agent)
    _page(client)
    client.force_login(request.getfixturevalue(qui))
    assert client.get(URL).status_code == 403
