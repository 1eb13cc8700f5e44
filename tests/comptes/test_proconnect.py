"""ProConnect accounts (issue 19): an identity is linked to an account only through an earlier
link or an invitation of the secretariat; otherwise it files a request for access, which only
the secretariat approves (choosing role and organisation) or refuses. The browser journey
against a real provider is tests/e2e/test_proconnect.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from axes.models import Signataire
from comptes.models import (
    DemandeAcces,
    IdentiteProConnect,
    Invitation,
    Role,
    StatutDemande,
    Utilisateur,
)
from comptes.oidc import JetonRefuse, identite_rattacher

EMETTEUR = "https://proconnect.example"
INFOS = {"email": "camille.agent@nord.example", "given_name": "Camille", "usual_name": "Martin"}


def organisation(code="nord"):
    return Signataire.objects.get(code=code).organisation


def test_sans_invitation_meme_une_adresse_connue_ne_donne_qu_une_demande(creer_utilisateur):
    compte = creer_utilisateur("c.martin", role=Role.AGENT, email="camille.agent@nord.example")
    resultat = identite_rattacher(emetteur=EMETTEUR, sujet="sub-1", infos=INFOS)
    assert isinstance(resultat, DemandeAcces)
    assert resultat.statut == StatutDemande.EN_ATTENTE and resultat.prenom == "Camille"
    assert not IdentiteProConnect.objects.exists()
    # The same identity again: still one pending request.
    identite_rattacher(emetteur=EMETTEUR, sujet="sub-1", infos=INFOS)
    assert DemandeAcces.objects.count() == 1
    compte.refresh_from_db()
    assert compte.role == Role.AGENT


def test_une_invitation_lie_le_compte_existant_de_l_adresse(creer_utilisateur, administrateur):
    compte = creer_utilisateur("c.martin", role=Role.AGENT, email="Camille.Agent@nord.example")
    invitation = Invitation.objects.create(
        email="camille.agent@nord.example",
        organisation=organisation(),
        role=Role.AGENT,
        invitee_par=administrateur,
    )
    resultat = identite_rattacher(emetteur=EMETTEUR, sujet="sub-1", infos=INFOS)
    assert resultat == compte
    invitation.refresh_from_db()
    assert invitation.utilisee_le is not None and invitation.utilisateur == compte
    # Linked by issuer and sub from now on, whatever the e-mail says.
    again = identite_rattacher(
        emetteur=EMETTEUR, sujet="sub-1", infos={**INFOS, "email": "autre@x.example"}
    )
    assert again == compte


def test_une_invitation_sans_compte_cree_le_compte_avec_role_et_organisation_de_l_invitation():
    Invitation.objects.create(
        email="camille.agent@nord.example", organisation=organisation(), role=Role.AGENT
    )
    compte = identite_rattacher(
        emetteur=EMETTEUR, sujet="sub-2", infos={**INFOS, "siret": "22590001000011"}
    )
    assert isinstance(compte, Utilisateur)
    assert compte.role == Role.AGENT and compte.organisation == organisation()
    assert not compte.has_usable_password()
    assert compte.username == "camille.agent"


def test_une_invitation_expiree_ou_deja_utilisee_ne_lie_rien():
    Invitation.objects.create(
        email="camille.agent@nord.example",
        organisation=organisation(),
        role=Role.AGENT,
        expire_le=timezone.now() - timedelta(minutes=1),
    )
    assert isinstance(
        identite_rattacher(emetteur=EMETTEUR, sujet="sub-3", infos=INFOS), DemandeAcces
    )


@pytest.fixture
def demande():
    return identite_rattacher(
        emetteur=EMETTEUR, sujet="sub-4", infos={**INFOS, "siret": "22590001000011"}
    )


def test_le_secretariat_accorde_l_acces_avec_son_role_et_son_organisation(
    client, administrateur, demande
):
    client.force_login(administrateur)
    liste = client.get("/comptes/demandes-acces/").content.decode()
    assert "camille.agent@nord.example" in liste and "22590001000011" in liste
    url = f"/comptes/demandes-acces/{demande.pk}/"
    refus = client.post(url, {"decision": "approuver", "role": ""})
    assert "Choisissez l&#x27;organisation de la personne." in refus.content.decode()
    assert not Utilisateur.objects.filter(email="camille.agent@nord.example").exists()

    reponse = client.post(
        url,
        {"decision": "approuver", "organisation": organisation("somme").pk, "role": "lecteur"},
        follow=True,
    )
    assert "Accès accordé à camille.agent@nord.example" in reponse.content.decode()
    compte = Utilisateur.objects.get(email="camille.agent@nord.example")
    assert compte.role == Role.LECTEUR and compte.organisation == organisation("somme")
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.APPROUVEE and demande.traitee_par == administrateur
    assert identite_rattacher(emetteur=EMETTEUR, sujet="sub-4", infos=INFOS) == compte


def test_le_secretariat_refuse_une_demande(client, administrateur, demande):
    client.force_login(administrateur)
    client.post(f"/comptes/demandes-acces/{demande.pk}/", {"decision": "refuser"})
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.REFUSEE
    assert not Utilisateur.objects.filter(email="camille.agent@nord.example").exists()
    # Treated: no longer on offer.
    assert client.get(f"/comptes/demandes-acces/{demande.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.AGENT, Role.MEMBRE_COMITE, Role.PORTEUR, Role.LECTEUR])
def test_seul_le_secretariat_traite_les_demandes(client, creer_utilisateur, demande, role):
    client.force_login(creer_utilisateur("quelqu.un", role=role))
    assert client.get("/comptes/demandes-acces/").status_code == 403
    reponse = client.post(
        f"/comptes/demandes-acces/{demande.pk}/",
        {"decision": "approuver", "organisation": organisation().pk, "role": "administrateur"},
    )
    assert reponse.status_code == 403
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_ATTENTE
    assert not Utilisateur.objects.filter(email="camille.agent@nord.example").exists()


def test_sans_oidc_les_adresses_proconnect_n_existent_pas(client):
    assert "ProConnect" not in client.get("/connexion/").content.decode()
    assert client.get("/connexion/proconnect/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_deux_comptes_de_meme_adresse_l_invitation_doit_nommer_le_compte(creer_utilisateur):
    creer_utilisateur("c.martin", email="camille.agent@nord.example")
    second = creer_utilisateur("c.martin2", email="CAMILLE.AGENT@nord.example")
    invitation = Invitation.objects.create(
        email="camille.agent@nord.example", organisation=organisation(), role=Role.AGENT
    )
    with pytest.raises(JetonRefuse):
        identite_rattacher(emetteur=EMETTEUR, sujet="sub-5", infos=INFOS)
    assert not IdentiteProConnect.objects.exists()
    invitation.utilisateur = second
    invitation.save()
    assert identite_rattacher(emetteur=EMETTEUR, sujet="sub-5", infos=INFOS) == second


def test_le_secretariat_est_prevenu_d_une_nouvelle_demande_une_fois(
    creer_utilisateur, django_capture_on_commit_callbacks, mailoutbox
):
    creer_utilisateur("secretariat", role=Role.ADMINISTRATEUR, email="secretariat@cper.example")
    creer_utilisateur("agent.x", role=Role.AGENT, email="agent@cper.example")
    with django_capture_on_commit_callbacks(execute=True):
        demande = identite_rattacher(emetteur=EMETTEUR, sujet="sub-6", infos=INFOS)
    with django_capture_on_commit_callbacks(execute=True):
        identite_rattacher(emetteur=EMETTEUR, sujet="sub-6", infos=INFOS)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["secretariat@cper.example"]
    assert message.subject == "Portail CPER : nouvelle demande d'accès"
    assert "Camille Martin (camille.agent@nord.example)" in message.body
    assert f"/comptes/demandes-acces/{demande.pk}/" in message.body
