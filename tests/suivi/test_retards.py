"""Late lines: nothing committed N months after programming (a setting), or behind the
schedule of the budget years gone by. The signatory agents' dashboard and the weekly e-mail
list the same lines, from one selector (`suivi.selectors.lignes_en_retard`)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from axes.models import Signataire
from comptes.models import Role
from financement.models import LigneProgrammee
from financement.services import engagement_enregistrer, paiement_enregistrer
from suivi.selectors import lignes_en_retard
from suivi.services import echeancier_definir
from tableau_de_bord.recapitulatifs import recapitulatifs_envoyer

D = Decimal
AUJOURD_HUI = date(2026, 12, 3)


def _programmee_le(ligne, jour):
    LigneProgrammee.objects.filter(pk=ligne.pk).update(
        programme_le=timezone.make_aware(datetime.combine(jour, datetime.min.time()))
    )


def _texte(contenu):
    return contenu.replace("\u202f", " ").replace("\xa0", " ").replace("&#x27;", "'")


@pytest.fixture
def agent_etat_courriel(creer_utilisateur):
    return creer_utilisateur(
        "agent.etat.retard",
        role=Role.AGENT,
        organisation=Signataire.objects.get(code="etat").organisation,
        email="agent.etat.retard@exemple.fr",
    )


def test_rien_engage_six_mois_apres_la_programmation(projet_programme):
    ligne = projet_programme.lignes_programmees.get(signataire__code="etat")
    _programmee_le(ligne, date(2026, 6, 3))  # six months to the day: late
    assert [r.ligne for r in lignes_en_retard(signataire=ligne.signataire, le=AUJOURD_HUI)] == [
        ligne
    ]
    _programmee_le(ligne, date(2026, 6, 4))
    assert lignes_en_retard(signataire=ligne.signataire, le=AUJOURD_HUI) == []


def test_le_delai_est_un_reglage(projet_programme, settings):
    ligne = projet_programme.lignes_programmees.get(signataire__code="etat")
    _programmee_le(ligne, date(2026, 8, 1))
    assert lignes_en_retard(signataire=ligne.signataire, le=AUJOURD_HUI) == []
    settings.SUIVI_DELAI_SANS_ENGAGEMENT_MOIS = 3
    (retard,) = lignes_en_retard(signataire=ligne.signataire, le=AUJOURD_HUI)
    assert retard.motif == "rien d'engagé plus de 3 mois après sa programmation (le 01/08/2026)"


def test_en_retard_sur_l_echeancier_des_annees_ecoulees(projet_programme, agent_etat):
    ligne = projet_programme.lignes_programmees.get(signataire__code="etat")
    echeancier_definir(
        ligne=ligne,
        echeances={2025: (D("100000.00"), D("50000.00")), 2026: (D("250000.00"), D("0"))},
        par=agent_etat,
    )
    engagement = engagement_enregistrer(
        ligne=ligne,
        par=agent_etat,
        date_acte=date(2026, 3, 1),
        type_acte="arrete",
        reference="ARR-1",
        montant=D("99999.99"),
        annee_budgetaire=2026,
    )
    (retard,) = lignes_en_retard(signataire=ligne.signataire, le=AUJOURD_HUI)
    assert _texte(retard.motif) == (
        "en retard sur son échéancier : 99 999,99 € engagés sur 100 000,00 € prévus avant 2026"
    )
    engagement_enregistrer(
        ligne=ligne,
        par=agent_etat,
        date_acte=date(2026, 3, 2),
        type_acte="arrete",
        reference="ARR-2",
        montant=D("0.01"),
        annee_budgetaire=2026,
    )
    (retard,) = lignes_en_retard(signataire=ligne.signataire, le=AUJOURD_HUI)
    assert _texte(retard.motif) == (
        "en retard sur son échéancier : 0,00 € payés sur 50 000,00 € prévus avant 2026"
    )
    paiement_enregistrer(
        engagement=engagement,
        par=agent_etat,
        date_paiement=date(2026, 4, 1),
        montant=D("50000.00"),
        type_="acompte",
    )
    assert lignes_en_retard(signataire=ligne.signataire, le=AUJOURD_HUI) == []
    # 2026 is not over: its schedule is not yet due.
    assert lignes_en_retard(signataire=ligne.signataire, le=date(2027, 1, 4))[0].motif.startswith(
        "en retard sur son échéancier"
    )


def test_le_tableau_de_bord_et_le_courriel_montrent_les_memes_lignes_en_retard(
    client, projet_programme, agent_etat_courriel, django_capture_on_commit_callbacks
):
    ligne = projet_programme.lignes_programmees.get(signataire__code="etat")
    _programmee_le(ligne, date(2025, 1, 15))
    attendu = "rien d'engagé plus de 6 mois après sa programmation (le 15/01/2025)"

    client.force_login(agent_etat_courriel)
    page = _texte(client.get("/tableau-de-bord/").content.decode())
    assert "Lignes en retard (1)" in page
    assert attendu in page
    assert "réglage fixé par le secrétariat" in page
    assert "SUIVI_" not in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recapitulatifs_envoyer(aujourd_hui=AUJOURD_HUI)
    (courriel,) = [c for c in mail.outbox if c.to == ["agent.etat.retard@exemple.fr"]]
    corps = _texte(courriel.body)
    assert "Lignes en retard (1" in corps
    assert (
        f"{projet_programme.reference} – {projet_programme.titre} : "
        f"350 000,00 € programmés, {attendu}" in corps
    )
    assert f"/suivi/lignes/{ligne.pk}/echeancier/" in corps


def test_l_agent_d_un_autre_signataire_ne_voit_pas_ces_retards(client, projet_programme, agent):
    ligne = projet_programme.lignes_programmees.get(signataire__code="etat")
    _programmee_le(ligne, date(2025, 1, 15))
    region = projet_programme.lignes_programmees.get(signataire__code="region")
    _programmee_le(region, timezone.localdate())
    client.force_login(agent)  # the Région's agent; its own line was programmed today
    page = _texte(client.get("/tableau-de-bord/").content.decode())
    assert "Lignes en retard (0)" in page
