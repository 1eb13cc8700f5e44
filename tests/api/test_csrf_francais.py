"""Issue 15: a browser session's POST without its CSRF token is refused in French, with nothing
written (DRF says « CSRF Failed: CSRF cookie not set. »)."""

from rest_framework.test import APIClient

from projets.models import Projet


def test_une_session_sans_jeton_csrf_est_refusee_en_francais(porteur):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(porteur)
    avant = Projet.objects.count()
    reponse = client.post(
        "/api/v1/projets/", {"titre": "Sans jeton", "mesure": "IV.2.1.a"}, format="json"
    )
    assert reponse.status_code == 403
    assert reponse.json() == {
        "detail": "Requête refusée : le jeton de sécurité (CSRF) de votre session manque ou ne "
        "correspond pas. Rechargez la page du portail, ou, pour un programme, utilisez un jeton "
        "d’API (en-tête Authorization). Rien n’a été enregistré."
    }
    assert Projet.objects.count() == avant
