"""The weekly e-mail to each agent: what waits for them, and nothing when nothing does."""

from datetime import date
from decimal import Decimal

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail

from axes.models import Signataire
from comptes.models import Role
from financement.services import credits_ouvrir, engagement_enregistrer, projet_programmer
from projets.services import projet_creer, projet_transitionner
from tableau_de_bord.recapitulatifs import recapitulatifs_envoyer
from tableau_de_bord.tasks import recapitulatifs_envoyer_task

LUNDI = date(2026, 11, 30)


def agent_de(creer_utilisateur, code, identifiant, **champs):
    return creer_utilisateur(
        identifiant,
        role=Role.AGENT,
        organisation=Signataire.objects.get(code=code).organisation,
        email=f"{identifiant}@exemple.fr",
        **champs,
    )


def courriel_de(adresse):
    (courriel,) = [c for c in mail.outbox if c.to == [adresse]]
    return courriel.body.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def situation(creer_utilisateur, porteur, projet_programme, donnees_completes):
    """Région: a dossier filed, another in instruction (both with a Région line), 2026 credits
    used at 96,2 %; État: the programmed line of `projet_programme`, nothing committed."""
    region = agent_de(creer_utilisateur, "region", "agent.region.recap", first_name="Lucie")
    agent_de(creer_utilisateur, "etat", "agent.etat.recap")
    agent_de(creer_utilisateur, "nord", "agent.nord.recap")  # nothing waits for the Nord
    agent_de(creer_utilisateur, "region", "agent.inactif", is_active=False)
    creer_utilisateur("lecteur.recap", role=Role.LECTEUR, email="lecteur@exemple.fr")

    depose = projet_creer(donnees=donnees_completes(titre="Halle des sports"), par=porteur)
    projet_transitionner(projet=depose, action="deposer", par=porteur)
    instruit = projet_creer(donnees=donnees_completes(titre="Maison de santé"), par=porteur)
    projet_transitionner(projet=instruit, action="deposer", par=porteur)
    projet_transitionner(projet=instruit, action="instruire", par=region)

    ligne = projet_programme.lignes_programmees.get(signataire__code="region")
    credits_ouvrir(
        signataire=ligne.signataire, annee=2026, montant=Decimal("260000.00"), par=region
    )
    engagement_enregistrer(
        ligne=ligne,
        par=region,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-1",
        montant=Decimal("250000.00"),
        annee_budgetaire=2026,
    )
    mail.outbox.clear()  # the filing notifications are not what this test is about
    return {"depose": depose, "instruit": instruit, "programme": projet_programme}


def test_chaque_agent_recoit_ce_qui_l_attend_et_rien_quand_rien_n_attend(
    situation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        envoyes = recapitulatifs_envoyer(aujourd_hui=LUNDI)
    assert envoyes == 2
    assert sorted(c.to[0] for c in mail.outbox) == [
        "agent.etat.recap@exemple.fr",
        "agent.region.recap@exemple.fr",
    ]
    assert mail.outbox[0].subject == "CPER : ce qui vous attend cette semaine (30/11/2026)"

    region = courriel_de("agent.region.recap@exemple.fr")
    depose, instruit = situation["depose"], situation["instruit"]
    assert "Bonjour Lucie," in region
    assert "Dossiers déposés à instruire (1) :" in region
    assert f"- {depose.reference} – Halle des sports (déposé le " in region
    assert f"http://127.0.0.1:8000/projets/{depose.reference}/" in region
    assert "Dossiers en instruction (1) :" in region
    assert f"- {instruit.reference} – Maison de santé" in region
    assert "Crédits 2026 presque consommés (plus de 90 %) :" in region
    assert (
        "- Région Hauts-de-France : 250 000,00 € engagés sur 260 000,00 € ouverts (96,2 %), "
        "reste 10 000,00 €"
    ) in region
    assert "sans aucun engagement" not in region  # the Région's line is committed

    etat = courriel_de("agent.etat.recap@exemple.fr")
    programme = situation["programme"]
    assert "Lignes programmées sans aucun engagement (1) :" in etat
    assert f"- {programme.reference} – État : 350 000,00 € programmés, rien d'engagé" in etat
    assert "Dossiers déposés à instruire (1) :" in etat  # the dossiers have an État line too
    assert "Crédits" not in etat


def test_les_credits_consommes_a_90_pour_cent_ou_moins_ne_sont_pas_signales(
    situation, django_capture_on_commit_callbacks
):
    from financement.models import CreditsOuverts

    CreditsOuverts.objects.filter(annee=2026).update(montant=Decimal("277777.78"))  # 90,0 %
    with django_capture_on_commit_callbacks(execute=True):
        recapitulatifs_envoyer(aujourd_hui=LUNDI)
    assert "Crédits" not in courriel_de("agent.region.recap@exemple.fr")


def test_un_dossier_sans_ligne_cper_attend_tous_les_agents(
    creer_utilisateur, porteur, donnees_completes, django_capture_on_commit_callbacks
):
    from projets.models import NatureFinancement, SourceFinancement
    from projets.services import LigneSaisie

    agent_de(creer_utilisateur, "somme", "agent.somme.recap")
    projet = projet_creer(
        donnees=donnees_completes(
            lignes=[
                LigneSaisie(
                    Decimal("1000000.00"),
                    NatureFinancement.HORS_CPER,
                    source=SourceFinancement.FONDS_PROPRES,
                )
            ]
        ),
        par=porteur,
    )
    from projets.models import Projet, Statut

    Projet.objects.filter(pk=projet.pk).update(statut=Statut.DEPOSE)
    with django_capture_on_commit_callbacks(execute=True):
        recapitulatifs_envoyer(aujourd_hui=LUNDI)
    assert f"- {projet.reference} – " in courriel_de("agent.somme.recap@exemple.fr")


def test_personne_n_est_prevenu_quand_rien_n_attend(
    creer_utilisateur, django_capture_on_commit_callbacks
):
    agent_de(creer_utilisateur, "region", "agent.tranquille")
    with django_capture_on_commit_callbacks(execute=True):
        assert recapitulatifs_envoyer(aujourd_hui=LUNDI) == 0
    assert mail.outbox == []


def test_le_recapitulatif_est_planifie_le_lundi_matin(creer_utilisateur):
    entree = settings.CELERY_BEAT_SCHEDULE["recapitulatifs-envoyer"]
    assert entree["task"] == "tableau_de_bord.tasks.recapitulatifs_envoyer_task"
    assert entree["schedule"] == crontab(day_of_week="mon", hour=7, minute=0)
    recapitulatifs_envoyer_task.apply()  # runs with today's date, nothing waits: no e-mail
    assert mail.outbox == []


def test_le_tableau_de_bord_et_le_courriel_montrent_les_memes_lignes_sans_engagement(
    client,
    creer_utilisateur,
    porteur,
    administrateur,
    donnees_completes,
    retenir,
    projet_programme,
    django_capture_on_commit_callbacks,
):
    """One selector (`financement.selectors.lignes_sans_engagement`) feeds both: a line on a
    dossier that can no longer be committed (here soldé) is in neither."""
    from financement.selectors import lignes_sans_engagement
    from projets.models import Projet, Statut
    from tableau_de_bord.recapitulatifs import recapitulatif_pour
    from tableau_de_bord.selectors import pour_agent

    clos = retenir(projet_creer(donnees=donnees_completes(titre="Dossier clos"), par=porteur))
    projet_programmer(projet=clos, par=administrateur)
    Projet.objects.filter(pk=clos.pk).update(statut=Statut.SOLDE)
    agent = agent_de(creer_utilisateur, "etat", "agent.etat.meme")
    etat = Signataire.objects.get(code="etat")

    attendues = list(lignes_sans_engagement(signataire=etat))
    assert [ligne.projet for ligne in attendues] == [projet_programme]
    assert pour_agent(agent).blocs["sans_engagement"] == attendues
    recap = recapitulatif_pour(organisation_id=etat.organisation_id, annee=LUNDI.year)
    assert recap.lignes_sans_engagement == attendues

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recapitulatifs_envoyer(aujourd_hui=LUNDI)
    corps = courriel_de("agent.etat.meme@exemple.fr")
    client.force_login(agent)
    page = client.get("/tableau-de-bord/").content.decode()
    assert projet_programme.reference in corps and projet_programme.reference in page
    assert clos.reference not in corps and clos.reference not in page
