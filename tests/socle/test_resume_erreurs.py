"""A refused form opens on the DSFR error summary: one link per field in error (to the field's
id), the French reason in it, and nothing written. The page's script moves the focus onto
it (tests/e2e/test_resume_erreurs.py checks that in a browser)."""

import html
import re

from django import forms
from django.template import Context, Template
from django.urls import reverse

from axes.models import Signataire
from comptes.models import JetonApi, Role
from financement.models import (
    Avenant,
    CreditsOuverts,
    DemandePaiement,
    Engagement,
    MaquetteLigne,
    Paiement,
)
from projets.models import Statut, TransitionProjet
from projets.services import projet_transitionner
from projets.workflow import Action
from tests.financement.test_pages import donnees_engagement
from tests.financement.test_pages_execution import demande, ligne_etat  # noqa: F401
from tests.suivi.test_indicateurs import indicateur  # noqa: F401

RESUME = re.compile(
    r'<div class="fr-alert fr-alert--error[^"]*"[^>]*id="resume-erreurs".*?</div>', re.S
)


def resume_de(reponse, statuts=(200, 400)) -> str:
    """The error summary of a refused page, unescaped; fails when the page has none."""
    assert reponse.status_code in statuts, reponse.status_code
    page = reponse.content.decode()
    trouve = RESUME.search(page)
    assert trouve, "pas de résumé des erreurs en haut de la page"
    assert 'tabindex="-1"' in trouve.group(0)  # the script can give it the focus
    contenu = page.index('id="contenu"')
    premier_formulaire = page.find('<form method="post"', contenu)
    assert contenu < page.index('id="resume-erreurs"') < premier_formulaire  # at the top
    return html.unescape(trouve.group(0))


def verifier_resume(reponse, attendus: dict[str, str], statuts=(200, 400)) -> str:
    """Each `{field id: French reason}` is a link of the summary, and each id exists in the
    page (the link leads somewhere)."""
    resume = resume_de(reponse, statuts)
    page = reponse.content.decode()
    for ancre, message in attendus.items():
        lien = re.search(rf'<a href="#{re.escape(ancre)}">([^<]*)</a>', resume)
        assert lien, f"pas de lien vers #{ancre} dans {resume}"
        assert message in lien.group(1), (message, lien.group(1))
        assert f'id="{ancre}"' in page, f"#{ancre} n'existe pas dans la page"
    return resume


# --- The tag itself -----------------------------------------------------------------------


class _Formulaire(forms.Form):
    nom = forms.CharField(label="Nom *")
    montant = forms.IntegerField(label="Montant", required=False)

    def clean(self):
        raise forms.ValidationError("Le montant dépasse l’enveloppe disponible.")


def test_le_resume_nomme_chaque_champ_et_reprend_l_erreur_generale():
    form = _Formulaire({"nom": "", "montant": "douze"})
    rendu = Template("{% load cper %}{% resume_erreurs form %}").render(Context({"form": form}))
    rendu = html.unescape(rendu)
    assert "Le formulaire contient 3 erreurs : rien n’a été enregistré" in rendu
    assert '<a href="#id_nom">Nom : Ce champ est obligatoire.</a>' in rendu  # no « * »
    assert '<a href="#id_montant">Montant : Saisissez un nombre entier.</a>' in rendu
    assert '<a href="#erreurs-generales">Le montant dépasse l’enveloppe disponible.</a>' in rendu


def test_un_formulaire_accepte_ou_vierge_n_a_pas_de_resume():
    gabarit = Template("{% load cper %}{% resume_erreurs form autre %}")
    assert gabarit.render(Context({"form": _Formulaire(), "autre": None})).strip() == ""


def test_des_erreurs_verifiees_par_la_vue_ont_leur_lien():
    erreurs = [{"ancre": "presence_12", "libelle": "", "message": "Indiquez le mandataire."}]
    rendu = Template('{% load cper %}{% resume_erreurs e titre="Refusé" %}').render(
        Context({"e": erreurs})
    )
    assert '<h2 class="fr-alert__title">Refusé</h2>' in rendu
    assert '<a href="#presence_12">Indiquez le mandataire.</a>' in rendu


# --- Financement --------------------------------------------------------------------------


def test_engagement_refuse_par_le_registre(client, agent, ligne_region):
    client.force_login(agent)
    url = reverse("financement:engager", args=[ligne_region.pk])
    reponse = client.post(url, donnees_engagement(reference="", montant="dix"))
    verifier_resume(
        reponse,
        {"id_reference": "Référence de l'acte : ", "id_montant": "Saisissez un montant"},
        statuts=(400,),
    )
    # The ledger's refusal, once the form is valid: on the amount too.
    reponse = client.post(url, donnees_engagement(montant="400 000,01"))
    verifier_resume(reponse, {"id_montant": "disponibles sur"}, statuts=(400,))
    assert not Engagement.objects.exists()


def test_paiement_refuse(client, agent, ligne_region):
    client.force_login(agent)
    client.post(reverse("financement:engager", args=[ligne_region.pk]), donnees_engagement())
    engagement = Engagement.objects.get()
    prefixe = f"paiement-{engagement.pk}"
    reponse = client.post(
        reverse("financement:payer", args=[engagement.pk]),
        {
            f"{prefixe}-date_paiement": "2026-05-01",
            f"{prefixe}-montant": "250 000,01",
            f"{prefixe}-type_": "solde",
        },
    )
    verifier_resume(reponse, {f"id_{prefixe}-montant": "engagés"}, statuts=(400,))
    assert not Paiement.objects.exists()


def test_credits_refuses(client, agent):
    client.force_login(agent)
    reponse = client.post(
        reverse("financement:signataire", args=["region"]), {"annee": "", "montant": "dix"}
    )
    verifier_resume(reponse, {"id_annee": "", "id_montant": "Saisissez un montant en euros"})
    assert not CreditsOuverts.objects.exists()


def test_avenant_sans_justification(client, administrateur):
    client.force_login(administrateur)
    reponse = client.post(
        reverse("financement:avenant_nouveau"),
        {"numero": "1", "titre": "Avenant", "justification": "", "initie_par": ""},
    )
    verifier_resume(
        reponse,
        {
            "id_justification": "L'article 4 exige la justification",
            "id_initie_par": "Partie qui demande la révision : ",
        },
    )
    page = reponse.content.decode()
    assert "Les champs marqués d’un astérisque (*) sont obligatoires." in page
    assert Avenant.objects.count() == 0


def test_siret_des_signataires_refuse(client, administrateur):
    client.force_login(administrateur)
    avant = list(Signataire.objects.values_list("organisation__siret", flat=True))
    reponse = client.post(reverse("financement:siret_signataires"), {"region": "123"})
    verifier_resume(reponse, {"id_region": "SIRET — "})
    assert list(Signataire.objects.values_list("organisation__siret", flat=True)) == avant


def test_maquette_sans_fichier(client, administrateur):
    client.force_login(administrateur)
    reponse = client.post(reverse("financement:maquette"), {})
    verifier_resume(reponse, {"id_fichier": ""})
    assert not MaquetteLigne.objects.exists()


def test_demande_de_paiement_refusee(client, porteur, ligne_region):
    client.force_login(porteur)
    reponse = client.post(
        reverse("financement:demander", args=[ligne_region.pk]),
        {
            "type_": "",
            "montant_demande": "beaucoup",
            "depenses-TOTAL_FORMS": "1",
            "depenses-INITIAL_FORMS": "0",
        },
    )
    verifier_resume(
        reponse, {"id_type_": "Nature de la demande : ", "id_montant_demande": "Saisissez"}
    )
    assert not DemandePaiement.objects.exists()


def test_avancement_refuse(client, porteur, projet_programme):
    client.force_login(porteur)
    reponse = client.post(
        reverse("financement:execution", args=[projet_programme.reference]),
        {"etape": "", "pourcentage_travaux": "140"},
    )
    verifier_resume(reponse, {"id_etape": "", "id_pourcentage_travaux": ""}, statuts=(400,))
    assert not projet_programme.avancements.exists()


# --- Projets: a step refused for lack of its reason ----------------------------------------


def test_un_motif_obligatoire_est_marque_et_son_absence_est_au_resume(
    client, agent, projet_brouillon
):
    projet = projet_brouillon
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=projet.cree_par)
    client.force_login(agent)
    url = reverse("projet_action", args=[projet_brouillon.reference, "declarer_incomplet"])
    assert "Motif *" in client.get(url).content.decode()
    avant = TransitionProjet.objects.count()
    reponse = client.post(url, {"commentaire": ""})
    resume = verifier_resume(reponse, {"id_commentaire": "Motif : "})
    assert "Motif * :" not in resume
    assert TransitionProjet.objects.count() == avant
    projet_brouillon.refresh_from_db()
    assert projet_brouillon.statut == Statut.DEPOSE


# --- Comptes, rapports, reprise -------------------------------------------------------------


def test_une_connexion_refusee_ouvre_sur_le_resume(client, creer_utilisateur):
    creer_utilisateur("agent.aisne", role=Role.AGENT)
    reponse = client.post(reverse("connexion"), {"username": "agent.aisne", "password": "non"})
    resume = verifier_resume(
        reponse, {"erreurs-generales": "Identifiant ou mot de passe incorrect"}
    )
    assert "Connexion refusée" in resume
    assert "_auth_user_id" not in client.session


def test_un_jeton_sans_nom(client, agent):
    client.force_login(agent)
    reponse = client.post(reverse("jeton_creer"), {"nom": ""})
    verifier_resume(reponse, {"id_nom": "Nom du jeton : "})
    assert not JetonApi.objects.exists()


def test_mot_de_passe_oublie_avec_une_adresse_invalide(client):
    reponse = client.post(reverse("reinitialisation"), {"email": "pas-une-adresse"})
    verifier_resume(reponse, {"id_email": ""})


def test_bilan_demande_sur_un_perimetre_inconnu(client, administrateur):
    from rapports.models import Travail

    client.force_login(administrateur)
    avant = Travail.objects.count()
    reponse = client.post(reverse("rapports:liste"), {"perimetre": "nulle-part"})
    verifier_resume(reponse, {"id_perimetre": "Périmètre du bilan : "})
    assert Travail.objects.count() == avant


def test_import_sans_fichier(client, administrateur):
    from reprise.models import ImportProgrammation

    client.force_login(administrateur)
    reponse = client.post(reverse("reprise:accueil"), {})
    verifier_resume(reponse, {"id_fichier": ""})
    assert not ImportProgrammation.objects.exists()


def test_un_refus_dit_par_un_message_recoit_le_focus(client, agent):
    """A page that tells its refusal by a message (the action refused, then a redirect):
    the message is the script's target."""
    client.force_login(agent)
    reponse = client.get(reverse("financement:etat"), {"date": "hier"})
    page = reponse.content.decode()
    assert re.search(r'role="alert" tabindex="-1" data-refus>\s*<p>Date invalide', page)
    assert re.search(r'<script src="/static/js/resume_erreurs[^"]*\.js" defer>', page)


def test_une_instruction_refusee(client, agent_etat, demande):  # noqa: F811
    client.force_login(agent_etat)
    url = reverse("financement:demande_instruire", args=[demande.pk])
    reponse = client.post(url, {"decision": "accepter", "montant_accepte": "80 000"})
    resume = verifier_resume(reponse, {}, statuts=(400,))
    assert "Une acceptation partielle se motive" in resume
    assert not Paiement.objects.exists()


def test_un_document_refuse_est_dit_sous_le_champ_et_au_resume(client, porteur, projet_brouillon):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(porteur)
    url = reverse("projets:document_ajouter", args=[projet_brouillon.reference])
    verifier_resume(client.post(url, {}), {"id_fichier": "Ajouter un document : "}, statuts=(400,))
    reponse = client.post(url, {"fichier": SimpleUploadedFile("virus.exe", b"MZ\x90\x00")})
    resume = verifier_resume(reponse, {"id_fichier": "Ajouter un document : "}, statuts=(400,))
    assert 'id="id_fichier-desc-error"' in reponse.content.decode()  # under the field too
    assert "PDF" in resume
    assert not projet_brouillon.documents.exists()


def test_une_contribution_refusee_a_son_resume(client, indicateur, projet_programme, porteur):  # noqa: F811
    from suivi.models import ContributionIndicateur

    client.force_login(porteur)
    p = f"i{indicateur.pk}"
    reponse = client.post(
        f"/suivi/projets/{projet_programme.reference}/indicateurs/",
        {"indicateur": indicateur.pk, f"{p}-valeur_attendue": "-3"},
    )
    verifier_resume(
        reponse, {f"id_{p}-valeur_attendue": "La valeur ne peut pas être négative."}, statuts=(400,)
    )
    assert not ContributionIndicateur.objects.exists()
