"""The governance forms open, when refused, on the DSFR error summary: a link per field in
error (the attendance sheet's rows, the grid's marks included), the French reason, nothing
written."""

import re

from django.urls import reverse

from gouvernance.models import ArbitrageLigne, Evaluation, Membre, Presence, Seance, Vote
from projets.services import projet_transitionner
from projets.workflow import Action
from tests.factories.gouvernance import agent_instructeur
from tests.gouvernance.test_decisions_par_ligne import _url_arbitrer, scene  # noqa: F401
from tests.gouvernance.test_pages import client_de
from tests.socle.test_resume_erreurs import verifier_resume


def test_planifier_une_seance_sans_date(comitologie):
    secretariat = client_de(comitologie.secretaire)
    url = reverse("gouvernance:seance_creer", args=["programmation"])
    nombre = Seance.objects.count()
    reponse = secretariat.post(url, {"date": "demain", "lieu": ""})
    verifier_resume(reponse, {"id_date": "Date et heure : Indiquez la date et l'heure"})
    page = reponse.content.decode()
    formulaire = page[page.index('id="form-seance"') :]
    assert re.search(r'for="id_date">Date et heure<span class="fr-required-marker"', formulaire)
    assert "Les champs marqués d’un astérisque (*) sont obligatoires." in formulaire
    assert Seance.objects.count() == nombre


def test_inscrire_sans_choisir_de_dossier(comitologie):
    secretariat = client_de(comitologie.secretaire)
    seance = comitologie.seance
    nombre = seance.points.count()
    reponse = secretariat.post(reverse("gouvernance:seance_inscrire", args=[seance.pk]), {})
    verifier_resume(reponse, {"id_projet": "Choisissez un dossier à inscrire."})
    assert seance.points.count() == nombre


def test_une_feuille_de_presence_refusee_a_un_lien_par_membre(comitologie):
    c = comitologie
    presences = {f"presence_{m.pk}": "present" for m in [c.president, *c.votants]}
    presences[f"presence_{c.votants[1].pk}"] = "represente"  # no proxy holder given
    reponse = client_de(c.secretaire).post(
        reverse("gouvernance:presences", args=[c.seance.pk]), presences
    )
    verifier_resume(
        reponse,
        {f"presence_{c.votants[1].pk}": "Indiquez le membre qui détient le pouvoir."},
        statuts=(400,),
    )
    assert f'aria-describedby="erreur-presence_{c.votants[1].pk}"' in reponse.content.decode()
    assert not Presence.objects.exists()


def test_nommer_un_membre_sans_rien_choisir(comitologie):
    nombre = Membre.objects.count()
    reponse = client_de(comitologie.secretaire).post(
        reverse("gouvernance:membre_nommer", args=["programmation"]), {"debut": ""}
    )
    verifier_resume(
        reponse,
        {
            "id_utilisateur": "Personne : Choisissez la personne à nommer.",
            "id_role": "Rôle : Choisissez le rôle du membre.",
            "id_debut": "Indiquez le début du mandat.",
        },
        statuts=(400,),
    )
    page = reponse.content.decode()
    assert re.search(r'Personne<span class="fr-required-marker" aria-hidden="true">\s\*', page)
    assert Membre.objects.count() == nombre


def test_une_grille_incomplete_renvoie_a_chaque_note(client, agent, nouveau_projet):
    projet = nouveau_projet()
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=projet.cree_par)
    projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=agent)
    client.force_login(agent)
    url = reverse("gouvernance:evaluation", args=[projet.reference])
    reponse = client.post(url, {"note_ambitions": "9", "avis": "favorable", "deposer": "1"})
    verifier_resume(reponse, {"note_ambitions_0": "La note va de 0 à"})
    reponse = client.post(url, {"note_ambitions": "3", "avis": "favorable", "deposer": "1"})
    verifier_resume(reponse, {"note_conformite-axes_0": "Notez « Conformité aux axes du CPER »."})
    assert not Evaluation.objects.filter(deposee_le__isnull=False).exists()


def test_une_proposition_refusee_sur_une_ligne(client, scene):  # noqa: F811
    client.force_login(agent_instructeur("etat"))
    prefixe = f"ligne-{scene.ligne('etat').pk}"
    reponse = client.post(
        _url_arbitrer(scene, "etat"),
        {f"{prefixe}-issue": "reduite", f"{prefixe}-montant": "350 000,00"},
    )
    verifier_resume(
        reponse, {f"id_{prefixe}-montant": "inférieur au montant demandé"}, statuts=(400,)
    )
    assert not ArbitrageLigne.objects.exists()


def test_un_vote_refuse_dit_pourquoi_en_haut_avec_le_focus(comitologie):
    c = comitologie
    reponse = client_de(c.votants[0].utilisateur).post(
        reverse("gouvernance:voter", args=[c.seance.pk, c.points[0].pk]),
        {"choix": "pour"},
        follow=True,
    )
    page = reponse.content.decode()
    assert re.search(r'role="alert" tabindex="-1" data-refus>\s*<p>', page)  # focus target
    assert not Vote.objects.exists()
