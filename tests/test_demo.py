"""The fictitious demonstration scenario loads through the services and covers the lifecycle."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from financement.models import Enveloppe, Paiement
from gouvernance.models import Decision, Vote
from projets.models import Projet, Statut
from scenarios.models import Scenario


def test_le_scenario_de_demonstration_couvre_les_etats_et_reste_coherent(settings):
    settings.COMPTES_DEMO_AUTORISES = True
    sortie = StringIO()
    call_command("charger_demo", stdout=sortie)
    assert "Scénario de démonstration fictif chargé" in sortie.getvalue()
    demo = Projet.objects.filter(titre__startswith="[Démo]")
    statuts = set(demo.values_list("statut", flat=True))
    assert statuts >= {
        Statut.BROUILLON,
        Statut.DEPOSE,
        Statut.INCOMPLET,
        Statut.EN_INSTRUCTION,
        Statut.INSTRUIT,
        Statut.INSCRIT_ORDRE_DU_JOUR,
        Statut.REJETE,
        Statut.AJOURNE,
        Statut.EN_COURS,
        Statut.SOLDE,
        Statut.ABANDONNE,
    }
    assert Decision.objects.count() == 5 and Vote.objects.exists()
    assert Paiement.objects.exists()
    assert Scenario.objects.filter(sous_axe__code="V.2.1").count() == 3
    region = Enveloppe.objects.get(signataire__code="region")
    assert region.montant_paye <= region.montant_engage <= region.montant_programme
    assert "déjà chargé" in (call_command("charger_demo", stdout=(s := StringIO())) or s.getvalue())
    assert demo.count() == Projet.objects.filter(titre__startswith="[Démo]").count()


def test_pas_de_scenario_de_demonstration_en_production(settings):
    settings.COMPTES_DEMO_AUTORISES = False
    with pytest.raises(CommandError, match="production"):
        call_command("charger_demo", stdout=StringIO())
    assert not Projet.objects.filter(titre__startswith="[Démo]").exists()
