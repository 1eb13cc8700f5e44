"""The nightly ledger check: totals recomputed from the rows; a gap is found and mailed."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from axes.models import Niveau, Noeud
from comptes.models import Role
from financement.models import MaquetteLigne, ResultatVerification, VerificationRegistre
from financement.services import credits_ouvrir, engagement_enregistrer, paiement_enregistrer
from financement.tasks import registre_verifier_task
from financement.verification import registre_verifier
from projets.models import Projet


@pytest.fixture
def administrateurs(creer_utilisateur):
    return [
        creer_utilisateur("secretariat.cper", role=Role.ADMINISTRATEUR, email="sgar@exemple.fr"),
        creer_utilisateur(
            "racine", role=Role.LECTEUR, is_superuser=True, email="racine@exemple.fr"
        ),
        creer_utilisateur("agent.sans.droit", role=Role.AGENT, email="agent@exemple.fr"),
    ]


@pytest.fixture
def registre(ligne_region, agent):
    """A ledger with every kind of total: envelope, line, commitment, credits, maquette."""
    region = ligne_region.signataire
    # Created after the programming, so given what is already programmed below it (the trigger
    # only follows later changes).
    MaquetteLigne.objects.create(
        signataire=region,
        noeud=ligne_region.noeud.axe,
        montant=Decimal("5000000.00"),
        montant_programme=Decimal("400000.00"),
    )
    credits_ouvrir(signataire=region, annee=2026, montant=Decimal("300000.00"), par=agent)
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-017",
        montant=Decimal("250000.00"),
        annee_budgetaire=2026,
    )
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 5, 1),
        montant=Decimal("100000.00"),
        type_="avance",
    )
    return engagement


def test_un_registre_coherent_ne_donne_aucun_ecart_et_aucun_courriel(
    registre, administrateurs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verification = registre_verifier()
    assert verification.ecarts == []
    assert verification.resultat == ResultatVerification.CONFORME
    assert verification.nombre_ecarts == 0 and verification.ecarts == []
    # 9 envelopes × 3 + 2 lines × 3 (engagé, payé, measure) + 1 commitment + 1 credits
    # + 1 maquette line + the stored slices: 2 signatory × axis and 2 signatory × département
    # (programmé, engagé, payé), 1 signatory × year (engagé, payé)
    assert verification.controles == 27 + 6 + 1 + 1 + 1 + 6 + 6 + 2
    assert mail.outbox == []


def test_un_paye_d_enveloppe_modifie_en_sql_est_trouve_et_envoye_aux_administrateurs(
    registre, administrateurs, django_capture_on_commit_callbacks
):
    with connection.cursor() as curseur:  # a write made outside the portal, on purpose
        curseur.execute(
            "UPDATE financement_enveloppe SET montant_paye = montant_paye - 0.01 "
            "WHERE signataire_id = %s",
            [registre.signataire_id],
        )
    with django_capture_on_commit_callbacks(execute=True):
        verification = registre_verifier()

    assert verification.resultat == ResultatVerification.ECARTS
    (ecart,) = verification.ecarts
    assert ecart["controle"] == "Payé de l'enveloppe = Σ des lignes programmées"
    assert ecart["objet"] == "enveloppe de la Région Hauts-de-France"
    assert (ecart["enregistre"], ecart["recalcule"], ecart["ecart"]) == (
        "99999.99",
        "100000.00",
        "-0.01",
    )
    assert VerificationRegistre.objects.get() == verification

    (courriel,) = mail.outbox
    assert sorted(courriel.to) == ["racine@exemple.fr", "sgar@exemple.fr"]
    assert courriel.subject == "Registre financier du CPER : 1 écart détecté"
    corps = courriel.body.replace("\u202f", " ").replace("\u00a0", " ")
    assert (
        "- Payé de l'enveloppe = Σ des lignes programmées — enveloppe de la Région "
        "Hauts-de-France : 99 999,99 € enregistrés, 100 000,00 € d'après les lignes "
        "(écart -0,01 €)."
    ) in corps
    assert "manage.py verifier_registre" in corps


def test_un_paye_d_engagement_modifie_en_sql_ne_donne_que_l_ecart_de_cet_engagement(registre):
    """The trigger carries the change up to the line and the envelope: only the commitment
    disagrees with its payments."""
    with connection.cursor() as curseur:
        curseur.execute(
            "UPDATE financement_engagement SET montant_paye = montant_paye + 0.01 WHERE id = %s",
            [registre.pk],
        )
    (ecart,) = registre_verifier(prevenir=False).ecarts
    assert ecart["controle"] == "Payé de l'engagement = Σ des paiements"
    assert ecart["objet"].startswith("engagement CONV-2026-017")
    assert ecart["ecart"] == "0.01"


def test_les_credits_et_la_maquette_sont_recalcules(registre):
    with connection.cursor() as curseur:
        curseur.execute("UPDATE financement_creditsouverts SET montant_engage = montant_engage - 1")
        curseur.execute("UPDATE financement_maquetteligne SET montant_programme = 0")
    ecarts = {e["controle"]: e for e in registre_verifier(prevenir=False).ecarts}
    assert set(ecarts) == {
        "Engagé sur les crédits ouverts = Σ des engagements de l'année budgétaire",
        "Programmé de la maquette = Σ des lignes programmées du nœud et en dessous",
    }
    assert (
        ecarts["Programmé de la maquette = Σ des lignes programmées du nœud et en dessous"][
            "recalcule"
        ]
        == "400000.00"
    )


def test_la_commande_affiche_le_resultat(registre):
    sortie = StringIO()
    call_command("verifier_registre", stdout=sortie)
    assert "Registre cohérent : 50 totaux contrôlés, aucun écart." in sortie.getvalue()

    with connection.cursor() as curseur:
        curseur.execute(
            "UPDATE financement_ligneprogrammee SET montant_paye = montant_paye - 1 WHERE id = %s",
            [registre.ligne_id],
        )
    sortie = StringIO()
    with pytest.raises(CommandError, match="écart"):
        call_command("verifier_registre", "--sans-courriel", stdout=sortie)
    assert "Payé de la ligne programmée = Σ des payés des engagements" in sortie.getvalue()


def test_la_tache_est_planifiee_chaque_nuit(registre):
    entree = settings.CELERY_BEAT_SCHEDULE["registre-verifier"]
    assert entree["task"] == "financement.tasks.registre_verifier_task"
    assert entree["schedule"] == crontab(hour=2, minute=30)
    registre_verifier_task.apply()
    assert VerificationRegistre.objects.get().resultat == ResultatVerification.CONFORME


def test_une_ligne_restee_sous_une_autre_mesure_que_son_dossier_est_signalee(registre):
    # The audit's case: a dossier moved to another measure outside the portal's rules, its
    # programmed line left under the old one — the envelope totals still agree.
    projet = registre.ligne.projet
    autre = Noeud.objects.filter(niveau=Niveau.MESURE).exclude(axe=projet.mesure.axe).first()
    Projet.objects.filter(pk=projet.pk).update(mesure=autre)
    verification = registre_verifier(prevenir=False)
    # Both programmed lines of the dossier (État, Région) are reported, and nothing else.
    assert len(verification.ecarts) == 2
    assert {e["controle"] for e in verification.ecarts} == {
        "Mesure de la ligne programmée = mesure du dossier"
    }
    ecart = next(e for e in verification.ecarts if e["objet"].endswith("Région Hauts-de-France"))
    assert ecart["enregistre"] == "400000.00"
    message = ecart["message"].replace("\u202f", " ").replace("\xa0", " ")
    assert f"comptés sous la mesure {registre.ligne.noeud.code}" in message
    assert f"relève de la mesure {autre.code}" in message
