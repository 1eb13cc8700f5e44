"""The API lists written by hand (issue 14) give, row for row, what DRF's walk over the
declared fields of their serializers gives (the detail's way): ids, codes, money as strings
with two decimals, dates, nulls, nested payments and plan lines in their order."""

import re
from datetime import date
from decimal import Decimal

import pytest
from rest_framework.renderers import JSONRenderer

from financement.api import EngagementSerializer, LigneProgrammeeSerializer
from financement.models import Engagement, LigneProgrammee
from financement.services import engagement_enregistrer, paiement_enregistrer, projet_programmer
from projets.api import ProjetListeSerializer
from projets.models import Projet
from projets.selectors import projets_pour_liste
from projets.services import projet_creer
from tests.factories.projets import dater_la_programmation


@pytest.fixture
def registre(porteur, administrateur, agent, donnees_completes, retenir):
    """Three programmed dossiers: commitments with no, one and two payments (cents; two
    on the same day, whose order is the id's)."""
    for numero in range(3):
        projet = retenir(projet_creer(donnees=donnees_completes(), par=porteur))
        dater_la_programmation(projet_programmer(projet=projet, par=administrateur))
        ligne = projet.lignes_programmees.get(signataire__code="region")
        for rang in range(numero + 1):
            engagement = engagement_enregistrer(
                ligne=ligne,
                par=agent,
                date_acte=date(2026, 3, 1 + rang),
                type_acte="arrete",
                reference=f"ARR-{numero}-{rang}",
                montant=Decimal("1000.10"),
                annee_budgetaire=2026,
            )
            for paiement in range(rang):
                paiement_enregistrer(
                    engagement=engagement,
                    par=agent,
                    date_paiement=date(2026, 4, 1),
                    montant=Decimal("10.05") + paiement,
                    type_="acompte",
                    reference=f"M-{paiement}",
                )


def json_de(donnees) -> bytes:
    return JSONRenderer().render(donnees)


def test_les_engagements_de_la_liste_sont_ceux_du_detail(client, agent, registre):
    client.force_login(agent)
    liste = client.get("/api/v1/financement/engagements/", {"taille": 500}).json()["results"]
    un_par_un = [
        EngagementSerializer(e).data
        for e in Engagement.objects.select_related("signataire", "ligne__projet")
        .prefetch_related("paiements")
        .order_by("pk")
    ]
    assert len(liste) == 6 and sum(len(e["paiements"]) for e in liste) == 4
    assert json_de(liste) == json_de(un_par_un)
    deux = next(e for e in liste if len(e["paiements"]) == 2)
    assert [p["montant"] for p in deux["paiements"]] == ["10.05", "11.05"]
    assert deux["date_acte"] == "2026-03-03" and deux["paiements"][0]["date"] == "2026-04-01"
    assert deux["montant"] == "1000.10" and deux["montant_paye"] == "21.10"


def test_les_lignes_programmees_de_la_liste_sont_celles_du_detail(client, agent, registre):
    client.force_login(agent)
    liste = client.get("/api/v1/financement/lignes/", {"taille": 500}).json()["results"]
    un_par_un = [
        LigneProgrammeeSerializer(ligne).data
        for ligne in LigneProgrammee.objects.select_related(
            "projet", "signataire", "noeud"
        ).order_by("pk")
    ]
    assert len(liste) == len(un_par_un) >= 6
    assert json_de(liste) == json_de(un_par_un)
    assert all(re.fullmatch(r"[0-9]+\.[0-9]{2}", ligne["montant_engage"]) for ligne in liste)
    assert {ligne["montant_engage"] for ligne in liste} >= {"1000.10", "2000.20", "3000.30"}


def test_les_projets_de_la_liste_sont_ceux_que_declarent_leurs_champs(
    client, administrateur, registre
):
    client.force_login(administrateur)
    Projet.objects.filter(pk=Projet.objects.order_by("pk").first().pk).update(
        maitre_ouvrage=None, cout_total_ht=None
    )
    liste = client.get("/api/v1/projets/", {"taille": 500}).json()["results"]
    un_par_un = [
        ProjetListeSerializer(p).data
        for p in projets_pour_liste(utilisateur=administrateur).order_by("reference")
    ]
    assert len(liste) == len(un_par_un) >= 3
    assert json_de(liste) == json_de(un_par_un)
    assert any(p["maitre_ouvrage"] is None and p["cout_total_ht"] is None for p in liste)
    assert any(p["lignes"] and p["departements"] for p in liste)


def test_les_seances_de_la_liste_sont_celles_du_detail(client, lecteur, administrateur):
    from datetime import UTC, datetime

    from gouvernance.api import SeanceSortieSerializer
    from gouvernance.models import Comite, Seance
    from gouvernance.selectors import seances_visibles

    comite = Comite.objects.get(code="programmation")
    Seance.objects.create(
        comite=comite,
        date=datetime(2026, 5, 4, 9, 30, tzinfo=UTC),
        lieu="Lille",
        cree_par=administrateur,
    )
    Seance.objects.create(
        comite=comite,
        date=datetime(2026, 6, 1, 14, 0, 12, 345678, tzinfo=UTC),
        lien_visio="https://visio.example.org/cper",
        etat="close",
        convoquee_le=datetime(2026, 5, 20, 8, 0, tzinfo=UTC),
        ouverte_le=datetime(2026, 6, 1, 14, 5, tzinfo=UTC),
        close_le=datetime(2026, 6, 1, 17, 45, tzinfo=UTC),
        votants_attendus=5,
        votants_presents=4,
        cree_par=administrateur,
    )
    client.force_login(lecteur)
    liste = client.get("/api/v1/seances/", {"taille": 500}).json()["results"]
    un_par_un = [
        SeanceSortieSerializer(s).data
        for s in seances_visibles(utilisateur=lecteur).order_by("-date")
    ]
    assert len(liste) == len(un_par_un) >= 2
    assert json_de(liste) == json_de(un_par_un)
    close = next(s for s in liste if s["etat"] == "close")
    assert close["convoquee_le"] and close["close_le"] and close["date"].startswith("2026-06-01")
    assert any(s["convoquee_le"] is None for s in liste)
