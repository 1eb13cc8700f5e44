"""Indicators: the secretariat defines them per measure (none pre-loaded: the contract gives no
figure); the porteur of a dossier states its expected contribution and reports the achieved
value; per measure and axis, target vs expected vs achieved in the page, the API and the open
data. Others are refused and nothing is written."""

import csv
import io
from decimal import Decimal

import pytest

from axes.models import Noeud
from projets.models import Projet, Statut
from suivi.models import ContributionIndicateur, Indicateur, JournalSuivi
from suivi.services import IndicateurSaisi, contribution_renseigner, indicateur_definir

D = Decimal


def _texte(reponse):
    return reponse.content.decode().replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def indicateur(administrateur):
    return indicateur_definir(
        saisie=IndicateurSaisi(
            noeud=Noeud.objects.get(code="IV.2.1"),
            nom="Surface rénovée",
            unite="m²",
            nature="realisation",
            cible_2027=D("20000"),
            source="Déclarations des maîtres d'ouvrage",
            valeur_reference=D("0"),
        ),
        par=administrateur,
    )


def test_aucun_indicateur_n_est_precharge():
    assert not Indicateur.objects.exists()


def test_le_secretariat_definit_un_indicateur_depuis_la_page(client, administrateur):
    client.force_login(administrateur)
    page = client.get("/suivi/indicateurs/")
    assert page.status_code == 200
    assert "fixés par les partenaires du contrat" in _texte(page)
    mesure = Noeud.objects.get(code="IV.2.1")
    reponse = client.post(
        "/suivi/indicateurs/",
        {
            "noeud": mesure.pk,
            "nom": "Places d'accueil créées",
            "unite": "places",
            "nature": "resultat",
            "valeur_reference": "",
            "cible_2027": "1 500",
            "source": "Rectorat",
        },
    )
    assert reponse.status_code == 302
    indicateur = Indicateur.objects.get()
    assert (indicateur.cible_2027, indicateur.par, indicateur.valeur_reference) == (
        D("1500.00"),
        administrateur,
        None,
    )
    assert JournalSuivi.objects.filter(action="indicateur_creer", par=administrateur).exists()


def test_saisie_erronee_message_a_cote_du_champ_rien_ecrit(client, administrateur):
    client.force_login(administrateur)
    reponse = client.post(
        "/suivi/indicateurs/",
        {
            "noeud": Noeud.objects.get(code="IV.2.1").pk,
            "nom": "Surface",
            "unite": "m²",
            "nature": "realisation",
            "cible_2027": "beaucoup",
            "source": "x",
        },
    )
    assert reponse.status_code == 400
    assert "Saisissez un nombre, par exemple 1 234,5." in _texte(reponse)
    assert not Indicateur.objects.exists()


@pytest.mark.parametrize("qui", ["agent", "porteur", "lecteur"])
def test_seul_le_secretariat_definit_les_indicateurs(client, request, qui):
    client.force_login(request.getfixturevalue(qui))
    page = client.get("/suivi/indicateurs/")
    assert page.status_code == 200
    assert 'id="form-indicateur"' not in page.content.decode()
    donnees = {
        "noeud": Noeud.objects.get(code="IV.2.1").pk,
        "nom": "Surface",
        "unite": "m²",
        "nature": "realisation",
        "cible_2027": "10",
        "source": "x",
    }
    assert client.post("/suivi/indicateurs/", donnees).status_code == 403
    corps = {"mesure": "IV.2.1", "nom": "Surface", "unite": "m²", "nature": "realisation",
             "cible_2027": "10.00", "source": "x"}  # fmt: skip
    assert (
        client.post("/api/v1/indicateurs/", corps, content_type="application/json").status_code
        == 403
    )
    assert not Indicateur.objects.exists()
    assert not JournalSuivi.objects.exists()


def test_cible_attendu_realise_au_meme_chiffre_page_api_donnees_ouvertes(
    client, indicateur, projet_programme, projet_brouillon, porteur, administrateur
):
    contribution_renseigner(
        projet=projet_programme,
        indicateur=indicateur,
        valeur_attendue=D("1200.50"),
        valeur_realisee=D("300.25"),
        par=porteur,
    )
    # A draft's promise is not counted.
    contribution_renseigner(
        projet=projet_brouillon, indicateur=indicateur, valeur_attendue=D("999"), par=porteur
    )
    client.force_login(administrateur)
    texte = _texte(client.get("/suivi/indicateurs/"))
    assert "1 200,50 (6,0 %, 1 dossier)" in texte
    assert "300,25 (1,5 %)" in texte
    assert "20 000" in texte
    assert 'role="img"' in texte  # the chart, with its text alternative

    (api,) = client.get("/api/v1/indicateurs/").json()
    assert (api["mesure"], api["axe"], api["cible_2027"], api["attendu"], api["realise"]) == (
        "IV.2.1",
        "IV",
        "20000.00",
        "1200.50",
        "300.25",
    )
    client.logout()  # open data: no log-in
    fichier = client.get("/api/v1/donnees/indicateurs.csv")
    assert fichier.status_code == 200
    (rangee,) = csv.DictReader(io.StringIO(b"".join(fichier.streaming_content).decode()))
    assert (rangee["cible_2027"], rangee["attendu"], rangee["realise"]) == (
        "20000.00",
        "1200.50",
        "300.25",
    )
    assert rangee["nombre_dossiers"] == "1"


def test_le_porteur_renseigne_depuis_la_page_du_dossier(
    client, indicateur, projet_programme, porteur
):
    client.force_login(porteur)
    url = f"/suivi/projets/{projet_programme.reference}/indicateurs/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Surface rénovée" in _texte(page)
    p = f"i{indicateur.pk}"
    reponse = client.post(
        url,
        {"indicateur": indicateur.pk, f"{p}-valeur_attendue": "1 000", f"{p}-valeur_realisee": ""},
    )
    assert reponse.status_code == 302
    contribution = ContributionIndicateur.objects.get()
    assert (contribution.valeur_attendue, contribution.valeur_realisee) == (D("1000.00"), None)
    reponse = client.post(
        url, {"indicateur": indicateur.pk, f"{p}-valeur_attendue": "-3", f"{p}-valeur_realisee": ""}
    )
    assert reponse.status_code == 400
    assert "La valeur ne peut pas être négative." in _texte(reponse)
    assert ContributionIndicateur.objects.get().valeur_attendue == D("1000.00")


@pytest.mark.parametrize("qui", ["agent", "agent_etat", "lecteur"])
def test_les_autres_ne_renseignent_pas_la_contribution(
    client, indicateur, projet_programme, request, qui
):
    client.force_login(request.getfixturevalue(qui))
    url = f"/suivi/projets/{projet_programme.reference}/indicateurs/"
    p = f"i{indicateur.pk}"
    assert (
        client.post(url, {"indicateur": indicateur.pk, f"{p}-valeur_attendue": "1"}).status_code
        == 403
    )
    api = f"/api/v1/projets/{projet_programme.reference}/indicateurs/{indicateur.pk}/"
    assert (
        client.put(api, {"valeur_attendue": "1.00"}, content_type="application/json").status_code
        == 403
    )
    assert not ContributionIndicateur.objects.exists()


def test_porteur_d_un_autre_dossier_ne_le_voit_pas(
    client, indicateur, projet_programme, porteur_autre
):
    client.force_login(porteur_autre)
    url = f"/suivi/projets/{projet_programme.reference}/indicateurs/"
    assert client.get(url).status_code == 404
    api = f"/api/v1/projets/{projet_programme.reference}/indicateurs/{indicateur.pk}/"
    assert (
        client.put(api, {"valeur_attendue": "1.00"}, content_type="application/json").status_code
        == 404
    )
    assert not ContributionIndicateur.objects.exists()


def test_api_contribution_et_indicateur_d_une_autre_mesure(
    client, indicateur, projet_programme, porteur, administrateur
):
    autre = indicateur_definir(
        saisie=IndicateurSaisi(
            noeud=Noeud.objects.get(code="IV.1.1"),
            nom="Autre",
            unite="u",
            nature="resultat",
            cible_2027=D("1"),
            source="x",
        ),
        par=administrateur,
    )
    client.force_login(porteur)
    base = f"/api/v1/projets/{projet_programme.reference}/indicateurs/"
    assert (
        client.put(
            f"{base}{autre.pk}/", {"valeur_attendue": "1.00"}, content_type="application/json"
        ).status_code
        == 404
    )
    refus = client.put(
        f"{base}{indicateur.pk}/", {"valeur_attendue": "-1"}, content_type="application/json"
    )
    assert refus.status_code == 400
    assert "valeur_attendue" in refus.json()
    reponse = client.put(
        f"{base}{indicateur.pk}/",
        {"valeur_attendue": "10.00", "valeur_realisee": "2.50"},
        content_type="application/json",
    )
    assert reponse.status_code == 200
    assert reponse.json()[0]["valeur_realisee"] == "2.50"
    assert [c["indicateur"] for c in client.get(base).json()] == [indicateur.pk]
    assert JournalSuivi.objects.filter(action="contribution_renseigner", par=porteur).count() == 1


def test_l_api_du_secretariat_cree_un_indicateur(client, administrateur):
    client.force_login(administrateur)
    corps = {"mesure": "I", "nom": "Axe", "unite": "u", "nature": "resultat",
             "cible_2027": "10.00", "source": "x"}  # fmt: skip
    refus = client.post("/api/v1/indicateurs/", corps, content_type="application/json")
    assert refus.status_code == 400
    assert refus.json()["mesure"] == [
        "Un indicateur se rattache à une mesure (ou une sous-mesure)."
    ]
    corps["mesure"] = "IV.2.1"
    reponse = client.post("/api/v1/indicateurs/", corps, content_type="application/json")
    assert reponse.status_code == 201
    assert reponse.json()["attendu"] == "0.00"
    assert Projet.objects.filter(statut=Statut.PROGRAMME).count() == 0


def test_le_journal_du_suivi_est_inalterable(indicateur):
    from django.db import DatabaseError, transaction

    evenement = JournalSuivi.objects.get(action="indicateur_creer")
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalSuivi.objects.filter(pk=evenement.pk).update(action="autre")
    with pytest.raises(DatabaseError), transaction.atomic():
        evenement.delete()
    assert JournalSuivi.objects.get(pk=evenement.pk).action == "indicateur_creer"
