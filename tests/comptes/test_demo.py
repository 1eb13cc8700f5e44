from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comptes.models import Role, Utilisateur


def test_les_comptes_de_demo_couvrent_chaque_role_et_chaque_signataire(settings):
    settings.COMPTES_DEMO_AUTORISES = True
    sortie = StringIO()
    call_command("creer_comptes_demo", stdout=sortie)
    roles = set(Utilisateur.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    agents = Utilisateur.objects.filter(role=Role.AGENT).select_related("organisation__signataire")
    assert sorted(a.organisation.signataire.code for a in agents) == sorted(
        [
            "etat",
            "region",
            "nord",
            "pas-de-calais",
            "oise",
            "somme",
            "aisne",
            "mel",
            "amiens-metropole",
        ]
    )
    assert "agent.mel" in sortie.getvalue()
    assert "cper-demo-2027" in sortie.getvalue()
    # Run twice: same accounts, nothing duplicated.
    call_command("creer_comptes_demo", stdout=StringIO())
    assert Utilisateur.objects.count() == 13


def test_jamais_de_comptes_de_demo_en_production(settings):
    settings.COMPTES_DEMO_AUTORISES = False
    with pytest.raises(CommandError, match="production"):
        call_command("creer_comptes_demo", stdout=StringIO())
    assert not Utilisateur.objects.exists()
