"""The log-in steps refused open on the DSFR error summary, with the reason, linked to the
field or to the form's general errors; nothing is opened nor saved."""

from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.comptes.test_double_facteur import (
    code,
    code_de,
    enrole,
    mot_de_passe,
)
from tests.comptes.test_proconnect import demande  # noqa: F401
from tests.comptes.test_reinitialisation import NOUVEAU, demander, lien
from tests.socle.test_resume_erreurs import verifier_resume

IP = "203.0.113.7"


def test_un_mauvais_second_facteur(client, agent, settings):
    settings.COMPTES_DOUBLE_FACTEUR_ROLES = ["agent"]
    appareil, _ = enrole(agent)
    mot_de_passe(client, "agent.region")
    faux = "000000" if code_de(appareil) != "000000" else "111111"
    resume = verifier_resume(
        code(client, faux), {"id_code": "Code de vérification : Code incorrect"}
    )
    assert "Connexion refusée" in resume
    assert client.get("/tableau-de-bord/").status_code == 302  # still not in


def test_un_mauvais_code_a_l_enrolement(client, agent, settings):
    settings.COMPTES_DOUBLE_FACTEUR_ROLES = ["agent"]
    mot_de_passe(client, "agent.region")
    client.get("/compte/double-facteur/")
    reponse = client.post("/compte/double-facteur/", {"code": "12"}, REMOTE_ADDR=IP)
    verifier_resume(reponse, {"id_code": "Code de vérification : Code incorrect"})
    assert not TOTPDevice.objects.filter(user=agent, confirmed=True).exists()


def test_deux_mots_de_passe_differents(client, porteur):
    porteur.email = "porteur@univ.example"
    porteur.save()
    demander(client, "porteur@univ.example")
    formulaire = client.get(lien(mail.outbox[0]), follow=True)
    url = formulaire.redirect_chain[-1][0]
    refus = client.post(url, {"new_password1": NOUVEAU, "new_password2": "autre"})
    verifier_resume(refus, {"id_new_password2": "Les deux mots de passe ne sont pas identiques."})
    porteur.refresh_from_db()
    assert not porteur.check_password(NOUVEAU)


def test_une_demande_d_acces_approuvee_sans_organisation_ni_role(
    client,
    administrateur,
    demande,  # noqa: F811
):
    from comptes.models import Utilisateur

    client.force_login(administrateur)
    reponse = client.post(f"/comptes/demandes-acces/{demande.pk}/", {"decision": "approuver"})
    verifier_resume(
        reponse,
        {
            "id_organisation": "Choisissez l'organisation de la personne.",
            "id_role": "Choisissez le rôle de la personne.",
        },
    )
    assert not Utilisateur.objects.filter(email=demande.email).exists()
