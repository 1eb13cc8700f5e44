"""E-mails on a dossier's lifecycle: who receives what, in French, with a link, after commit."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from axes.models import Signataire
from comptes.models import Role
from projets.models import NatureFinancement, Projet, SourceFinancement, Statut
from projets.services import LigneSaisie, projet_creer, projet_transitionner
from projets.workflow import MandatComite

MANDAT = MandatComite(
    comite="programmation", seance_id=1, decision_id=1
)  # as gouvernance builds it


def corps(courriel) -> str:
    return courriel.body.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def personnes(creer_utilisateur, universite):
    def agent(code, identifiant, **champs):
        return creer_utilisateur(
            identifiant,
            role=Role.AGENT,
            organisation=Signataire.objects.get(code=code).organisation,
            email=f"{identifiant}@exemple.fr",
            **champs,
        )

    return {
        "region": agent("region", "agent.region.n"),
        "etat": agent("etat", "agent.etat.n"),
        "nord": agent("nord", "agent.nord.n"),
        "inactif": agent("region", "agent.inactif.n", is_active=False),
        "porteur": creer_utilisateur(
            "porteur.n", role=Role.PORTEUR, organisation=universite, email="porteur@exemple.fr"
        ),
        "collegue": creer_utilisateur(
            "collegue.n", role=Role.PORTEUR, organisation=universite, email="collegue@exemple.fr"
        ),
        "lecteur_univ": creer_utilisateur(
            "lecteur.n", role=Role.LECTEUR, organisation=universite, email="lecteur@exemple.fr"
        ),
    }


@pytest.fixture
def depose(personnes, projet_brouillon, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        projet = projet_transitionner(
            projet=projet_brouillon, action="deposer", par=personnes["porteur"]
        )
    return projet


def test_un_depot_previent_les_agents_des_signataires_de_ses_lignes_cper(personnes, depose):
    (courriel,) = mail.outbox
    assert sorted(courriel.to) == ["agent.etat.n@exemple.fr", "agent.region.n@exemple.fr"]
    assert courriel.subject == f"Dossier déposé à instruire : {depose.reference}"
    texte = corps(courriel)
    assert "attend son instruction" in texte
    assert f"{depose.reference} – Réhabilitation du bâtiment B" in texte
    assert f"http://127.0.0.1:8000/projets/{depose.reference}/" in texte
    assert f"http://127.0.0.1:8000/projets/{depose.reference}/" in courriel.alternatives[0][0]


def test_un_depot_sans_ligne_cper_previent_tous_les_agents(
    personnes, donnees_completes, django_capture_on_commit_callbacks
):
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
        par=personnes["porteur"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        projet_transitionner(projet=projet, action="deposer", par=personnes["porteur"])
    (courriel,) = mail.outbox
    assert sorted(courriel.to) == [
        "agent.etat.n@exemple.fr",
        "agent.nord.n@exemple.fr",
        "agent.region.n@exemple.fr",
    ]


def test_un_dossier_incomplet_previent_les_porteurs_avec_le_commentaire(
    personnes, depose, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        projet_transitionner(
            projet=depose,
            action="declarer_incomplet",
            par=personnes["region"],
            commentaire="Il manque la délibération du conseil d'administration.",
        )
    (courriel,) = mail.outbox
    # The porteur's organisation users with role porteur; not its readers.
    assert sorted(courriel.to) == ["collegue@exemple.fr", "porteur@exemple.fr"]
    assert courriel.subject == f"Votre dossier est incomplet : {depose.reference}"
    texte = corps(courriel)
    assert "Ce qu'il manque : Il manque la délibération du conseil d'administration." in texte
    assert "Complétez-le puis déposez-le à nouveau." in texte
    assert f"http://127.0.0.1:8000/projets/{depose.reference}/" in texte


def inscrire(projet, par):
    Projet.objects.filter(pk=projet.pk).update(statut=Statut.INSTRUIT)
    return projet_transitionner(
        projet=Projet.objects.get(pk=projet.pk), action="inscrire_odj", par=par, mandat=MANDAT
    )


def test_l_inscription_a_l_ordre_du_jour_previent_les_porteurs(
    personnes, projet_brouillon, administrateur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inscrire(projet_brouillon, administrateur)
    (courriel,) = mail.outbox
    assert sorted(courriel.to) == ["collegue@exemple.fr", "porteur@exemple.fr"]
    assert courriel.subject == (
        f"Votre dossier est inscrit à l'ordre du jour d'un comité : {projet_brouillon.reference}"
    )


@pytest.mark.parametrize("action", ["retenir", "rejeter", "ajourner"])
def test_une_decision_du_comite_n_est_pas_annoncee_deux_fois(
    personnes, projet_brouillon, administrateur, django_capture_on_commit_callbacks, action
):
    """The committee's own e-mail (gouvernance) tells the porteur, with the votes."""
    projet = inscrire(projet_brouillon, administrateur)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        projet_transitionner(projet=projet, action=action, par=administrateur, mandat=MANDAT)
    assert mail.outbox == []


def test_une_transition_annulee_n_envoie_rien(personnes, projet_brouillon):
    with pytest.raises(RuntimeError), transaction.atomic():
        projet_transitionner(projet=projet_brouillon, action="deposer", par=personnes["porteur"])
        raise RuntimeError("annulée")
    assert mail.outbox == []


def test_les_autres_transitions_n_envoient_rien(
    personnes, depose, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        projet_transitionner(projet=depose, action="instruire", par=personnes["region"])
    assert mail.outbox == []


def test_une_erreur_de_notification_n_empeche_pas_la_transition(
    personnes, projet_brouillon, monkeypatch, django_capture_on_commit_callbacks
):
    def en_panne(**kwargs):
        raise ValueError("gabarit introuvable")

    monkeypatch.setattr("rapports.receivers.notifier", en_panne)
    with django_capture_on_commit_callbacks(execute=True):
        projet = projet_transitionner(
            projet=projet_brouillon, action="deposer", par=personnes["porteur"]
        )
    assert Projet.objects.get(pk=projet.pk).statut == Statut.DEPOSE
    assert mail.outbox == []
