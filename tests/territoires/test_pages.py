"""The territory pages: public, French, only public dossiers for an anonymous visitor, 404 on
an unknown code; the files and their schema."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from comptes.models import Role
from territoires.models import PerimetreTerritoire
from tests.factories.comptes import UtilisateurFactory
from tests.factories.projets import DossierFactory

VDA = "59009"  # Villeneuve-d'Ascq, the factories' commune


def _texte(reponse) -> str:
    if reponse.streaming:
        return b"".join(reponse.streaming_content).decode()
    return reponse.content.decode()


@pytest.fixture
def dossiers(db):
    programme = DossierFactory(programme=True, titre="Halle programmée de Villeneuve")
    porteur = programme.cree_par
    brouillon = DossierFactory(titre="Brouillon secret de Villeneuve", par=porteur)
    depose = DossierFactory(depose=True, titre="Dossier déposé de Villeneuve", par=porteur)
    return programme, brouillon, depose


@pytest.mark.parametrize(
    "url",
    [
        "/territoires/",
        "/territoires/departement/59/",
        "/territoires/epci/200093201/",
        f"/territoires/commune/{VDA}/",
        "/territoires/specifique/sat/",
        "/territoires/specifique/littoral/",
        "/territoires/recherche/?q=Amiens",
        "/territoires/donnees/territoire.schema.json",
        "/territoires/donnees/departement-59.csv",
        "/territoires/donnees/region-32.json",
    ],
)
def test_les_pages_des_territoires_sont_publiques(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 200
    if reponse["Content-Type"].startswith("text/html"):
        assert '<html lang="fr"' in reponse.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/territoires/departement/75/",
        "/territoires/epci/123456789/",
        "/territoires/commune/75056/",
        "/territoires/commune/99999/",
        "/territoires/specifique/inconnu/",
        "/territoires/donnees/commune-99999.csv",
        "/territoires/donnees/departement-59.xml",
        "/territoires/donnees/planete-3.csv",
    ],
)
def test_un_code_inconnu_repond_404_en_francais(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 404
    assert "Page introuvable" in reponse.content.decode()


def test_un_visiteur_anonyme_ne_voit_jamais_un_brouillon_ni_un_dossier_depose(client, dossiers):
    programme, brouillon, depose = dossiers
    page = client.get(f"/territoires/commune/{VDA}/").content.decode()
    assert programme.reference in page
    assert brouillon.reference not in page and "Brouillon secret" not in page
    assert depose.reference not in page
    # The programmed dossier's plan: 400 000 + 350 000 (CPER) + 250 000 own funds.
    assert "1\u202f000\u202f000,00\u00a0€" in page
    assert "750\u202f000,00\u00a0€" in page  # programmed by the ledger
    for url in ("/territoires/departement/59/", "/territoires/"):
        page = client.get(url).content.decode()
        assert brouillon.reference not in page and depose.reference not in page
    donnees = _texte(client.get(f"/territoires/donnees/commune-{VDA}.csv"))
    rangees = list(csv.DictReader(io.StringIO(donnees)))
    assert sum(Decimal(r["montant_prevu"]) for r in rangees) == Decimal("1000000.00")


def test_un_agent_voit_le_depose_mais_jamais_le_brouillon(client, dossiers):
    programme, brouillon, depose = dossiers
    client.force_login(UtilisateurFactory(username="agent.t", role=Role.AGENT))
    page = client.get(f"/territoires/commune/{VDA}/").content.decode()
    assert programme.reference in page and depose.reference in page
    assert brouillon.reference not in page
    # The open data counts the public dossiers only, whoever downloads them.
    donnees = json.loads(_texte(client.get(f"/territoires/donnees/commune-{VDA}.json")))
    assert sum(Decimal(r["montant_prevu"]) for r in donnees) == Decimal("1000000.00")


def test_la_page_dit_les_regles_et_la_cle_de_repartition(client, settings, dossiers):
    page = client.get("/territoires/departement/59/").content.decode()
    assert "Règles de calcul" in page
    assert "parts égales" in page and "réglage fixé par le secrétariat" in page
    assert "TERRITOIRES_CLE_REPARTITION" not in page
    settings.TERRITOIRES_CLE_REPARTITION = "population"
    page = client.get("/territoires/departement/59/").content.decode()
    assert "au prorata de la population des communes" in page


def test_la_carte_de_la_region_mene_a_chaque_departement(client, dossiers):
    page = client.get("/territoires/").content.decode()
    for code in ("02", "59", "60", "62", "80"):
        assert f'href="/territoires/departement/{code}/"' in page
    assert "Tenu au niveau régional" in page
    accueil = client.get("/").content.decode()
    assert 'href="/territoires/departement/59/"' in accueil


def test_la_comparaison_montre_les_deux_territoires_cote_a_cote(client, dossiers):
    page = client.get(f"/territoires/commune/{VDA}/?avec=departement-62").content.decode()
    assert "Comparaison : Villeneuve-d&#x27;Ascq et Pas-de-Calais" in page
    assert "Prévu par habitant" in page
    # An unknown territory to compare with is ignored, never an error.
    assert client.get(f"/territoires/commune/{VDA}/?avec=commune-00000").status_code == 200


def test_un_territoire_specifique_sans_liste_dans_le_texte_le_dit_et_se_configure(client, dossiers):
    page = client.get("/territoires/specifique/littoral/").content.decode()
    assert "le secrétariat peut la fixer" in page
    sat = client.get("/territoires/specifique/sat/").content.decode()
    assert "D’après le contrat (II.4.1" in sat and "310 communes" in sat
    from axes.models import TerritoireSpecial

    PerimetreTerritoire.objects.create(
        territoire=TerritoireSpecial.objects.get(code="littoral"), codes_insee=f"{VDA}\n59350"
    )
    page = client.get("/territoires/specifique/littoral/").content.decode()
    assert "Périmètre fixé par le secrétariat" in page and "(2 communes)" in page
    programme = dossiers[0]
    assert programme.reference in page


def test_la_recherche_mene_a_la_commune(client):
    reponse = client.get("/territoires/recherche/", {"q": "59350"})
    assert reponse.status_code == 302 and reponse["Location"] == "/territoires/commune/59350/"
    page = client.get("/territoires/recherche/", {"q": "amiens"}).content.decode()
    assert 'href="/territoires/commune/80021/"' in page


def test_le_schema_decrit_chaque_colonne_des_fichiers(client):
    schema = client.get(reverse("territoires:donnees-schema")).json()
    noms = [f["name"] for f in schema["fields"]]
    entete = _texte(client.get("/territoires/donnees/region-32.csv")).splitlines()[0]
    assert entete.split(",") == noms
    assert schema["primaryKey"] == ["territoire", "nature", "code_financeur"]
    montants = [f for f in schema["fields"] if f["name"].startswith("montant_")]
    assert len(montants) == 4 and all(f["type"] == "number" for f in montants)


def test_le_csv_d_un_territoire_respecte_son_schema(client, dossiers):
    from frictionless import Resource, Schema

    schema = client.get(reverse("territoires:donnees-schema")).json()
    for cle in ("region-32", "departement-59", f"commune-{VDA}", "special-sat"):
        contenu = _texte(client.get(f"/territoires/donnees/{cle}.csv")).encode()
        rapport = Resource(
            contenu, format="csv", encoding="utf-8", schema=Schema.from_descriptor(schema)
        ).validate()
        assert rapport.valid, (cle, rapport.flatten(["rowNumber", "fieldName", "type", "note"]))
    assert len(_texte(client.get(f"/territoires/donnees/commune-{VDA}.csv")).splitlines()) == 4


def test_la_carte_de_la_region_se_teinte_aussi_par_habitant(client, dossiers):
    page = client.get("/territoires/?carte=habitant").content.decode()
    assert "Financements publics prévus par habitant, par département" in page
    # Nord: 1 000 000 € for 2 615 635 inhabitants.
    assert "0,38\u00a0€" in page
