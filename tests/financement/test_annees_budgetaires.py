"""Budget years: one rule (`financement.regles.annees_budgetaires`) asked by the form, the API
and the services."""

from datetime import date
from decimal import Decimal

import pytest

from financement.api import EngagementEntreeSerializer
from financement.forms import CreditsForm, EngagementForm
from financement.regles import annees_budgetaires
from financement.services import credits_ouvrir, engagement_enregistrer
from socle.exceptions import RegleMetierError


def test_une_seule_plage_d_annees_pour_le_formulaire_l_api_et_les_services(settings):
    assert annees_budgetaires() == range(2021, 2036)
    attendues = [a for a, _ in EngagementForm().fields["annee_budgetaire"].choices]
    assert attendues == list(range(2021, 2036))
    assert [a for a, _ in CreditsForm().fields["annee"].choices] == attendues
    champ = EngagementEntreeSerializer().fields["annee_budgetaire"]
    assert (champ.min_value, champ.max_value) == (2021, 2035)
    settings.FINANCEMENT_ANNEES_BUDGETAIRES = (2021, 2028)
    assert [a for a, _ in EngagementForm().fields["annee_budgetaire"].choices][-1] == 2028


def test_l_engagement_refuse_une_annee_hors_plage(ligne_region, agent):
    with pytest.raises(RegleMetierError) as refus:
        engagement_enregistrer(
            ligne=ligne_region,
            par=agent,
            date_acte=date(2026, 3, 1),
            type_acte="convention",
            reference="CONV-2036",
            montant=Decimal("1000.00"),
            annee_budgetaire=2036,
        )
    assert refus.value.erreurs == {
        "annee_budgetaire": ["L'année budgétaire doit être comprise entre 2021 et 2035."]
    }
    assert not ligne_region.engagements.exists()


def test_l_ouverture_de_credits_refuse_une_annee_hors_plage(ligne_region, agent):
    with pytest.raises(RegleMetierError) as refus:
        credits_ouvrir(
            signataire=ligne_region.signataire, annee=2020, montant=Decimal("10.00"), par=agent
        )
    assert list(refus.value.erreurs) == ["annee"]
