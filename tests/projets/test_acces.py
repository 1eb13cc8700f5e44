"""A porteur sees only its organisation's dossiers: anything else answers 404, on pages and in
the API alike, and the dossier is unchanged afterwards."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projets.models import Projet, Statut, TransitionProjet
from projets.services import document_deposer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def document(projet_brouillon, porteur):
    return document_deposer(
        projet=projet_brouillon,
        fichier=SimpleUploadedFile("devis.pdf", PDF, content_type="application/pdf"),
        par=porteur,
    )


def empreinte(projet):
    p = Projet.objects.get(pk=projet.pk)
    return (
        p.statut,
        p.titre,
        p.modifie_le,
        TransitionProjet.objects.filter(projet=p).count(),
        p.documents.count(),
        p.historique.count(),
    )


def urls_du_dossier(projet, document):
    ref = projet.reference
    return [
        ("get", reverse("projets:detail", args=[ref])),
        ("get", reverse("projets:modifier", args=[ref])),
        ("post", reverse("projets:modifier", args=[ref])),
        ("get", reverse("projet_action", args=[ref, "deposer"])),
        ("post", reverse("projet_action", args=[ref, "abandonner"])),
        ("post", reverse("projets:document_ajouter", args=[ref])),
        ("get", reverse("projets:document", args=[ref, document.pk])),
        ("get", f"/api/v1/projets/{ref}/"),
        ("patch", f"/api/v1/projets/{ref}/"),
        ("post", f"/api/v1/projets/{ref}/deposer/"),
        ("get", f"/api/v1/projets/{ref}/documents/"),
        ("get", f"/api/v1/projets/{ref}/documents/{document.pk}/"),
    ]


def test_un_porteur_d_une_autre_organisation_recoit_404_partout(
    client, porteur_autre, projet_brouillon, document
):
    client.force_login(porteur_autre)
    avant = empreinte(projet_brouillon)
    for methode, url in urls_du_dossier(projet_brouillon, document):
        kwargs = {"content_type": "application/json", "data": "{}"} if methode == "patch" else {}
        if methode == "post" and "/api/" not in url:
            kwargs = {"data": {"commentaire": "intrusion", "titre": "pirate"}}
        reponse = getattr(client, methode)(url, **kwargs)
        assert reponse.status_code == 404, (methode, url, reponse.status_code)
    assert empreinte(projet_brouillon) == avant


def test_le_porteur_du_dossier_y_accede(client, porteur, projet_brouillon, document):
    client.force_login(porteur)
    assert (
        client.get(reverse("projets:detail", args=[projet_brouillon.reference])).status_code == 200
    )
    reponse = client.get(
        reverse("projets:document", args=[projet_brouillon.reference, document.pk])
    )
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF
    assert reponse["Content-Disposition"].startswith("attachment")
    assert client.get(f"/api/v1/projets/{projet_brouillon.reference}/").status_code == 200


def test_la_liste_d_un_porteur_ne_montre_que_ses_dossiers(client, porteur_autre, projet_brouillon):
    client.force_login(porteur_autre)
    html = client.get(reverse("projets:liste")).content.decode()
    assert projet_brouillon.reference not in html
    assert "0 projet" in html
    assert client.get("/api/v1/projets/").json()["count"] == 0


@pytest.mark.parametrize("role", ["agent", "lecteur", "administrateur"])
def test_les_autres_roles_voient_tous_les_dossiers(client, request, role, projet_brouillon):
    client.force_login(request.getfixturevalue(role))
    assert (
        client.get(reverse("projets:detail", args=[projet_brouillon.reference])).status_code == 200
    )
    assert client.get("/api/v1/projets/").json()["count"] == Projet.objects.count()


def test_un_lecteur_voit_mais_ne_modifie_pas(client, lecteur, projet_brouillon):
    client.force_login(lecteur)
    reponse = client.get(reverse("projets:modifier", args=[projet_brouillon.reference]))
    assert reponse.status_code == 403  # issue 13: a refusal by the permission table is a 403
    reponse = client.post(
        f"/api/v1/projets/{projet_brouillon.reference}/deposer/",
        {},
        content_type="application/json",
    )
    assert reponse.status_code == 403
    assert "Vous ne pouvez pas déposer" in reponse.json()["detail"]
    assert client.get(reverse("projets:creer")).status_code == 403
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == Statut.BROUILLON


def test_un_visiteur_anonyme_est_renvoye_vers_la_connexion(client, projet_brouillon):
    reponse = client.get(reverse("projets:detail", args=[projet_brouillon.reference]))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("connexion"))
    # The API answers 401 with the scheme to use, never a redirect to the log-in page.
    reponse = client.get("/api/v1/projets/")
    assert reponse.status_code == 401
    assert reponse["WWW-Authenticate"] == 'Bearer realm="api"'
