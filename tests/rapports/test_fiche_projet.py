"""The « Fiche projet » PDF: asked from the dossier page, built by a job, kept for the requester."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from financement.services import engagement_enregistrer, paiement_enregistrer
from projets.services import projet_transitionner
from rapports.models import EtatTravail, Travail, TypeTravail
from tests.rapports.outils import nombre_pages, texte_pdf


def contenu(reponse) -> bytes:
    return b"".join(reponse.streaming_content)


def statut(client, url) -> int:
    """The status of a GET, reading a download to the end (which closes its file)."""
    reponse = client.get(url)
    if reponse.streaming:
        contenu(reponse)
    return reponse.status_code


@pytest.fixture
def projet_execute(ligne_region, agent):
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-042",
        montant=Decimal("250000.00"),
        annee_budgetaire=2026,
    )
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 6, 30),
        montant=Decimal("98765.43"),
        type_="acompte",
        reference="MANDAT-77",
    )
    return ligne_region.projet


def test_la_page_du_dossier_propose_la_fiche_pdf(client, porteur, projet_brouillon):
    client.force_login(porteur)
    page = client.get(reverse("projets:detail", args=[projet_brouillon.reference])).content
    url = reverse("rapports:fiche_projet", args=[projet_brouillon.reference])
    assert f'action="{url}"'.encode() in page
    assert b"Fiche projet (PDF)" in page


def test_la_fiche_projet_donne_le_dossier_son_plan_son_journal_et_son_registre(
    client, porteur, projet_execute, django_capture_on_commit_callbacks
):
    client.force_login(porteur)
    debut = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("rapports:fiche_projet", args=[projet_execute.reference]))
    duree = time.perf_counter() - debut
    travail = Travail.objects.get(demandeur=porteur)
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("rapports:travail", args=[travail.pk])
    assert travail.type == TypeTravail.FICHE_PROJET and travail.etat == EtatTravail.PRET
    assert travail.libelle == (
        f"Fiche projet — {projet_execute.reference} – Réhabilitation du bâtiment B"
    )
    telechargement = client.get(reverse("rapports:telecharger", args=[travail.pk]))
    assert f"fiche-projet-{projet_execute.reference}-" in telechargement["Content-Disposition"]
    pdf = contenu(telechargement)
    texte = texte_pdf(pdf)
    print(f"fiche projet : {nombre_pages(pdf)} page(s), {duree:.2f} s de la demande au fichier")
    assert f"Fiche projet {projet_execute.reference}" in texte
    assert "Réhabilitation du bâtiment B" in texte
    assert "IV.2.1.a" in texte and "Université de test" in texte
    assert "Nord (59)" in texte and "Villeneuve-d'Ascq" in texte
    assert "du 1 janvier 2026 au 30 juin 2027" in texte
    assert (
        "Région Hauts-de-France CPER (compte sur l'enveloppe du signataire) 400 000,00 €" in texte
    )
    assert "Total des lignes 1 000 000,00 €" in texte
    assert "Décarbonation Impact favorable — Chauffage par pompe à chaleur." in texte
    assert "Région Hauts-de-France 400 000,00 € 250 000,00 € 98 765,43 € 0,00 €" in texte
    assert "Convention CONV-2026-042 du 01/03/2026 (budget 2026) 250 000,00 € 98 765,43 €" in texte
    assert "Acompte du 30/06/2026 (MANDAT-77) 98 765,43 €" in texte
    assert "Retenu → Programmé" in texte
    assert "1. Le projet ...." in texte and "6. Journal du dossier ...." in texte
    assert "Page 1 / " in texte


def test_la_fiche_d_un_dossier_invisible_est_un_404_et_ne_cree_rien(
    client, porteur_autre, projet_brouillon
):
    client.force_login(porteur_autre)
    reponse = client.post(reverse("rapports:fiche_projet", args=[projet_brouillon.reference]))
    assert reponse.status_code == 404
    assert not Travail.objects.exists()


def test_la_fiche_se_demande_en_post_seulement(client, porteur, projet_brouillon):
    client.force_login(porteur)
    reponse = client.get(reverse("rapports:fiche_projet", args=[projet_brouillon.reference]))
    assert reponse.status_code == 405
    assert not Travail.objects.exists()


def test_seuls_le_demandeur_et_les_administrateurs_telechargent_la_fiche(
    client, porteur, lecteur, administrateur, projet_brouillon, django_capture_on_commit_callbacks
):
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rapports:fiche_projet", args=[projet_brouillon.reference]))
    travail = Travail.objects.get()
    url = reverse("rapports:telecharger", args=[travail.pk])
    assert statut(client, url) == 200
    client.force_login(lecteur)  # sees the dossier, but did not ask for this file
    assert statut(client, url) == 404
    assert statut(client, reverse("rapports:travail", args=[travail.pk])) == 404
    client.force_login(administrateur)
    assert statut(client, url) == 200


def test_un_dossier_devenu_invisible_fait_echouer_la_fiche_avec_un_message(
    porteur, projet_brouillon, creer_utilisateur, commune
):
    from rapports.tasks import travail_executer_task

    travail = Travail.objects.create(
        demandeur=porteur,
        type=TypeTravail.FICHE_PROJET,
        parametres={"projet": projet_brouillon.reference},
    )
    porteur.organisation = commune
    porteur.save()
    travail_executer_task.apply(args=[travail.pk])
    travail.refresh_from_db()
    assert travail.etat == EtatTravail.ECHEC
    assert "n'est plus accessible" in travail.message_erreur


def test_les_transitions_figurent_dans_le_journal_de_la_fiche(
    client, porteur, projet_brouillon, django_capture_on_commit_callbacks
):
    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rapports:fiche_projet", args=[projet_brouillon.reference]))
    travail = Travail.objects.get()
    texte = texte_pdf(contenu(client.get(reverse("rapports:telecharger", args=[travail.pk]))))
    assert "Brouillon → Déposé" in texte
    assert "Le dossier n'est pas programmé" in texte
