import pytest
from django.core.exceptions import ValidationError

from comptes.models import Organisation, valider_siret


def test_un_siret_valide_passe():
    valider_siret("73282932000074")  # Luhn-valid SIRET


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("1234", "exactement 14 chiffres"),
        ("7328293200007A", "exactement 14 chiffres"),
        ("73282932000075", "clé de contrôle"),
    ],
)
def test_un_siret_invalide_est_refuse_avec_un_message_clair(siret, message):
    with pytest.raises(ValidationError, match=message):
        valider_siret(siret)


def test_une_organisation_avec_un_siret_faux_ne_passe_pas_la_validation():
    organisation = Organisation(nom="Commune de test", siret="12345678901234")
    with pytest.raises(ValidationError) as erreur:
        organisation.full_clean()
    assert "siret" in erreur.value.message_dict
