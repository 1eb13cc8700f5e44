"""The minutes of a closed session as a PDF, built by a job and read back."""

import io

from django.urls import reverse
from pypdf import PdfReader

from gouvernance.services import seance_clore, vote_enregistrer
from rapports.models import EtatTravail, Travail
from tests.gouvernance.conftest import comitologie, instruire, nouveau_projet  # noqa: F401


def texte_pdf(contenu: bytes) -> str:
    lecteur = PdfReader(io.BytesIO(contenu))
    return " ".join(" ".join(page.extract_text().split()) for page in lecteur.pages)


def test_le_proces_verbal_d_une_seance_close_en_pdf(
    client,
    comitologie,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    for membre in (c.president, c.votants[0], c.votants[1]):
        vote_enregistrer(point=c.points[0], choix="pour", par=membre.utilisateur)
    seance_clore(seance=c.seance, par=c.secretaire)
    client.force_login(c.secretaire)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("rapports:proces_verbal", args=[c.seance.pk]))
    travail = Travail.objects.get()
    assert reponse["Location"] == reverse("rapports:travail", args=[travail.pk])
    assert travail.etat == EtatTravail.PRET, travail.message_erreur
    fichier = client.get(reverse("rapports:telecharger", args=[travail.pk]))
    texte = texte_pdf(b"".join(fichier.streaming_content))
    assert "Procès-verbal" in texte
    assert "Comité de programmation du CPER" in texte
    assert c.projets[0].reference in texte
    assert "Décision : Retenu" in texte
    assert "Quorum" in texte


def test_pas_de_proces_verbal_avant_la_cloture(client, comitologie):  # noqa: F811
    client.force_login(comitologie.secretaire)
    reponse = client.post(
        reverse("rapports:proces_verbal", args=[comitologie.seance.pk]), follow=True
    )
    assert "établi à la clôture" in reponse.content.decode()
    assert not Travail.objects.exists()


def test_un_porteur_ne_demande_pas_le_proces_verbal(client, comitologie, porteur):  # noqa: F811
    client.force_login(porteur)
    reponse = client.post(reverse("rapports:proces_verbal", args=[comitologie.seance.pk]))
    assert reponse.status_code == 404
    assert not Travail.objects.exists()
