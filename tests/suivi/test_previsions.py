"""Forecasts: each signatory's needs by year are the sum of its lines' schedules, against the
credits it opened; only the porteur and the line's signatory write a schedule."""

from decimal import Decimal

import pytest

from comptes.models import Role
from financement.services import credits_ouvrir
from socle.exceptions import ActionNonAutorisee, RegleMetierError
from suivi.models import Echeance
from suivi.selectors import prevision_du_signataire
from suivi.services import echeancier_definir

D = Decimal


def test_prevision_egale_la_somme_des_echeanciers_au_centime(
    projet_programme, porteur, agent, administrateur, donnees_completes, retenir
):
    from financement.services import projet_programmer
    from projets.services import projet_creer

    autre = projet_programmer(
        projet=retenir(projet_creer(donnees=donnees_completes(), par=porteur)),
        par=administrateur,
    )
    l1 = projet_programme.lignes_programmees.get(signataire__code="region")
    l2 = autre.lignes_programmees.get(signataire__code="region")
    echeancier_definir(ligne=l1, echeances={2026: (D("150000.10"), D("50000.05"))}, par=porteur)
    echeancier_definir(
        ligne=l1,
        echeances={2026: (D("200000.33"), D("100000.01")), 2027: (D("199999.67"), D("299999.99"))},
        par=agent,
    )
    echeancier_definir(ligne=l2, echeances={2026: (D("0.01"), D("0.02"))}, par=agent)
    credits_ouvrir(signataire=l1.signataire, annee=2026, montant=D("150000.00"), par=agent)

    prevision = {p.annee: p for p in prevision_du_signataire(signataire=l1.signataire)}

    assert prevision[2026].besoin_ae == D("200000.34")
    assert prevision[2026].besoin_cp == D("100000.03")
    assert prevision[2026].credits_ouverts == D("150000.00")
    assert prevision[2026].ecart == D("-50000.34")
    assert prevision[2027].besoin_ae == D("199999.67")
    assert prevision[2027].credits_ouverts is None
    assert prevision[2027].ecart is None
    # The État sees none of the Région's schedule.
    assert (
        prevision_du_signataire(
            signataire=projet_programme.lignes_programmees.get(signataire__code="etat").signataire
        )
        == []
    )


def test_agent_d_un_autre_signataire_refuse_rien_ecrit(projet_programme, agent_etat, agent):
    ligne = projet_programme.lignes_programmees.get(signataire__code="region")
    with pytest.raises(ActionNonAutorisee):
        echeancier_definir(ligne=ligne, echeances={2026: (D("1.00"), D("1.00"))}, par=agent_etat)
    assert not Echeance.objects.exists()


def test_porteur_d_un_autre_dossier_et_lecteur_refuses(projet_programme, porteur_autre, lecteur):
    ligne = projet_programme.lignes_programmees.get(signataire__code="region")
    for qui in (porteur_autre, lecteur):
        with pytest.raises(ActionNonAutorisee):
            echeancier_definir(ligne=ligne, echeances={2026: (D("1.00"), D("1.00"))}, par=qui)
    assert not Echeance.objects.exists()


def test_echeancier_au_dela_du_programme_refuse_avec_message(projet_programme, agent):
    ligne = projet_programme.lignes_programmees.get(signataire__code="region")
    with pytest.raises(RegleMetierError) as refus:
        echeancier_definir(
            ligne=ligne,
            echeances={2026: (D("300000.00"), D("0")), 2027: (D("100000.01"), D("0"))},
            par=agent,
        )
    message = refus.value.erreurs["montant_ae"][0].replace("\u202f", " ").replace("\xa0", " ")
    assert message == (
        "L'échéancier totalise 400 000,01 €, plus que les 400 000,00 € programmés sur la ligne."
    )
    assert not Echeance.objects.exists()


def test_annee_hors_periode_refusee(projet_programme, agent):
    ligne = projet_programme.lignes_programmees.get(signataire__code="region")
    with pytest.raises(RegleMetierError) as refus:
        echeancier_definir(ligne=ligne, echeances={1990: (D("1.00"), D("1.00"))}, par=agent)
    assert "annee" in refus.value.erreurs
    assert agent.role == Role.AGENT
    assert not Echeance.objects.exists()


def test_l_administration_montre_l_echeancier_sans_le_modifier(
    client, creer_utilisateur, projet_programme, agent
):
    ligne = projet_programme.lignes_programmees.get(signataire__code="region")
    echeancier_definir(ligne=ligne, echeances={2026: (D("10.00"), D("5.00"))}, par=agent)
    superutilisateur = creer_utilisateur(
        "super", role=Role.ADMINISTRATEUR, is_staff=True, is_superuser=True
    )
    client.force_login(superutilisateur)
    assert client.get("/admin/suivi/echeance/").status_code == 200
    assert client.get("/admin/suivi/echeance/add/").status_code == 403
