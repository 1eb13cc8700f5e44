"""Attachments: type read from the content, 20 Mo at most, stored under a random name."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projets.models import Document

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx() -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return tampon.getvalue()


def ods() -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return tampon.getvalue()


def deposer(client, projet, nom, contenu):
    return client.post(
        reverse("projets:document_ajouter", args=[projet.reference]),
        {"fichier": SimpleUploadedFile(nom, contenu)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("nom", "contenu", "type_attendu", "nom_attendu"),
    [
        ("devis.pdf", PDF, "application/pdf", "devis.pdf"),
        ("plan.png", PNG, "image/png", "plan.png"),
        (
            "note",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "note.docx",
        ),
        ("budget.ods", ods(), "application/vnd.oasis.opendocument.spreadsheet", "budget.ods"),
        ("../../etc/passwd.pdf", PDF, "application/pdf", "passwd.pdf"),
    ],
)
def test_un_document_accepte_garde_son_type_reel(
    client, porteur, projet_brouillon, nom, contenu, type_attendu, nom_attendu
):
    client.force_login(porteur)
    reponse = deposer(client, projet_brouillon, nom, contenu)
    assert "ajouté" in reponse.content.decode()
    document = Document.objects.get(projet=projet_brouillon)
    assert document.type_mime == type_attendu
    assert document.nom == nom_attendu
    chemin = Path(document.fichier.path)
    assert chemin.is_relative_to(Path(settings.MEDIA_ROOT))
    assert nom_attendu.split(".")[0] not in chemin.name  # never the uploaded name on disk
    assert chemin.read_bytes() == contenu


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00executable", "Type de fichier refusé"),
        ("page.html", b"<html><script>alert(1)</script>", "Type de fichier refusé"),
        ("vide.pdf", b"", "vide"),
        ("archive.docx", b"PK\x03\x04 pas un zip", "endommagée"),
    ],
)
def test_un_document_refuse_ne_laisse_rien(
    client, porteur, projet_brouillon, nom, contenu, message
):
    client.force_login(porteur)
    reponse = deposer(client, projet_brouillon, nom, contenu)
    assert message in reponse.content.decode()
    assert not Document.objects.filter(projet=projet_brouillon).exists()


def test_plus_de_20_mo_est_refuse(client, porteur, projet_brouillon):
    client.force_login(porteur)
    gros = PDF + b"0" * (20 * 1024 * 1024)
    reponse = deposer(client, projet_brouillon, "gros.pdf", gros)
    assert "dépasse 20 Mo" in reponse.content.decode()
    assert not Document.objects.filter(projet=projet_brouillon).exists()


def test_un_document_ne_s_ajoute_plus_apres_le_depot_pour_le_porteur(
    client, porteur, projet_brouillon
):
    from projets.services import projet_transitionner

    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    client.force_login(porteur)
    reponse = deposer(client, projet_brouillon, "devis.pdf", PDF)
    assert "vous ne pouvez plus y joindre de document" in reponse.content.decode()
    assert not Document.objects.filter(projet=projet_brouillon).exists()


def test_aucune_url_publique_ne_sert_les_documents(client, porteur, projet_brouillon):
    client.force_login(porteur)
    deposer(client, projet_brouillon, "devis.pdf", PDF)
    document = Document.objects.get(projet=projet_brouillon)
    client.logout()
    for url in (f"/media/{document.fichier.name}", f"/static/{document.fichier.name}"):
        assert client.get(url).status_code in (302, 404)
    reponse = client.get(
        reverse("projets:document", args=[projet_brouillon.reference, document.pk])
    )
    assert reponse.status_code == 302  # anonymous: to the log-in page
