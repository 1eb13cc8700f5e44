"""Uploads and request sizes: an oversized request is refused early (413 or 400, never a 500),
and documents are served only as attachments, never sniffed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projets.models import Document
from tests.projets.test_documents import PDF


def test_une_requete_au_dela_de_21_mo_est_refusee_avant_d_etre_lue(client, porteur, settings):
    client.force_login(porteur)
    corps = b"x" * (settings.TAILLE_MAXIMALE_REQUETE + 1)
    reponse = client.generic(
        "POST", "/projets/nouveau/", corps, content_type="application/octet-stream"
    )
    assert reponse.status_code == 413
    assert "20 Mo" in reponse.content.decode()


def test_un_formulaire_sans_fichier_au_dela_de_2_5_mo_donne_400(client):
    reponse = client.post("/connexion/", {"username": "x" * 2_700_000, "password": "y"})
    assert reponse.status_code == 400


def test_un_document_est_servi_en_piece_jointe_et_jamais_interprete(
    client, porteur, projet_brouillon
):
    client.force_login(porteur)
    client.post(
        reverse("projets:document_ajouter", args=[projet_brouillon.reference]),
        {"fichier": SimpleUploadedFile("<script>alert(1)</script>.html", PDF)},
    )
    document = Document.objects.get(projet=projet_brouillon)
    # Name cleaned and extension of the real type; a random name on disk.
    assert document.nom.endswith(".pdf") and "/" not in document.nom
    assert "script" not in document.fichier.name
    reponse = client.get(
        reverse("projets:document", args=[projet_brouillon.reference, document.pk])
    )
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"].startswith("attachment;")
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["X-Content-Type-Options"] == "nosniff"
    b"".join(reponse.streaming_content)


def test_les_reglages_de_televersement(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.TAILLE_MAXIMALE_REQUETE == 21 * 1024 * 1024
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


def test_la_page_dit_pourquoi_un_formulaire_trop_gros_est_refuse(client):
    reponse = client.post("/connexion/", {"username": "x" * 2_700_000, "password": "y"})
    assert reponse.status_code == 400
    assert "dépasse la taille permise : 2,5 Mo au plus hors documents" in reponse.content.decode()
