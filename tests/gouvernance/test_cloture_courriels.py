"""The e-mails of a session's close are rendered and sent after it commits (issue 14): once
per recipient when it succeeds, none when it rolls back; its transaction renders nothing."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from comptes.models import Role
from gouvernance.models import Decision
from gouvernance.services import _notifier_decisions, seance_clore, vote_enregistrer
from projets.models import Projet
from socle.exceptions import EtatIncompatible

pytestmark = pytest.mark.django_db


def _ouvrir_et_voter(c):
    c.tous_presents()
    c.ouvrir()
    for membre in (c.president, c.votants[0], c.votants[1]):
        vote_enregistrer(point=c.points[0], choix="pour", par=membre.utilisateur)
        vote_enregistrer(point=c.points[1], choix="contre", par=membre.utilisateur)


@pytest.fixture
def destinataires(comitologie, porteur, creer_utilisateur, universite):
    """Each dossier's contact, and the active porteurs of its maître d'ouvrage (one of them
    also its contact: one message to that address, not two)."""
    porteur.email = "porteur@universite.fr"
    porteur.save()
    creer_utilisateur(
        "porteur.deux", role=Role.PORTEUR, organisation=universite, email="deux@universite.fr"
    )
    creer_utilisateur(
        "porteur.inactif",
        role=Role.PORTEUR,
        organisation=universite,
        email="inactif@universite.fr",
        is_active=False,
    )
    Projet.objects.filter(pk=comitologie.projets[0].pk).update(
        contact_courriel="porteur@universite.fr"
    )
    Projet.objects.filter(pk=comitologie.projets[1].pk).update(
        contact_courriel="contact@universite.fr"
    )
    return {
        comitologie.projets[0].reference: ["deux@universite.fr", "porteur@universite.fr"],
        comitologie.projets[1].reference: [
            "contact@universite.fr",
            "deux@universite.fr",
            "porteur@universite.fr",
        ],
    }


def test_les_courriels_partent_apres_la_validation_une_fois_par_destinataire(
    comitologie, destinataires, django_capture_on_commit_callbacks
):
    c = comitologie
    _ouvrir_et_voter(c)
    mail.outbox.clear()
    with mock.patch("socle.notifications.render_to_string") as rendu:
        with django_capture_on_commit_callbacks(execute=False) as rappels:
            decisions = seance_clore(seance=c.seance, par=c.secretaire)
        # Inside the close's transaction nothing was rendered nor sent.
        assert not rendu.called and mail.outbox == []
    courriels = [r for r in rappels if getattr(r, "func", None) is _notifier_decisions]
    assert len(courriels) == 1  # one callback for the whole session
    with django_capture_on_commit_callbacks(execute=True):  # « after the commit »
        for rappel in rappels:
            rappel()
    assert len(mail.outbox) == 2
    par_dossier = {m.subject.rsplit(" ", 1)[-1]: m for m in mail.outbox}
    assert {ref: m.to for ref, m in par_dossier.items()} == destinataires
    retenu = par_dossier[c.projets[0].reference]
    assert "Décision : Retenu" in retenu.body and "Le dossier est programmé." in retenu.body
    assert "Décision : Rejeté" in par_dossier[c.projets[1].reference].body
    assert retenu.alternatives and "Retenu" in retenu.alternatives[0][0]
    assert [d.resultat for d in decisions] == ["retenu", "rejete"]


def test_une_cloture_annulee_n_envoie_rien(
    comitologie, destinataires, django_capture_on_commit_callbacks
):
    c = comitologie
    _ouvrir_et_voter(c)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as rappels,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        seance_clore(seance=c.seance, par=c.secretaire)
        raise RuntimeError("la suite de la requête échoue")
    assert rappels == [] and mail.outbox == []
    assert not Decision.objects.filter(point__seance=c.seance).exists()
    # Closed again, for real: the e-mails go, once each.
    with django_capture_on_commit_callbacks(execute=True):
        seance_clore(seance=c.seance, par=c.secretaire)
    assert sorted(m.subject.rsplit(" ", 1)[-1] for m in mail.outbox) == sorted(destinataires)


def test_une_cloture_refusee_n_envoie_rien(comitologie, django_capture_on_commit_callbacks):
    c = comitologie
    c.ouvrir()  # nobody present: no quorum
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as rappels,
        pytest.raises(EtatIncompatible, match="Quorum non atteint"),
    ):
        seance_clore(seance=c.seance, par=c.secretaire)
    assert rappels == [] and mail.outbox == []
