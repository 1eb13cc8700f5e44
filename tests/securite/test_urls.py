"""Deny by default (craft R2, R5): every URL pattern of the portal, the admin and the API
either needs a log-in or is on the explicit list of public views below; no view is exempt
from CSRF except Django REST framework's, whose session authentication enforces it itself.

A new view that forgets its protection makes these tests fail: add it to a list only if it is
meant to be public."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize
from django.views.static import serve
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from comptes.authentification import JetonAuthentication
from comptes.models import Role

# Pages anyone may read: the contract and its programme, the log-in page, the API docs.
PAGES_PUBLIQUES = {
    "accueil",
    "programme",
    "noeud",
    "departement",
    "connexion",
    "api-schema",
    "api-docs",
    # Open data (VI.1): programmed projects and subsidy decisions, and their schemas.
    "donnees",
    "donnees-schema-projets-programmes",
    "donnees-schema-scdl",
    # The node's health for the proxy: states only, no data (deploiement/README.md).
    "sante",
    # All public money on a territory (issue 18): public dossiers only for an anonymous
    # visitor, and its open data.
    "territoires:region",
    "territoires:departement",
    "territoires:epci",
    "territoires:commune",
    "territoires:special",
    "territoires:recherche",
    "territoires:donnees",
    "territoires:donnees-schema",
}
# The steps of a log-in (issue 19), public by nature: ProConnect (404 while it is off), its
# request-for-access page, the password reset.
PAGES_DE_CONNEXION = {
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "demande_acces",
    "reinitialisation",
    "reinitialisation_envoyee",
    "password_reset_confirm",
    "reinitialisation_terminee",
}
# The admin's own log-in and log-out pages (every other admin view redirects to its log-in).
ADMIN_PUBLIQUES = {"admin:login", "admin:logout"}
# The programme and its revisions (avenants), read-only, for REST clients without an account.
API_PUBLIQUES = {
    "api:contrat",
    "api:signataires",
    "api:axes",
    "api:mesures",
    "api:mesure",
    "api:avenants",
    "api:donnees-projets-programmes-csv",
    "api:donnees-projets-programmes-json",
    "api:donnees-projets-programmes-xlsx",
    "api:donnees-subventions-scdl",
    # The territories (issue 18): the caller's visibility, public dossiers when anonymous.
    "api:territoires",
    "api:territoire",
    "api:territoire-dossiers",
    # The indicators as open data (issue 16): targets and achieved values, no personal data.
    "api:donnees-indicateurs-csv",
    "api:donnees-indicateurs-json",
    "api:donnees-indicateurs-xlsx",
}
VALEURS_FACTICES = ("1", "projets", "x")


def motifs(resolver=None, prefixe="", espace=""):
    """(full regex, name with namespace, callback) for every URL pattern, recursively."""
    resolver = resolver or get_resolver()
    for motif in resolver.url_patterns:
        regex = prefixe + motif.pattern.regex.pattern.removeprefix("^")
        if isinstance(motif, URLResolver):
            sous_espace = espace
            if motif.namespace:
                sous_espace = f"{espace}:{motif.namespace}" if espace else motif.namespace
            yield from motifs(motif, regex, sous_espace)
        elif isinstance(motif, URLPattern):
            nom = motif.name or motif.lookup_str
            yield regex, f"{espace}:{nom}" if espace else nom, motif.callback


def url_factice(regex: str, callback) -> str | None:
    """A URL that the pattern matches and that resolves to its view, with dummy arguments."""
    for gabarit, parametres in normalize(regex):
        for valeur in VALEURS_FACTICES:
            url = "/" + gabarit % dict.fromkeys(parametres, valeur)
            try:
                if resolve(url).func is callback:
                    return url
            except Resolver404:
                continue
    return None


def classe_drf(callback):
    classe = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return classe if isinstance(classe, type) and issubclass(classe, APIView) else None


TOUS = sorted(motifs(), key=lambda m: m[0])


def test_le_balayage_voit_le_portail_l_administration_et_l_api():
    noms = {nom for _, nom, _ in TOUS}
    assert len(TOUS) > 60
    assert {"accueil", "projets:detail", "admin:index", "api:projets", "connexion"} <= noms
    assert any(nom.startswith("admin:financement_journalfinancier") for nom in noms)


@pytest.mark.parametrize(("regex", "nom", "callback"), TOUS, ids=[m[1] for m in TOUS])
def test_chaque_url_demande_une_connexion_ou_est_publique_par_choix(regex, nom, callback, client):
    url = url_factice(regex, callback)
    assert url is not None, f"{nom} : aucune URL factice ne mène à la vue ({regex})"
    reponse = client.get(url)
    statut = reponse.status_code
    if url.startswith("/api/v1/"):
        drf = classe_drf(callback)
        assert drf is not None, f"{nom} : vue de l'API hors de Django REST framework"
        publique = any(p is AllowAny for p in drf.permission_classes)
        assert publique == (nom in API_PUBLIQUES), f"{nom} : AllowAny hors de la liste"
        if nom in API_PUBLIQUES:
            assert statut in (200, 404), (nom, statut)
        else:
            assert statut in (401, 403, 405), (nom, statut)
    elif nom.startswith("admin:"):
        if nom in ADMIN_PUBLIQUES:
            assert statut in (200, 302, 405), (nom, statut)
        else:
            # The portal's middleware answers first (to /connexion/), the admin's own check
            # (to /admin/login/) stays behind it.
            assert statut == 302, (nom, statut)
            assert reponse["Location"].startswith(("/connexion/?next=", "/admin/login/")), nom
    elif nom in PAGES_PUBLIQUES | PAGES_DE_CONNEXION:
        assert getattr(callback, "login_required", True) is False or url.startswith("/api/")
        assert statut in (200, 404), (nom, statut)
    else:
        # LoginRequiredMiddleware acts before the view: never a 404 or a 405 for a visitor.
        assert getattr(callback, "login_required", True) is not False, f"{nom} est public"
        assert statut == 302, (nom, statut)
        assert reponse["Location"].startswith("/connexion/?next="), (nom, reponse["Location"])


def test_aucune_url_ne_sert_les_fichiers_televerses():
    for _, nom, callback in TOUS:
        assert callback is not serve, f"{nom} sert des fichiers bruts"


def test_seules_les_vues_de_l_api_sont_exemptees_de_csrf():
    for _, nom, callback in TOUS:
        if not getattr(callback, "csrf_exempt", False):
            continue
        drf = classe_drf(callback)
        assert drf is not None, f"{nom} est exemptée de CSRF"
        # DRF exempts its views from Django's middleware and enforces CSRF in
        # SessionAuthentication; the only other class allowed is the personal token, which
        # no browser sends by itself (no cookie), so it needs no CSRF protection.
        for authentification in drf.authentication_classes:
            assert issubclass(authentification, SessionAuthentication | JetonAuthentication), (
                nom,
                authentification,
            )


def test_un_post_de_l_api_sans_jeton_csrf_est_refuse(creer_utilisateur, donnees_completes):
    porteur = creer_utilisateur("porteur.csrf", role=Role.PORTEUR)
    client = Client(enforce_csrf_checks=True)
    client.force_login(porteur)
    reponse = client.post(
        "/api/v1/projets/", {"titre": "Sans jeton"}, content_type="application/json"
    )
    assert reponse.status_code == 403
    assert "CSRF" in reponse.json()["detail"]


def test_un_formulaire_sans_jeton_csrf_est_refuse(creer_utilisateur):
    creer_utilisateur("lecteur.csrf")
    client = Client(enforce_csrf_checks=True)
    reponse = client.post("/connexion/", {"username": "lecteur.csrf", "password": "x"})
    assert reponse.status_code == 403
