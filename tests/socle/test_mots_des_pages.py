"""Issue 15, « Words »: no page shows an empty choice « --------- » or a line number of the
extraction (« l. 4451 »). Every page without a parameter is walked as the secretariat (who sees
the most), plus the pages of a contract measure, a committee and the analysis grid."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from comptes.models import Role

NUMERO_DE_LIGNE = re.compile(r"\bl\.\s?\d{3,4}\b")
CHOIX_VIDE = re.compile(r">\s*-{9}\s*<")
PAGES_AVEC_PARAMETRE = [
    "/programme/IV.2.1/",
    "/programme/II.6/",
    "/gouvernance/comites/projets-territoires-csne/",
    "/gouvernance/comites/programmation/",
]


def _pages_sans_parametre(resolver=None, prefixe=""):
    for motif in (resolver or get_resolver()).url_patterns:
        chemin = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            yield from _pages_sans_parametre(motif, chemin)
        elif (
            isinstance(motif, URLPattern)
            and "<" not in chemin
            and "(" not in chemin
            and not chemin.startswith(("api/", "admin/", "deconnexion", "oidc/", "sante"))
        ):
            yield "/" + chemin.lstrip("^").rstrip("$")


@pytest.mark.django_db
def test_aucune_page_ne_montre_de_numero_de_ligne_ni_de_choix_vide(client, creer_utilisateur):
    client.force_login(creer_utilisateur("secretariat.mots", role=Role.ADMINISTRATEUR))
    vues = 0
    for url in sorted(set(_pages_sans_parametre())) + PAGES_AVEC_PARAMETRE:
        reponse = client.get(url)
        if reponse.status_code != 200 or "text/html" not in reponse.get("Content-Type", ""):
            continue
        vues += 1
        html = reponse.content.decode()
        assert not NUMERO_DE_LIGNE.search(html), (url, NUMERO_DE_LIGNE.search(html).group())
        assert not CHOIX_VIDE.search(html), url
    assert vues > 25
