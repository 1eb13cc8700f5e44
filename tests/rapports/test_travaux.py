"""Asking for a bilan, following it, downloading it: in-process (Celery eager) tests."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from cper.celery import app as celery_app
from rapports import services
from rapports.models import EtatTravail, Travail, TypeTravail
from rapports.services import travail_demander, travaux_bloques_relancer
from rapports.tasks import travail_executer_task
from tests.rapports.outils import texte_pdf


@pytest.fixture
def bilan_pret(demandeur, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        travail = travail_demander(type=TypeTravail.BILAN_EXECUTION, parametres={}, par=demandeur)
    travail.refresh_from_db()
    return travail


def contenu(reponse) -> bytes:
    """The whole body; the test client closes the file once it is read to the end."""
    return b"".join(reponse.streaming_content)


def test_demander_un_bilan_depuis_la_page_produit_le_pdf_et_previent_par_courriel(
    client, demandeur, django_capture_on_commit_callbacks, _documents_dans_un_dossier_temporaire
):
    client.force_login(demandeur)
    page = client.get(reverse("rapports:liste")).content.decode()
    assert "Demander le bilan" in page and "Département de la Somme" in page

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("rapports:liste"), {"perimetre": ""})
    travail = Travail.objects.get(demandeur=demandeur)
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("rapports:travail", args=[travail.pk])
    assert travail.etat == EtatTravail.PRET and travail.progression == 100
    assert travail.tentatives == 1 and travail.termine_le is not None
    assert travail.fichier.path.startswith(str(_documents_dans_un_dossier_temporaire))

    page = client.get(reverse("rapports:travail", args=[travail.pk])).content.decode()
    assert "prêt" in page and reverse("rapports:telecharger", args=[travail.pk]) in page
    assert "Bilan d&#x27;exécution du CPER" in page

    telechargement = client.get(reverse("rapports:telecharger", args=[travail.pk]))
    assert telechargement.status_code == 200
    assert telechargement["Content-Type"] == "application/pdf"
    assert "attachment" in telechargement["Content-Disposition"]
    assert "bilan-execution-cper-" in telechargement["Content-Disposition"]
    assert "2 759 563 000,00 €" in texte_pdf(contenu(telechargement))

    (courriel,) = mail.outbox
    assert courriel.to == ["demandeur@exemple.fr"]
    assert courriel.subject == "Votre document est prêt : Bilan d'exécution du CPER"
    lien = f"http://127.0.0.1:8000{reverse('rapports:travail', args=[travail.pk])}"
    assert lien in courriel.body
    html, type_mime = courriel.alternatives[0]
    assert type_mime == "text/html" and lien in html


def test_le_bilan_d_un_signataire_ne_montre_que_ce_signataire(
    client, demandeur, django_capture_on_commit_callbacks
):
    client.force_login(demandeur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rapports:liste"), {"perimetre": "somme"})
    travail = Travail.objects.get(demandeur=demandeur)
    assert travail.type == TypeTravail.BILAN_SIGNATAIRE
    assert travail.libelle == "Bilan d'exécution d'un signataire — Département de la Somme"
    texte = texte_pdf(contenu(client.get(reverse("rapports:telecharger", args=[travail.pk]))))
    assert "Département de la Somme 96 205 000,00 € 96 205 000,00 € 3,5 %" in texte
    assert "994 262 000,00 €" not in texte  # the État's envelope is not listed
    assert "Total du contrat (9 signataires) 2 759 563 000,00 €" in texte


def test_un_perimetre_inconnu_est_refuse_sans_creer_de_travail(client, demandeur):
    client.force_login(demandeur)
    reponse = client.post(reverse("rapports:liste"), {"perimetre": "lune"})
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Travail.objects.exists()


def test_relancer_la_tache_ne_refait_pas_le_document_et_garde_un_seul_fichier(
    bilan_pret, _documents_dans_un_dossier_temporaire
):
    fichier = bilan_pret.fichier.path
    travail_executer_task.apply(args=[bilan_pret.pk])
    travail_executer_task.apply(args=[bilan_pret.pk])
    bilan_pret.refresh_from_db()
    assert bilan_pret.etat == EtatTravail.PRET and bilan_pret.tentatives == 1
    assert Travail.objects.count() == 1
    assert [p.name for p in (_documents_dans_un_dossier_temporaire / "rapports").iterdir()] == [
        f"travail-{bilan_pret.pk}.pdf"
    ]
    assert bilan_pret.fichier.path == fichier


def test_un_message_livre_deux_fois_pendant_le_travail_ne_laisse_qu_un_fichier(
    demandeur, _documents_dans_un_dossier_temporaire
):
    """After a worker crash the same message is delivered again while the row is en_cours."""
    travail = Travail.objects.create(demandeur=demandeur, type=TypeTravail.BILAN_EXECUTION)
    Travail.objects.filter(pk=travail.pk).update(etat=EtatTravail.EN_COURS, tentatives=1)
    travail_executer_task.apply(args=[travail.pk])
    travail.refresh_from_db()
    assert travail.etat == EtatTravail.PRET and travail.tentatives == 2
    assert len(list((_documents_dans_un_dossier_temporaire / "rapports").iterdir())) == 1


def test_une_erreur_est_montree_au_demandeur_en_francais(
    client, demandeur, monkeypatch, django_capture_on_commit_callbacks
):
    def casse(travail):
        raise RuntimeError("template introuvable")

    monkeypatch.setattr(services, "_construire", casse)
    client.force_login(demandeur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rapports:liste"), {"perimetre": ""})
    travail = Travail.objects.get()
    assert travail.etat == EtatTravail.ECHEC
    assert travail.message_erreur == services.MESSAGE_INATTENDU
    page = client.get(reverse("rapports:travail", args=[travail.pk])).content.decode()
    assert "Le document n’a pas pu être produit" in page
    assert "erreur inattendue" in page and "template introuvable" not in page
    assert client.get(reverse("rapports:telecharger", args=[travail.pk])).status_code == 404
    etat = client.get(reverse("rapports:etat", args=[travail.pk])).json()
    assert etat["libelle_etat"] == "échec" and etat["termine"] is True
    assert etat["url_telechargement"] is None
    assert not mail.outbox


@pytest.fixture
def reprises_comme_sur_un_worker():
    """In eager mode a retry surfaces in the caller; on a worker it is scheduled instead."""
    avant = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = avant


@pytest.mark.usefixtures("reprises_comme_sur_un_worker")
def test_une_coupure_passagere_de_la_base_est_reprise_automatiquement(
    demandeur, monkeypatch, django_capture_on_commit_callbacks
):
    vrai_construire = services._construire
    appels = []

    def coupure_puis_reprise(travail):
        appels.append(travail.pk)
        if len(appels) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return vrai_construire(travail)

    monkeypatch.setattr(services, "_construire", coupure_puis_reprise)
    with django_capture_on_commit_callbacks(execute=True):
        travail = travail_demander(type=TypeTravail.BILAN_EXECUTION, parametres={}, par=demandeur)
    travail.refresh_from_db()
    assert len(appels) == 3
    assert travail.etat == EtatTravail.PRET and travail.tentatives == 3


@pytest.mark.usefixtures("reprises_comme_sur_un_worker")
def test_une_base_durablement_indisponible_finit_en_echec_explique(
    demandeur, monkeypatch, django_capture_on_commit_callbacks
):
    def toujours_en_panne(travail):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "_construire", toujours_en_panne)
    with django_capture_on_commit_callbacks(execute=True):
        travail = travail_demander(type=TypeTravail.BILAN_EXECUTION, parametres={}, par=demandeur)
    travail.refresh_from_db()
    assert travail.etat == EtatTravail.ECHEC
    assert travail.tentatives == 4  # the first run and three retries
    assert travail.message_erreur == services.MESSAGE_INDISPONIBLE


# --- Who may see a job -------------------------------------------------------------------


@pytest.mark.parametrize("nom_url", ["rapports:travail", "rapports:etat", "rapports:telecharger"])
def test_un_autre_utilisateur_recoit_404_et_rien_ne_fuit(
    client, bilan_pret, creer_utilisateur, nom_url
):
    client.force_login(creer_utilisateur("curieux"))
    reponse = client.get(reverse(nom_url, args=[bilan_pret.pk]))
    assert reponse.status_code == 404
    assert b"%PDF" not in reponse.content and b"Bilan" not in reponse.content
    absent = client.get(reverse(nom_url, args=[bilan_pret.pk + 1000]))
    assert absent.status_code == 404  # the same answer as for a job that does not exist


def test_un_autre_utilisateur_ne_voit_pas_le_travail_dans_sa_liste(
    client, bilan_pret, creer_utilisateur
):
    client.force_login(creer_utilisateur("curieux"))
    page = client.get(reverse("rapports:liste")).content.decode()
    assert "Vous n’avez encore demandé aucun document." in page
    assert reverse("rapports:travail", args=[bilan_pret.pk]) not in page


def test_le_demandeur_et_un_administrateur_telechargent_le_fichier(
    client, bilan_pret, demandeur, administrateur
):
    for personne in (demandeur, administrateur):
        client.force_login(personne)
        reponse = client.get(reverse("rapports:telecharger", args=[bilan_pret.pk]))
        assert reponse.status_code == 200
        assert contenu(reponse).startswith(b"%PDF")
    page = client.get(reverse("rapports:travail", args=[bilan_pret.pk])).content.decode()
    assert "par demandeur" in page  # the administrator sees whose request it is


@pytest.mark.parametrize("nom_url", ["rapports:travail", "rapports:etat", "rapports:telecharger"])
def test_un_visiteur_anonyme_est_renvoye_vers_la_connexion(client, bilan_pret, nom_url):
    url = reverse(nom_url, args=[bilan_pret.pk])
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert reponse["Location"] == f"{reverse('connexion')}?next={url}"


def test_le_lien_rapports_n_apparait_qu_une_fois_connecte(client, demandeur):
    lien = f'href="{reverse("rapports:liste")}"'
    assert lien not in client.get(reverse("accueil")).content.decode()
    client.force_login(demandeur)
    assert lien in client.get(reverse("accueil")).content.decode()
    assert client.get(reverse("rapports:liste")).status_code == 200


# --- Progress and the stuck-jobs sweep --------------------------------------------------


def test_la_page_d_etat_se_met_a_jour_sans_ressource_exterieure(client, demandeur):
    travail = Travail.objects.create(demandeur=demandeur, type=TypeTravail.BILAN_EXECUTION)
    Travail.objects.filter(pk=travail.pk).update(etat=EtatTravail.EN_COURS, progression=40)
    client.force_login(demandeur)
    page = client.get(reverse("rapports:travail", args=[travail.pk])).content.decode()
    assert 'value="40"' in page and "en cours" in page
    assert f'data-url-etat="{reverse("rapports:etat", args=[travail.pk])}"' in page
    assert "/static/js/suivi_travail.js" in page
    assert "https://" not in page.split("<footer")[0].split("</head>")[1]
    etat = client.get(reverse("rapports:etat", args=[travail.pk]))
    assert etat["Cache-Control"] == "no-store"
    assert etat.json() == {
        "etat": "en_cours",
        "libelle_etat": "en cours",
        "progression": 40,
        "termine": False,
        "message_erreur": "",
        "url_telechargement": None,
    }
    script = client.get("/static/js/suivi_travail.js")
    assert script.status_code == 200
    assert "setTimeout(interroger, 1000)" in contenu(script).decode()


def _bloque(demandeur, *, tentatives):
    travail = Travail.objects.create(demandeur=demandeur, type=TypeTravail.BILAN_EXECUTION)
    Travail.objects.filter(pk=travail.pk).update(
        etat=EtatTravail.EN_COURS,
        progression=35,
        tentatives=tentatives,
        demarre_le=timezone.now() - timedelta(hours=1),
    )
    return travail


def test_un_travail_bloque_est_relance_une_fois_et_aboutit(
    demandeur, django_capture_on_commit_callbacks
):
    travail = _bloque(demandeur, tentatives=1)
    recent = _bloque(demandeur, tentatives=1)
    Travail.objects.filter(pk=recent.pk).update(demarre_le=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert travaux_bloques_relancer() == (1, 0)
    travail.refresh_from_db()
    recent.refresh_from_db()
    assert travail.etat == EtatTravail.PRET and travail.tentatives == 2
    assert recent.etat == EtatTravail.EN_COURS  # still within its time limit: left alone


def test_un_travail_bloque_deux_fois_passe_en_echec_avec_un_message(client, demandeur):
    travail = _bloque(demandeur, tentatives=2)
    assert travaux_bloques_relancer() == (0, 1)
    travail.refresh_from_db()
    assert travail.etat == EtatTravail.ECHEC
    assert travail.message_erreur == "Le traitement a été interrompu ; relancez la demande."
    client.force_login(demandeur)
    page = client.get(reverse("rapports:travail", args=[travail.pk])).content.decode()
    assert "Le traitement a été interrompu ; relancez la demande." in page


def test_le_balayage_des_travaux_bloques_est_planifie_toutes_les_dix_minutes(settings):
    entree = settings.CELERY_BEAT_SCHEDULE["travaux-bloques-relancer"]
    assert entree["task"] in celery_app.tasks
    assert entree["schedule"] == 600.0
