"""After log-in, each role lands on what waits for it."""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from comptes.models import Utilisateur
from financement.services import paiement_enregistrer
from projets.models import Projet
from tests.factories.comptes import UtilisateurFactory
from tests.factories.financement import EngagementFactory, LigneProgrammeeFactory
from tests.factories.projets import DossierFactory
from tests.gouvernance.conftest import comitologie, instruire, nouveau_projet  # noqa: F401


def page(client, utilisateur):
    client.force_login(utilisateur)
    reponse = client.get(reverse("tableau_de_bord"))
    assert reponse.status_code == 200
    return reponse.content.decode()


def test_l_agent_voit_la_jauge_de_son_enveloppe_et_les_dossiers_a_instruire(client):
    agent = UtilisateurFactory(agent=True, signataire="region")
    programme = DossierFactory(programme=True)
    depose = DossierFactory(depose=True)
    html = page(client, agent)
    assert "L’enveloppe de la Région Hauts-de-France" in html
    assert "400\u202f000,00\u00a0€" in html  # programmed by the Région
    assert "Dossiers à instruire (1)" in html and depose.reference in html
    assert "Lignes programmées sans engagement" in html and programme.reference in html


def test_le_porteur_voit_ses_dossiers_et_leur_prochaine_etape(client):
    brouillon = DossierFactory()
    html = page(client, brouillon.cree_par)
    assert brouillon.reference in html
    assert "À compléter puis à déposer." in html


def test_l_administrateur_voit_le_programme_et_ce_qui_est_en_retard(client):
    depose = DossierFactory(depose=True)
    Projet.objects.filter(pk=depose.pk).update(depose_le=timezone.now() - timedelta(days=45))
    html = page(client, UtilisateurFactory(administrateur=True))
    assert "2\u202f759\u202f563\u202f000,00\u00a0€" in html
    assert "Consommation des enveloppes par signataire" in html
    assert "déposés depuis plus de 30 jours" in html
    assert depose.reference in html


def test_le_membre_voit_ses_votes_dus(client, creer_utilisateur):
    from comptes.models import Role

    membre = creer_utilisateur("membre", role=Role.MEMBRE_COMITE)
    html = page(client, membre)
    assert "Vous n’avez aucun vote en attente." in html
    assert "Aucune séance planifiée dans vos comités." in html


def test_le_tableau_de_bord_tient_en_peu_de_requetes(
    client, administrateur, agent, django_assert_max_num_queries
):
    for utilisateur in (administrateur, agent):
        client.force_login(utilisateur)
        with django_assert_max_num_queries(14):
            client.get(reverse("tableau_de_bord"))


def test_le_membre_voit_les_votes_qu_il_doit_et_ses_seances(client, comitologie):  # noqa: F811
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    html = page(client, c.votants[0].utilisateur)
    assert c.projets[0].reference in html and c.projets[1].reference in html
    assert "Comité de programmation du CPER" in html


def test_la_jauge_de_l_agent_bouge_avec_ses_engagements_et_ses_paiements(client):
    ligne = LigneProgrammeeFactory()
    engagement = EngagementFactory(ligne=ligne, montant=Decimal("200000.00"))
    paiement_enregistrer(
        engagement=engagement,
        par=agent_de(engagement),
        date_paiement=date(2026, 4, 1),
        montant=Decimal("60000.00"),
        type_="acompte",
    )
    html = page(client, agent_de(engagement))
    jauge = html.split('id="jauge"', 1)[1].split("</ul>", 1)[0]
    assert 'Programmé : <span class="montant">400\u202f000,00\u00a0€</span>' in jauge
    assert 'Engagé : <span class="montant">200\u202f000,00\u00a0€</span>' in jauge
    assert 'Payé : <span class="montant">60\u202f000,00\u00a0€</span>' in jauge
    assert "soit <strong>moins de 0,1\u00a0%</strong> de l’enveloppe" in jauge
    assert jauge.count("<rect") == 6  # a track and a bar for each amount


def agent_de(engagement):
    return Utilisateur.objects.get(username=f"agent.{engagement.ligne.signataire.code}")


def test_les_lignes_en_retard_et_leur_nombre_en_une_requete(django_assert_num_queries):
    """The dashboard lists the oldest late lines and says how many there are in all: one
    query however many are late (it counted them apart when the list was full)."""
    from datetime import datetime

    from financement.models import LigneProgrammee
    from suivi.selectors import lignes_en_retard_et_nombre

    lignes = [LigneProgrammeeFactory(), LigneProgrammeeFactory()]
    for jour, ligne in zip((date(2025, 2, 1), date(2025, 1, 15)), lignes, strict=True):
        LigneProgrammee.objects.filter(pk=ligne.pk).update(
            programme_le=timezone.make_aware(datetime.combine(jour, datetime.min.time()))
        )
    signataire = lignes[0].signataire
    with django_assert_num_queries(1):
        retards, nombre = lignes_en_retard_et_nombre(
            signataire=signataire, le=date(2026, 3, 2), limite=1
        )
    assert [r.ligne.pk for r in retards] == [lignes[1].pk]  # the oldest programming first
    assert nombre == 2
    assert lignes_en_retard_et_nombre(signataire=signataire, le=date(2025, 3, 1), limite=1) == (
        [],
        0,
    )


def test_le_lecteur_voit_l_execution_du_programme_sans_les_retards(client, creer_utilisateur):
    from comptes.models import Role

    depose = DossierFactory(depose=True)
    Projet.objects.filter(pk=depose.pk).update(depose_le=timezone.now() - timedelta(days=45))
    html = page(client, creer_utilisateur("lecteur.tdb", role=Role.LECTEUR))
    assert "Consommation des enveloppes par signataire" in html
    assert "2\u202f759\u202f563\u202f000,00\u00a0€" in html
    assert "Ce qui est en retard" not in html and depose.reference not in html


def test_les_chiffres_de_l_agent_en_cache_suivent_chaque_engagement_et_restent_les_siens(
    client, settings
):
    """The signatory's figures are cached for its agents (the same for all of them) and
    dropped at the next movement of the ledger; another signatory's agent never gets them."""
    from django.core.cache import cache

    from financement.services import engagement_enregistrer

    settings.SUIVI_CACHE_SECONDES = 60
    cache.clear()
    ligne = LigneProgrammeeFactory()
    agent = agent_de(EngagementFactory(ligne=ligne, montant=Decimal("100000.00")))
    agent_autre = UtilisateurFactory(agent=True, signataire="etat", username="agent.etat")

    def jauge(utilisateur):
        return page(client, utilisateur).split('id="jauge"', 1)[1].split("</ul>", 1)[0]

    assert 'Engagé : <span class="montant">100\u202f000,00\u00a0€</span>' in jauge(agent)
    assert 'Engagé : <span class="montant">100\u202f000,00\u00a0€</span>' in jauge(agent)
    assert 'Engagé : <span class="montant">0,00\u00a0€</span>' in jauge(agent_autre)
    engagement_enregistrer(
        ligne=ligne,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="arrete",
        reference="ARR-CACHE-TDB",
        montant=Decimal("23456.78"),
        annee_budgetaire=2026,
    )
    assert 'Engagé : <span class="montant">123\u202f456,78\u00a0€</span>' in jauge(agent)
    assert 'Engagé : <span class="montant">0,00\u00a0€</span>' in jauge(agent_autre)
    cache.clear()
