"""Public pages show only what is public (issue 13): an anonymous visitor walking every public
page and every public API endpoint never meets a draft nor a dossier under instruction; the
programmed dossiers and the contract's listed operations are there."""

import pytest

from projets.models import Projet, Statut
from projets.selectors import projets_publics
from projets.services import projet_creer, projet_transitionner
from projets.workflow import PUBLICS, Action
from tests.securite.test_urls import API_PUBLIQUES, PAGES_PUBLIQUES, TOUS, url_factice

# The programme's nodes above the test dossiers' measure, for the pages that take a code.
CODES = ["IV", "IV.2", "IV.2.1", "IV.2.1.a"]
AVEC_UN_CODE = {"noeud": "/programme/{}/", "api:mesure": "/api/v1/mesures/{}/"}
# The départements' pages: the test dossiers are in the Nord (59).
DEPARTEMENTS = ["02", "59", "60", "62", "80"]
# The territory pages (issue 18) of the test dossiers' places: the Nord, the Métropole
# Européenne de Lille, Villeneuve-d'Ascq, the Bassin minier; the same through the API.
TERRITOIRES = {
    "territoires:departement": ["/territoires/departement/59/"],
    "territoires:epci": ["/territoires/epci/200093201/"],
    "territoires:commune": ["/territoires/commune/59009/"],
    "territoires:special": ["/territoires/specifique/bassin-minier/"],
    "territoires:donnees": ["/territoires/donnees/departement-59.csv"],
    "api:territoire": ["/api/v1/territoires/departement-59/", "/api/v1/territoires/region-32/"],
    "api:territoire-dossiers": ["/api/v1/territoires/departement-59/dossiers/"],
}


def urls_publiques() -> list[str]:
    urls = []
    for regex, nom, callback in TOUS:
        if nom not in PAGES_PUBLIQUES | API_PUBLIQUES:
            continue
        if nom in AVEC_UN_CODE:
            urls += [AVEC_UN_CODE[nom].format(code) for code in CODES]
        elif nom == "departement":
            urls += [f"/departements/{code}/" for code in DEPARTEMENTS]
        elif nom in TERRITOIRES:
            urls += TERRITOIRES[nom]
        else:
            url = url_factice(regex, callback)
            assert url is not None, nom
            urls.append(url)
    return urls


@pytest.fixture
def dossiers_non_publics(projet_programme, porteur, agent, donnees_completes):
    # Made after the programmed dossier: HDF-2026-0001, the open-data page's own example of a
    # reference, is the programmed one.
    brouillon = projet_creer(donnees=donnees_completes(titre="Brouillon secret"), par=porteur)
    instruit = projet_creer(donnees=donnees_completes(titre="Dossier en instruction"), par=porteur)
    projet_transitionner(projet=instruit, action=Action.DEPOSER, par=porteur)
    projet_transitionner(projet=instruit, action=Action.INSTRUIRE, par=agent)
    return [brouillon, Projet.objects.get(pk=instruit.pk)]


def test_le_selecteur_public_ne_rend_que_le_programme_et_les_operations_du_contrat(
    client, dossiers_non_publics, projet_programme
):
    from django.contrib.auth.models import AnonymousUser

    publics = projets_publics(utilisateur=AnonymousUser())
    assert projet_programme in publics
    assert not set(dossiers_non_publics) & set(publics)
    assert publics.filter(statut=Statut.INSCRIT_CONTRAT).exists()
    assert all(p.statut in PUBLICS or p.identifiant_contrat for p in publics)


def test_un_visiteur_ne_voit_ni_brouillon_ni_dossier_en_instruction_sur_aucune_page_publique(
    client, dossiers_non_publics, projet_programme
):
    interdits = [p.reference for p in dossiers_non_publics] + [
        p.titre for p in dossiers_non_publics
    ]
    vues = 0
    for url in urls_publiques():
        reponse = client.get(url)
        assert reponse.status_code == 200, (url, reponse.status_code)
        contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
        texte = contenu.decode("utf-8", errors="replace")
        for interdit in interdits:
            assert interdit not in texte, (url, interdit)
        vues += 1
    assert vues >= len(PAGES_PUBLIQUES | API_PUBLIQUES)
    # The walk is not blind: the programmed dossier is on its measure's public page.
    page = client.get("/programme/IV.2.1.a/").content.decode()
    assert projet_programme.reference in page


def test_le_porteur_connecte_voit_aussi_son_brouillon_sur_la_page_du_programme(
    client, porteur, dossiers_non_publics
):
    client.force_login(porteur)
    page = client.get("/programme/IV.2.1.a/").content.decode()
    assert dossiers_non_publics[0].reference in page
