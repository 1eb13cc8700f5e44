"""The whole run through the web (Django test client): grid, agenda, attendance, votes, tally,
confirmation, closing, minutes; and the pages' refusals."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from gouvernance.models import Decision, EtatSeance, Evaluation, Seance, Vote
from projets.models import Projet, Statut
from projets.services import projet_transitionner
from projets.workflow import Action
from tests.conftest import MOT_DE_PASSE
from tests.factories.gouvernance import agent_instructeur


def client_de(utilisateur):
    c = Client()
    assert c.login(username=utilisateur.username, password=MOT_DE_PASSE)
    return c


def test_un_agent_remplit_puis_depose_la_grille_depuis_la_page_du_dossier(
    client, agent, nouveau_projet
):
    projet = nouveau_projet()
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=projet.cree_par)
    projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=agent)
    client.force_login(agent)
    page = client.get(reverse("projets:detail", args=[projet.reference]))
    assert reverse("gouvernance:evaluation", args=[projet.reference]) in page.content.decode()
    url = reverse("gouvernance:evaluation", args=[projet.reference])
    assert "Conformité aux axes du CPER" in client.get(url).content.decode()
    # Filing without every mark: refused next to the fields, nothing filed.
    reponse = client.post(url, {"note_ambitions": "3", "avis": "favorable", "deposer": "1"})
    assert "Notez « Conformité aux axes du CPER »." in reponse.content.decode()
    assert not Evaluation.objects.filter(deposee_le__isnull=False).exists()
    donnees = {
        f"note_{code}": "4"
        for code in (
            "conformite-axes",
            "ambitions",
            "faisabilite",
            "decarbonation",
            "impact-environnemental",
            "egalite-femmes-hommes",
        )
    }
    donnees["note_egalite-femmes-hommes"] = "2"
    reponse = client.post(url, {**donnees, "avis": "reserve", "deposer": "1"}, follow=True)
    assert reponse.redirect_chain[-1][0] == reverse("projets:detail", args=[projet.reference])
    # The Région filed; the État, the other co-funder, has not: still under instruction.
    assert "il manque la grille de l’État" in reponse.content.decode()
    projet.refresh_from_db()
    assert projet.statut == Statut.EN_INSTRUCTION
    page = client.get(reverse("projets:detail", args=[projet.reference])).content.decode()
    assert "Score consolidé" in page
    assert "91,7&nbsp;%" in page  # (5 × 4 + 2) / 24
    assert 'id="lien-grille"' not in page  # its own grid is filed
    client.force_login(agent_instructeur("etat"))
    reponse = client.post(url, {**donnees, "avis": "favorable", "deposer": "1"}, follow=True)
    assert "Grille de l’État déposée : l'instruction du dossier est terminée." in (
        reponse.content.decode().replace("&#x27;", "'")
    )
    assert Projet.objects.get(pk=projet.pk).statut == Statut.INSTRUIT


def test_un_lecteur_ne_remplit_pas_la_grille_et_un_porteur_ne_voit_pas_la_gouvernance(
    client, lecteur, porteur, projet_brouillon
):
    client.force_login(lecteur)
    url = reverse("gouvernance:evaluation", args=[projet_brouillon.reference])
    assert client.get(url).status_code == 403
    client.force_login(porteur)
    assert client.get(reverse("gouvernance:comites")).status_code == 404


def test_parcours_complet_d_une_seance_par_le_web(
    comitologie, porteur, django_capture_on_commit_callbacks
):
    c = comitologie
    secretariat = client_de(c.secretaire)
    seance_url = reverse("gouvernance:seance", args=[c.seance.pk])

    # Committees list and detail, with the rules shown as settings.
    page = secretariat.get(reverse("gouvernance:comites")).content.decode()
    assert "Comité technique routier de suivi du CPER" in page
    page = secretariat.get(reverse("gouvernance:comite", args=["programmation"])).content.decode()
    assert "Réglage fixé par le secrétariat" in page
    assert "dont nous disposons" not in page
    assert "plus de la moitié des membres votants" in page

    # A new session planned through its form.
    reponse = secretariat.post(
        reverse("gouvernance:seance_creer", args=["programmation"]),
        {"date": "2030-03-01T10:00", "lien_visio": "https://visio.exemple.fr/cper"},
    )
    assert reponse.status_code == 302
    assert Seance.objects.count() == 2

    # Attendance sheet: everyone present, one proxy.
    presences = {
        f"presence_{m.pk}": "present" for m in [c.president, *c.votants, c.recuse, c.associe]
    }
    presences[f"presence_{c.votants[2].pk}"] = "represente"
    presences[f"mandataire_{c.votants[2].pk}"] = str(c.votants[1].pk)
    assert (
        secretariat.post(
            reverse("gouvernance:presences", args=[c.seance.pk]), presences
        ).status_code
        == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        secretariat.post(reverse("gouvernance:seance_action", args=[c.seance.pk, "convoquer"]))
    assert len(mail.outbox) == 1 and len(mail.outbox[0].to) == 7
    secretariat.post(reverse("gouvernance:seance_action", args=[c.seance.pk, "ouvrir"]))
    c.seance.refresh_from_db()
    assert c.seance.etat == EtatSeance.OUVERTE

    # Members vote from the session page and from the dossier view.
    premier, second = c.points
    for membre, choix in [(c.president, "pour"), (c.votants[0], "pour"), (c.votants[1], "contre")]:
        navigateur = client_de(membre.utilisateur)
        page = navigateur.get(seance_url).content.decode()
        assert "Mon vote sur" in page
        voter = reverse("gouvernance:voter", args=[c.seance.pk, premier.pk])
        assert navigateur.post(voter, {"choix": choix}).status_code == 302
        vue = navigateur.get(
            reverse("gouvernance:point", args=[c.seance.pk, second.pk])
        ).content.decode()
        assert "Plan de financement" in vue and "Score consolidé" in vue
        navigateur.post(
            reverse("gouvernance:voter", args=[c.seance.pk, second.pk]),
            {"choix": "contre", "retour": "point"},
        )
    mandataire = client_de(c.votants[1].utilisateur)
    assert "(pouvoir)" in mandataire.get(seance_url).content.decode()
    mandataire.post(
        reverse("gouvernance:voter", args=[c.seance.pk, premier.pk]),
        {"choix": "pour", "pour_membre": c.votants[2].pk},
    )
    # A change of mind is an update, and the page says the current vote.
    mandataire.post(
        reverse("gouvernance:voter", args=[c.seance.pk, premier.pk]),
        {"choix": "abstention", "modifier": "1"},
    )
    assert Vote.objects.get(point=premier, membre=c.votants[1]).choix == "abstention"
    # The recused member sees why, and no vote buttons for that dossier.
    recuse = client_de(c.recuse.utilisateur)
    assert "récusé(e)" in recuse.get(seance_url).content.decode()
    refus = recuse.post(
        reverse("gouvernance:voter", args=[c.seance.pk, premier.pk]), {"choix": "pour"}
    )
    assert refus.status_code == 403
    # The associated member cannot vote (403), nothing written.
    associe = client_de(c.associe.utilisateur)
    refus = associe.post(
        reverse("gouvernance:voter", args=[c.seance.pk, premier.pk]), {"choix": "pour"}
    )
    assert refus.status_code == 403
    assert Vote.objects.count() == 7

    # Live tally, for the secretariat only.
    decompte = secretariat.get(reverse("gouvernance:decompte_json", args=[c.seance.pk])).json()
    assert decompte["points"][0] == {
        "id": premier.pk,
        "pour": 3,
        "contre": 0,
        "abstention": 1,
        "total": 4,
        "en_attente": [],
    }
    # who has not voted yet on the second item: the Somme's elected member (its proxy voted
    # only on the first); the recused member is not waited for
    attente = decompte["points"][1]["en_attente"]
    assert len(attente) == 1 and attente[0].startswith("elu.somme (")
    assert decompte["quorum"] == {"votants": 5, "presents": 5, "requis": 3, "atteint": True}
    assert associe.get(reverse("gouvernance:decompte_json", args=[c.seance.pk])).status_code == 403
    assert (
        "Décompte en direct"
        in secretariat.get(reverse("gouvernance:decompte", args=[c.seance.pk])).content.decode()
    )

    # Closing: a confirmation page first, then the closing.
    confirmation = secretariat.get(reverse("gouvernance:clore", args=[c.seance.pk]))
    assert "Confirmer la clôture" in confirmation.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = secretariat.post(reverse("gouvernance:clore", args=[c.seance.pk]))
    assert reponse.status_code == 302
    assert Decision.objects.get(point=premier).resultat == "retenu"
    assert Decision.objects.get(point=second).resultat == "rejete"
    for projet, statut in zip(c.projets, [Statut.PROGRAMME, Statut.REJETE], strict=True):
        projet.refresh_from_db()
        assert projet.statut == statut

    # Minutes.
    pv = secretariat.get(reverse("gouvernance:proces_verbal", args=[c.seance.pk])).content.decode()
    assert "Procès-verbal" in pv
    assert "3 pour, 0 contre, 1 abstention : majorité simple des suffrages exprimés atteinte." in pv
    assert "par procuration, exprimé par" in pv
    assert "Récusation" in pv
    assert "requis : 3" in pv

    # After closing, a vote through the page is refused with the message, nothing written.
    navigateur = client_de(c.president.utilisateur)
    reponse = navigateur.post(
        reverse("gouvernance:voter", args=[c.seance.pk, premier.pk]),
        {"choix": "contre", "modifier": "1"},
        follow=True,
    )
    assert "La séance est close : les votes ne peuvent plus changer." in reponse.content.decode()
    assert Vote.objects.get(point=premier, membre=c.president).choix == "pour"


def test_clore_sans_quorum_par_le_web_affiche_le_refus(comitologie):
    c = comitologie
    c.ouvrir()
    secretariat = client_de(c.secretaire)
    reponse = secretariat.post(reverse("gouvernance:clore", args=[c.seance.pk]), follow=True)
    assert "Quorum non atteint : 0 membre(s) votant(s)" in reponse.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.parametrize("nom", ["comites", "grille"])
def test_pages_de_gouvernance_en_une_poignee_de_requetes(
    client, agent, nom, django_assert_max_num_queries
):
    client.force_login(agent)
    with django_assert_max_num_queries(8):
        assert client.get(reverse(f"gouvernance:{nom}")).status_code == 200


def test_la_page_de_seance_fait_les_memes_requetes_pour_un_present_et_un_absent(comitologie):
    """Outside a vote the ballots are not shown: a member's votes are not read, whether they
    attended or not (the page made one query more for those present)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gouvernance.services import presence_enregistrer

    c = comitologie
    present, absent = c.votants[0], c.votants[1]
    presence_enregistrer(seance=c.seance, membre=present, statut="present", par=c.secretaire)
    url = reverse("gouvernance:seance", args=[c.seance.pk])
    comptes = []
    for membre in (present, absent):
        navigateur = Client()
        navigateur.force_login(membre.utilisateur)
        navigateur.get(url)
        with CaptureQueriesContext(connection) as requetes:
            reponse = navigateur.get(url)
        assert reponse.status_code == 200
        comptes.append(len(requetes))
    assert comptes[0] == comptes[1]
