"""The governance pages read their input through Django forms: each refusal is in French, next
to its field (or above the page for the sheets of buttons), and nothing is written."""

from django.urls import reverse

from gouvernance.models import Evaluation, Presence, Seance, Vote
from projets.services import projet_transitionner
from projets.workflow import Action
from tests.gouvernance.test_pages import client_de


def test_planifier_une_seance_sans_date_ni_lieu_dit_pourquoi_a_cote_des_champs(comitologie):
    c = comitologie
    secretariat = client_de(c.secretaire)
    url = reverse("gouvernance:seance_creer", args=["programmation"])
    reponse = secretariat.post(url, {"date": "demain", "lieu": "", "lien_visio": ""})
    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert 'id="erreur-date"' in page and "Indiquez la date et l&#x27;heure de la séance." in page
    reponse = secretariat.post(url, {"date": "2030-03-01T10:00", "lieu": "", "lien_visio": ""})
    page = reponse.content.decode()
    assert 'id="erreur-lieu"' in page
    assert "Indiquez un lieu ou un lien de visioconférence." in page
    assert 'value="2030-03-01T10:00"' in page  # what was typed stays
    reponse = secretariat.post(url, {"date": "2030-03-01T10:00", "lien_visio": "pas une adresse"})
    assert 'id="erreur-lien_visio"' in reponse.content.decode()
    assert Seance.objects.count() == 1


def test_inscrire_un_dossier_hors_du_comite_le_dit_a_cote_du_choix(
    comitologie, instruire, nouveau_projet
):
    from axes.models import Noeud
    from gouvernance.models import Comite, Membre
    from gouvernance.services import seance_creer

    c = comitologie
    velo = Comite.objects.get(code="technique-velo")
    Membre.objects.create(
        comite=velo,
        utilisateur=c.secretaire,
        organisation=c.secretaire.organisation,
        role="secretariat",
        debut=c.president.debut,
    )
    seance = seance_creer(comite=velo, date=c.seance.date, lieu="Amiens", par=c.secretaire)
    projet = instruire(nouveau_projet(mesure=Noeud.objects.get(code="IV.2.1.a")))
    secretariat = client_de(c.secretaire)
    url = reverse("gouvernance:seance_inscrire", args=[seance.pk])
    vide = secretariat.post(url, {"projet": ""})
    assert "Choisissez un dossier à inscrire." in vide.content.decode()
    reponse = secretariat.post(url, {"projet": projet.reference})
    page = reponse.content.decode()
    assert reponse.status_code == 200 and 'id="erreur-projet"' in page
    assert "ne relève pas des mesures du Comité technique vélo" in page
    assert not seance.points.exists()


def test_un_choix_de_vote_inconnu_est_refuse_sans_rien_ecrire(comitologie):
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    electeur = client_de(c.votants[0].utilisateur)
    reponse = electeur.post(
        reverse("gouvernance:voter", args=[c.seance.pk, c.points[0].pk]),
        {"choix": "peut-etre"},
        follow=True,
    )
    assert "Votez pour, contre ou abstention." in reponse.content.decode()
    assert not Vote.objects.exists()


def test_une_feuille_de_presence_invalide_n_enregistre_rien(comitologie):
    c = comitologie
    secretariat = client_de(c.secretaire)
    reponse = secretariat.post(
        reverse("gouvernance:presences", args=[c.seance.pk]),
        {
            f"presence_{c.president.pk}": "present",
            f"presence_{c.votants[0].pk}": "represente",
            f"mandataire_{c.votants[0].pk}": str(c.associe.pk),  # not a voting member
        },
        follow=True,
    )
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "le pouvoir va à un autre membre votant du comité" in page
    assert f"{c.votants[0].utilisateur} : le pouvoir va" in page  # the member is named
    assert "La feuille de présence n’a pas été enregistrée" in page
    assert not Presence.objects.exists()


def test_une_note_hors_echelle_est_signalee_a_cote_du_critere(client, agent, nouveau_projet):
    projet = nouveau_projet()
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=projet.cree_par)
    projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=agent)
    client.force_login(agent)
    url = reverse("gouvernance:evaluation", args=[projet.reference])
    reponse = client.post(url, {"note_ambitions": "9", "avis": "favorable", "enregistrer": "1"})
    page = reponse.content.decode()
    assert 'id="erreur-ambitions"' in page and "La note va de 0 à 4." in page
    assert not Evaluation.objects.exists()
    # A draft with one mark and a comment is kept, and shown again.
    client.post(url, {"note_ambitions": "3", "commentaire_ambitions": "Ambitieux.", "avis": ""})
    page = client.get(url).content.decode()
    assert 'id="note_ambitions_3" name="note_ambitions" value="3" checked' in page
    assert "Ambitieux." in page
