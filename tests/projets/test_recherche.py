"""The text search of the dossier list, as a French user expects it (issue 14): accents, case,
hyphens and apostrophes do not matter, a part of a word is enough, the reference, title,
maître d'ouvrage, communes and measure are searched, and the results are ranked. Same
behaviour on the page and in the API (the embedded SQLite runs the same code: see
tests/test_defaut_embarque.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from axes.models import Noeud
from comptes.models import Organisation
from projets.models import Projet
from projets.services import projet_creer, projet_modifier


@pytest.fixture
def dossiers(agent, donnees_completes):
    """Three dossiers filed by the secretariat; only the first has « Saint-Quentin » in its
    title, the second has it in its maître d'ouvrage, the third in its commune."""
    equipement = projet_creer(
        donnees=donnees_completes(
            titre="Équipement numérique du campus de Saint-Quentin",
            maitre_ouvrage_nom="Université de Picardie Jules-Verne",
            communes=[("02691", "Saint-Quentin")],
        ),
        par=agent,
    )
    gare = projet_creer(
        donnees=donnees_completes(
            titre="Pôle d'échanges de la gare",
            maitre_ouvrage_nom="Communauté d'agglomération du Saint-Quentinois",
            communes=[("02691", "Saint-Quentin")],
            mesure=Noeud.objects.get(code="V.2.1"),
        ),
        par=agent,
    )
    oeuvre = projet_creer(
        donnees=donnees_completes(
            titre="Maîtrise d'œuvre de la médiathèque",
            maitre_ouvrage_nom="Ville d'Hénin-Beaumont",
            communes=[("62427", "Hénin-Beaumont")],
        ),
        par=agent,
    )
    return equipement, gare, oeuvre


def trouves_api(client, texte, **filtres):
    """References found by the API among the dossiers filed here (origine=depot leaves out
    the contract's own operations, which the search finds too)."""
    parametres = {"q": texte, "origine": "depot", **filtres}
    reponse = client.get("/api/v1/projets/", parametres)
    assert reponse.status_code == 200
    return [p["reference"] for p in reponse.json()["results"]]


def test_accents_et_majuscules_ne_comptent_pas(client, agent, dossiers):
    equipement, _, oeuvre = dossiers
    client.force_login(agent)
    for texte in ("equipement", "ÉQUIPEMENT", "Equipement", "équipement"):
        assert trouves_api(client, texte) == [equipement.reference], texte
    # The ligature of « œuvre » reads as « oe », and a circumflex is optional.
    assert trouves_api(client, "maitrise d'oeuvre") == [oeuvre.reference]
    assert trouves_api(client, "MAÎTRISE D’ŒUVRE") == [oeuvre.reference]


def test_traits_d_union_et_apostrophes_separent_les_mots(client, agent, dossiers):
    equipement, gare, oeuvre = dossiers
    client.force_login(agent)
    attendu = [equipement.reference, gare.reference]
    assert trouves_api(client, "saint quentin") == attendu
    assert trouves_api(client, "Saint-Quentin") == attendu
    assert trouves_api(client, "henin beaumont") == [oeuvre.reference]
    assert trouves_api(client, "pole d echanges") == [gare.reference]


def test_une_partie_de_mot_suffit(client, agent, dossiers):
    equipement, gare, _ = dossiers
    client.force_login(agent)
    assert trouves_api(client, "equip") == [equipement.reference]
    assert trouves_api(client, "numer camp") == [equipement.reference]
    assert trouves_api(client, "quentinois") == [gare.reference]
    # Every word must be found: a word of another dossier does not widen the search.
    assert trouves_api(client, "equipement gare") == []


def test_maitre_d_ouvrage_commune_et_mesure(client, agent, dossiers):
    equipement, gare, oeuvre = dossiers
    client.force_login(agent)
    assert trouves_api(client, "jules verne") == [equipement.reference]  # maître d'ouvrage
    assert trouves_api(client, "62427") == [oeuvre.reference]  # a commune's INSEE code
    assert trouves_api(client, "V.2.1") == [gare.reference]  # the measure's code
    titre_mesure = Noeud.objects.get(code="V.2.1").titre
    assert gare.reference in trouves_api(client, titre_mesure.upper())


def test_la_reference(client, agent, dossiers):
    _, gare, _ = dossiers
    client.force_login(agent)
    assert trouves_api(client, gare.reference) == [gare.reference]
    assert trouves_api(client, gare.reference.lower().replace("-", " ")) == [gare.reference]


def test_classement_par_pertinence(client, agent, dossiers):
    """« saint quentin » in the title first, then in the maître d'ouvrage or the commune only;
    the reference typed comes before a title that contains it; a sort the person asks for
    wins over the ranking."""
    equipement, gare, _ = dossiers
    client.force_login(agent)
    # The gare dossier has the earlier reference: only the ranking puts the other first.
    Projet.objects.filter(pk=equipement.pk).update(reference="HDF-2026-9999")
    Projet.objects.filter(pk=equipement.pk).first().save()  # rewrites its search columns
    assert gare.reference < "HDF-2026-9999"
    assert trouves_api(client, "saint quentin") == ["HDF-2026-9999", gare.reference]
    assert trouves_api(client, "saint quentin", ordering="reference") == [
        gare.reference,
        "HDF-2026-9999",
    ]
    # A title that contains the words in that order before a title that has them apart.
    gare.titre = "Gare de Saint-Quentin : équipement du quai"
    gare.save()
    assert trouves_api(client, "quentin equipement") == [gare.reference, "HDF-2026-9999"]


def test_la_page_cherche_et_classe_de_meme(client, agent, dossiers):
    equipement, gare, _ = dossiers
    client.force_login(agent)
    html = client.get(
        reverse("projets:liste"), {"q": "SAINT-QUENTIN", "origine": "depot"}
    ).content.decode()
    assert "2 projets" in html
    assert html.index(equipement.reference) < html.index(gare.reference)
    html = client.get(
        reverse("projets:liste"), {"q": "saint quentin", "origine": "depot", "tri": "-reference"}
    ).content.decode()
    assert html.index(gare.reference) < html.index(equipement.reference)
    vide = client.get(reverse("projets:liste"), {"q": "equipement gare"}).content.decode()
    assert "Aucun projet ne correspond" in vide


def test_une_ponctuation_seule_ne_filtre_rien(client, agent, dossiers):
    client.force_login(agent)
    tous = client.get("/api/v1/projets/", {"origine": "depot"}).json()["count"]
    assert tous == 3
    assert client.get("/api/v1/projets/", {"q": "-- ' «»", "origine": "depot"}).json()["count"] == 3
    assert client.get(reverse("projets:liste"), {"q": "%_"}).status_code == 200


def test_la_recherche_suit_les_modifications(client, agent, dossiers, donnees_completes):
    """The stored search text follows an edit of the communes and a renamed maître d'ouvrage."""
    _, gare, oeuvre = dossiers
    client.force_login(agent)
    projet_modifier(
        projet=oeuvre,
        donnees=donnees_completes(
            titre="Maîtrise d'œuvre de la médiathèque",
            maitre_ouvrage=oeuvre.maitre_ouvrage,
            communes=[("80021", "Amiens")],
        ),
        par=agent,
    )
    assert trouves_api(client, "amiens") == [oeuvre.reference]
    assert trouves_api(client, "henin") == [oeuvre.reference]  # still its maître d'ouvrage
    assert trouves_api(client, "62427") == []
    organisation = Organisation.objects.get(pk=gare.maitre_ouvrage_id)
    organisation.nom = "Agglomération du Pays saint-quentinois"
    organisation.save()
    assert trouves_api(client, "pays saint quentinois") == [gare.reference]


# Searches among the contract's own operations and their results, in order. The embedded
# SQLite default must give the very same (tests/test_defaut_embarque.py asserts this table).
RECHERCHES_DU_CONTRAT = {
    "Saint-Quentin": ["HDF-CPER-127"],
    "canal seine-nord": ["HDF-CPER-061"],
    "UNIVERSITE DE LILLE": [f"HDF-CPER-{n}" for n in range(132, 138)],
    "hdf-cper-12": [f"HDF-CPER-{n}" for n in range(120, 130)],
}


def test_recherches_dans_les_operations_du_contrat():
    from projets.recherche import rechercher

    for texte, attendu in RECHERCHES_DU_CONTRAT.items():
        trouves = rechercher(Projet.objects.filter(origine="contrat"), texte)
        assert list(trouves.values_list("reference", flat=True)) == attendu, texte


def test_la_page_d_une_recherche_pagine_comme_les_autres(client, agent):
    """A search's count comes with its page's identifiers (issue 14): the same numbers, pages,
    order and fallbacks (not a number: the first page; beyond the last: the last) as a list
    counted apart."""
    from projets.recherche import rechercher

    client.force_login(agent)
    attendus = list(rechercher(Projet.objects.all(), "de").values_list("reference", flat=True))
    assert len(attendus) > 50

    def page(numero):
        parametres = {"q": "de"} if numero is None else {"q": "de", "page": numero}
        html = client.get(reverse("projets:liste"), parametres).content.decode()
        assert f"{len(attendus)} projets" in html
        lues = [r for r in attendus if f">{r}</a>" in html]
        return sorted(lues, key=html.index), html

    premiere, html = page(None)
    assert premiere == attendus[:50] and "1 / 2" in html
    assert page("abc")[0] == page("2.5")[0] == premiere
    deuxieme, html = page(2)
    assert deuxieme == attendus[50:100] and "2 / 2" in html
    assert page(3)[0] == page(0)[0] == page(-1)[0] == deuxieme
    vide = client.get(reverse("projets:liste"), {"q": "introuvable", "page": 2}).content.decode()
    assert "0 projet" in vide and "Aucun projet ne correspond" in vide
    requetes = []
    for numero in (1, 2):
        with CaptureQueriesContext(connection) as capture:
            client.get(reverse("projets:liste"), {"q": "de", "page": numero})
        requetes.append(len(capture))
        # Matches counted in the query that reads the page's identifiers, never apart.
        assert not [q for q in capture.captured_queries if "COUNT(*)" in q["sql"]]
    assert requetes[0] == requetes[1]
