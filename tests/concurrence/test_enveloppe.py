"""40 simultaneous requests against one limit, on PostgreSQL: exactly what the limit allows,
never a cent more (measured on a naive « sum, then insert »: 3.6 to 4 times over)."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client

from axes.models import Signataire
from comptes.models import Role
from financement.models import Engagement, Enveloppe, LigneProgrammee
from financement.services import projet_programmer
from projets.models import NatureFinancement, Projet, SourceFinancement, Statut
from projets.services import LigneSaisie, projet_creer
from socle.exceptions import RegleMetierError
from tests.factories.projets import dater_la_programmation

NOMBRE = 40

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lent]


def en_meme_temps(fonction, arguments):
    """Run `fonction(argument)` in one thread per argument, all released at the same instant."""
    depart = threading.Barrier(len(arguments))
    resultats = [None] * len(arguments)

    def executer(rang, argument):
        try:
            depart.wait()
            resultats[rang] = fonction(argument)
        except Exception as erreur:
            resultats[rang] = erreur
        finally:
            connections.close_all()

    fils = [
        threading.Thread(target=executer, args=(rang, argument))
        for rang, argument in enumerate(arguments)
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=120)
    return resultats


def test_40_engagements_simultanes_sur_une_ligne(
    base_transactionnelle_avec_contrat, creer_utilisateur, donnees_completes
):
    region = Signataire.objects.get(code="region")
    agent = creer_utilisateur("agent.region", role=Role.AGENT, organisation=region.organisation)
    administrateur = creer_utilisateur("admin", role=Role.ADMINISTRATEUR)
    projet = projet_creer(donnees=donnees_completes(), par=administrateur)
    Projet.objects.filter(pk=projet.pk).update(statut=Statut.RETENU)
    dater_la_programmation(projet_programmer(projet=projet, par=administrateur))
    ligne = LigneProgrammee.objects.get(projet=projet, signataire=region)  # 400 000,00 €

    clients = []
    for _ in range(NOMBRE):
        client = Client()
        client.force_login(agent)
        clients.append(client)
    url = f"/api/v1/financement/lignes/{ligne.pk}/engagements/"
    corps = {
        "date_acte": "2026-03-01",
        "type_acte": "convention",
        "reference": "CONV",
        "montant": "15000.00",
        "annee_budgetaire": 2026,
    }

    reponses = en_meme_temps(
        lambda client: client.post(url, corps, content_type="application/json"), clients
    )

    codes = sorted(r.status_code for r in reponses)
    assert codes.count(201) == 26  # ⌊400 000 / 15 000⌋
    assert codes.count(400) == NOMBRE - 26
    refus = next(r for r in reponses if r.status_code == 400).json()
    assert "disponibles sur 400\u202f000,00\u00a0€ programmés" in refus["montant"][0]
    ligne.refresh_from_db()
    assert ligne.montant_engage == Decimal("390000.00")
    assert sum(Engagement.objects.values_list("montant", flat=True)) == Decimal("390000.00")
    assert Enveloppe.objects.get(signataire=region).montant_engage == Decimal("390000.00")


def test_40_programmations_simultanees_sur_une_enveloppe(
    base_transactionnelle_avec_contrat, creer_utilisateur, donnees_completes
):
    aisne = Signataire.objects.get(code="aisne")
    administrateur = creer_utilisateur("admin", role=Role.ADMINISTRATEUR)
    Enveloppe.objects.filter(signataire=aisne).update(montant=Decimal("105000.00"))
    projets = []
    for rang in range(NOMBRE):
        projet = projet_creer(
            donnees=donnees_completes(
                titre=f"Projet axonais {rang}",
                cout_total_ht=Decimal("12500.00"),
                lignes=[
                    LigneSaisie(
                        Decimal("10000.00"), NatureFinancement.CPER, signataire_id=aisne.pk
                    ),
                    LigneSaisie(
                        Decimal("2500.00"),
                        NatureFinancement.HORS_CPER,
                        source=SourceFinancement.FONDS_PROPRES,
                    ),
                ],
            ),
            par=administrateur,
        )
        projets.append(projet)
    Projet.objects.filter(pk__in=[p.pk for p in projets]).update(statut=Statut.RETENU)

    resultats = en_meme_temps(
        lambda projet: projet_programmer(projet=projet, par=administrateur),
        projets,
    )

    reussis = [r for r in resultats if isinstance(r, Projet)]
    refus = [r for r in resultats if isinstance(r, RegleMetierError)]
    assert len(reussis) == 10 and len(refus) == NOMBRE - 10, resultats
    assert "il reste 5\u202f000,00\u00a0€ disponibles" in refus[-1].erreurs["lignes"][0]
    enveloppe = Enveloppe.objects.get(signataire=aisne)
    assert enveloppe.montant_programme == Decimal("100000.00")
    assert (
        Projet.objects.filter(pk__in=[p.pk for p in projets], statut=Statut.PROGRAMME).count() == 10
    )
    assert Projet.objects.filter(pk__in=[p.pk for p in projets], statut=Statut.RETENU).count() == 30
