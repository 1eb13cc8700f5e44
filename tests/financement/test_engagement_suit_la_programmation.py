"""A commitment follows the programming of its line: dated before it, it is refused by the ledger
(the API and the page say so next to the date, nothing is written); a dossier taken over from
the existing programming was programmed outside the portal, its historical commitments pass."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from financement.models import Engagement, JournalFinancier, LigneProgrammee
from financement.services import engagement_enregistrer, projet_programmer, projet_reprendre
from projets.services import projet_creer
from projets.workflow import MandatReprise
from socle.exceptions import RegleMetierError
from tests.api.test_financement import ENGAGEMENT
from tests.factories.projets import PROGRAMME_LE

MESSAGE = (
    "Un engagement suit la programmation : la date de l'acte ne peut pas précéder celle de la "
    "programmation de la ligne (15/01/2026)."
)


def engager(utilisateur, ligne, jour):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(utilisateur)
    return client.post(
        f"/api/v1/financement/lignes/{ligne.pk}/engagements/",
        {**ENGAGEMENT, "date_acte": jour, "montant": "1000.00"},
        format="json",
    )


def test_l_api_refuse_un_acte_date_de_la_veille_de_la_programmation(agent, ligne_region):
    reponse = engager(agent, ligne_region, str(PROGRAMME_LE - timedelta(days=1)))
    assert reponse.status_code == 400
    assert reponse.json()["date_acte"] == [MESSAGE]
    assert not Engagement.objects.exists()
    assert not JournalFinancier.objects.filter(type="engagement").exists()
    ligne_region.refresh_from_db()
    assert ligne_region.montant_engage == Decimal("0.00")


def test_un_acte_du_jour_de_la_programmation_est_accepte(agent, ligne_region):
    reponse = engager(agent, ligne_region, str(PROGRAMME_LE))
    assert reponse.status_code == 201, reponse.json()
    assert Engagement.objects.get().date_acte == PROGRAMME_LE


def test_la_page_le_dit_a_cote_de_la_date_et_dans_le_resume(client, agent, ligne_region):
    client.force_login(agent)
    page = client.get(reverse("financement:ligne", args=[ligne_region.pk])).content.decode()
    assert "Au plus tôt le jour de la programmation de la ligne." in page
    assert "15 janvier 2026" in page  # the line's programming date, shown
    reponse = client.post(
        reverse("financement:engager", args=[ligne_region.pk]),
        {
            "date_acte": "2026-01-14",
            "type_acte": "convention",
            "reference": "CONV-2026-014",
            "montant": "250 000,00",
            "annee_budgetaire": "2026",
        },
    )
    assert reponse.status_code == 400
    contenu = reponse.content.decode().replace("&#x27;", "'")
    assert MESSAGE in contenu
    assert 'href="#id_date_acte"' in contenu  # the DSFR summary links to the field
    assert not Engagement.objects.exists()


def test_une_ligne_programmee_aujourd_hui_refuse_un_acte_d_hier(
    porteur, administrateur, agent, donnees_completes, retenir
):
    """Programmed by the portal now (no date set by the test): the rule reads the real day."""
    projet = projet_programmer(
        projet=retenir(projet_creer(donnees=donnees_completes(), par=porteur)),
        par=administrateur,
    )
    ligne = projet.lignes_programmees.get(signataire__code="region")
    aujourd_hui = timezone.localdate()
    with pytest.raises(RegleMetierError) as refus:
        engagement_enregistrer(
            ligne=ligne,
            par=agent,
            date_acte=aujourd_hui - timedelta(days=1),
            type_acte="arrete",
            reference="ARR-1",
            montant=Decimal("10.00"),
            annee_budgetaire=2026,
        )
    assert f"({aujourd_hui:%d/%m/%Y})" in refus.value.erreurs["date_acte"][0]
    assert not Engagement.objects.exists()


def test_un_dossier_repris_accepte_ses_engagements_historiques(
    projet_brouillon, administrateur, agent
):
    """Programmed by its partners before the portal: only the contract's period bounds it."""
    projet_reprendre(projet=projet_brouillon, par=administrateur, mandat=MandatReprise(import_id=1))
    ligne = LigneProgrammee.objects.get(projet=projet_brouillon, signataire__code="region")
    engagement = engagement_enregistrer(
        ligne=ligne,
        par=agent,
        date_acte=date(2022, 3, 1),
        type_acte="convention",
        reference="CONV-2022-1",
        montant=Decimal("1000.00"),
        annee_budgetaire=2022,
    )
    assert engagement.date_acte == date(2022, 3, 1)
