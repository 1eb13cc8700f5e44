"""The dossier list, on the page and in the API: filters, sorting, pagination, and a number
of queries that does not grow with the number of dossiers."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from axes.models import Departement, Noeud
from projets.models import Projet, Statut
from projets.services import projet_creer


@pytest.fixture
def quelques_projets(agent, donnees_completes):
    nord, somme = Departement.objects.get(code_insee="59"), Departement.objects.get(code_insee="80")
    a = projet_creer(
        donnees=donnees_completes(
            titre="Vélo-route de la Somme",
            departements=[somme],
            mesure=Noeud.objects.get(code="V.2.1"),
            maitre_ouvrage_nom="Département de la Somme",
        ),
        par=agent,
    )
    b = projet_creer(
        donnees=donnees_completes(
            titre="Campus de Lille",
            departements=[nord],
            maitre_ouvrage_nom="Université de Lille",
            date_debut=date(2024, 1, 1),
            date_fin=date(2025, 12, 31),
        ),
        par=agent,
    )
    Projet.objects.filter(pk=b.pk).update(statut=Statut.DEPOSE)
    return a, b


def references(reponse_api):
    return [p["reference"] for p in reponse_api.json()["results"]]


def test_filtres_de_la_liste_api(client, agent, quelques_projets):
    a, b = quelques_projets
    client.force_login(agent)
    assert references(client.get("/api/v1/projets/?axe=V&origine=depot")) == [a.reference]
    assert references(client.get("/api/v1/projets/?mesure=IV.2.1&statut=depose")) == [b.reference]
    assert references(client.get("/api/v1/projets/?departement=80&statut=brouillon")) == [
        a.reference
    ]
    assert set(
        references(client.get("/api/v1/projets/?financeur=region&statut=brouillon&statut=depose"))
    ) == {a.reference, b.reference}
    assert references(client.get("/api/v1/projets/?annee=2024")) == [b.reference]
    assert references(client.get("/api/v1/projets/?q=vélo route somme")) == [a.reference]
    tous = client.get("/api/v1/projets/").json()
    assert tous["count"] == Projet.objects.count() == 97
    assert len(tous["results"]) == 50 and tous["next"]


def test_un_filtre_invalide_repond_400(client, agent):
    client.force_login(agent)
    reponse = client.get("/api/v1/projets/?departement=75&annee=deux-mille")
    assert reponse.status_code == 400
    assert set(reponse.json()) == {"departement", "annee"}


def test_tri_de_la_liste(client, agent, quelques_projets):
    client.force_login(agent)
    titres = [
        p["titre"]
        for p in client.get(
            "/api/v1/projets/?statut=brouillon&statut=depose&ordering=-titre"
        ).json()["results"]
    ]
    assert titres == ["Vélo-route de la Somme", "Campus de Lille"]
    html = client.get(
        reverse("projets:liste") + "?statut=brouillon&statut=depose&tri=titre"
    ).content.decode()
    assert html.index("Campus de Lille") < html.index("Vélo-route de la Somme")


def test_la_page_liste_filtre_et_pagine(client, agent, quelques_projets):
    a, _ = quelques_projets
    client.force_login(agent)
    html = client.get(
        reverse("projets:liste") + "?departement=80&statut=brouillon"
    ).content.decode()
    assert "1 projet" in html and a.reference in html
    page2 = client.get(reverse("projets:liste") + "?page=2").content.decode()
    assert "2 / 2" in page2
    vide = client.get(reverse("projets:liste") + "?q=introuvable").content.decode()
    assert "Aucun projet ne correspond" in vide


def compter_requetes(client, url) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def test_le_nombre_de_requetes_ne_grandit_pas_avec_les_dossiers(client, agent, donnees_completes):
    client.force_login(agent)
    url_page, url_api = reverse("projets:liste"), "/api/v1/projets/"
    petit = (compter_requetes(client, url_page), compter_requetes(client, url_api))
    for rang in range(30):
        projet_creer(
            donnees=donnees_completes(
                titre=f"Projet {rang}", cout_total_ht=Decimal(rang + 1) * 1000
            ),
            par=agent,
        )
    grand = (compter_requetes(client, url_page), compter_requetes(client, url_api))
    assert grand == petit
    assert petit[0] <= 10 and petit[1] <= 8


def test_le_formulaire_sans_filtre_garde_en_memoire_ne_montre_jamais_un_filtre(
    client, agent, settings
):
    """The filter form of a list without filters is kept in the process's memory while the
    programme does not change (issue 14): a filtered page writes its own, with its values,
    and the list without filters stays without them."""
    from django.core.cache import cache

    settings.PROGRAMME_CACHE_SECONDES = 60
    cache.clear()
    client.force_login(agent)
    coche = 'value="en_cours" id="id_statut_12" checked'
    sans = client.get(reverse("projets:liste")).content.decode()
    assert 'value="en_cours" id="id_statut_12">' in sans and coche not in sans
    filtree = client.get(reverse("projets:liste") + "?statut=en_cours&q=lille").content.decode()
    assert coche in filtree and 'value="lille"' in filtree
    for url in ("", "?page=2"):
        page = client.get(reverse("projets:liste") + url).content.decode()
        assert coche not in page and 'value="lille"' not in page
    cache.clear()
