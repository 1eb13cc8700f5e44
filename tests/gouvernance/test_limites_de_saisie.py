"""A session's visio link past the column's 200 characters is refused next to the field (page)
or keyed by field (API), in French, with nothing written — it was a 500 (« value too long »)."""

from django.urls import reverse
from rest_framework.test import APIClient

from gouvernance.models import Seance
from tests.gouvernance.test_pages import client_de

TROP_LONG = "https://visio.example.fr/" + "a" * 200


def test_l_api_refuse_un_lien_visio_trop_long(comitologie):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(comitologie.secretaire)
    nombre = Seance.objects.count()
    reponse = client.post(
        "/api/v1/seances/",
        {"comite": "programmation", "date": "2026-06-15T14:00:00+02:00", "lien_visio": TROP_LONG},
        format="json",
    )
    assert reponse.status_code == 400
    assert reponse.json()["lien_visio"] == [
        "Assurez-vous que ce champ comporte au plus 200\xa0caractères."
    ]
    assert Seance.objects.count() == nombre


def test_la_page_refuse_un_lien_visio_trop_long_a_cote_du_champ(comitologie):
    secretariat = client_de(comitologie.secretaire)
    url = reverse("gouvernance:seance_creer", args=["programmation"])
    nombre = Seance.objects.count()
    reponse = secretariat.post(url, {"date": "2030-03-01T10:00", "lien_visio": TROP_LONG})
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert 'id="erreur-lien_visio"' in page
    assert "Le lien a au plus 200 caractères (il en a 225)." in page
    assert Seance.objects.count() == nombre
