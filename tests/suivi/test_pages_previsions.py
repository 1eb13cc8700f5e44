"""The forecast page, its files and its API: a signatory's needs by year are the sum of its
lines' schedules to the cent everywhere; only its agents and the secretariat see them; the
schedule is written from its page by the porteur and the line's signatory's agents only."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from financement.services import credits_ouvrir, projet_programmer
from projets.services import projet_creer
from socle.montants import format_euros
from suivi.models import Echeance
from suivi.services import echeancier_definir

D = Decimal


@pytest.fixture
def deux_lignes(projet_programme, porteur, agent, administrateur, donnees_completes, retenir):
    """Two Région lines with schedules: 2026 AE 200 000,34 € CP 100 000,03 €; 2027 AE
    199 999,67 € CP 299 999,99 €; 150 000,00 € opened in 2026."""
    autre = projet_programmer(
        projet=retenir(projet_creer(donnees=donnees_completes(), par=porteur)), par=administrateur
    )
    l1 = projet_programme.lignes_programmees.get(signataire__code="region")
    l2 = autre.lignes_programmees.get(signataire__code="region")
    echeancier_definir(
        ligne=l1,
        echeances={2026: (D("200000.33"), D("100000.01")), 2027: (D("199999.67"), D("299999.99"))},
        par=agent,
    )
    echeancier_definir(ligne=l2, echeances={2026: (D("0.01"), D("0.02"))}, par=porteur)
    credits_ouvrir(signataire=l1.signataire, annee=2026, montant=D("150000.00"), par=agent)
    return l1, l2


def _texte(reponse):
    return reponse.content.decode().replace("\u202f", " ").replace("\xa0", " ")


def _euros(montant):
    return format_euros(montant).replace("\u202f", " ").replace("\xa0", " ")


def test_la_page_montre_la_somme_des_echeanciers_au_centime(client, deux_lignes, agent):
    client.force_login(agent)
    reponse = client.get("/suivi/signataires/region/previsions/")
    assert reponse.status_code == 200
    texte = _texte(reponse)
    for montant in ("200000.34", "100000.03", "150000.00", "199999.67", "299999.99"):
        assert _euros(D(montant)) in texte, montant
    assert "manque " + _euros(D("-50000.34")) in texte
    assert "sous réserve" in texte  # 2027: no opened credits
    assert _euros(D("400000.01")) in texte  # total AE


def test_l_export_csv_et_xlsx_donnent_les_memes_montants(client, deux_lignes, agent):
    client.force_login(agent)
    reponse = client.get("/api/v1/exports/previsions.csv?signataire=region")
    assert reponse.status_code == 200
    lignes = list(csv.DictReader(io.StringIO(b"".join(reponse.streaming_content).decode())))
    assert [
        (r["annee"], r["besoin_ae"], r["besoin_cp"], r["credits_ouverts"], r["ecart"])
        for r in lignes
    ] == [
        ("2026", "200000.34", "100000.03", "150000.00", "-50000.34"),
        ("2027", "199999.67", "299999.99", "", ""),
    ]
    xlsx = client.get("/api/v1/exports/previsions.xlsx")
    feuille = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rangees = list(feuille.iter_rows(values_only=True))
    assert rangees[0][:5] == ("signataire", "nom_signataire", "annee", "besoin_ae", "besoin_cp")
    # The agent of the Région gets the Région only, even without a filter.
    assert {r[0] for r in rangees[1:]} == {"region"}
    assert D(str(rangees[1][3])).quantize(D("0.01")) == D("200000.34")


def test_l_api_donne_les_memes_montants(client, deux_lignes, administrateur):
    client.force_login(administrateur)
    reponse = client.get("/api/v1/signataires/region/previsions/")
    assert reponse.status_code == 200
    assert reponse.json() == {
        "signataire": "region",
        "annees": [
            {
                "annee": 2026,
                "besoin_ae": "200000.34",
                "besoin_cp": "100000.03",
                "credits_ouverts": "150000.00",
                "ecart": "-50000.34",
            },
            {
                "annee": 2027,
                "besoin_ae": "199999.67",
                "besoin_cp": "299999.99",
                "credits_ouverts": None,
                "ecart": None,
            },
        ],
    }


@pytest.mark.parametrize("qui", ["agent_etat", "porteur", "lecteur"])
def test_les_autres_ne_voient_pas_les_previsions(client, deux_lignes, request, qui):
    client.force_login(request.getfixturevalue(qui))
    assert client.get("/suivi/signataires/region/previsions/").status_code == 403
    assert client.get("/api/v1/signataires/region/previsions/").status_code == 403
    refus = client.get("/api/v1/exports/previsions.csv?signataire=region")
    assert refus.status_code == 403
    assert refus.json()["detail"]


def test_anonyme_renvoye(client, deux_lignes):
    assert client.get("/suivi/signataires/region/previsions/").status_code == 302
    assert client.get("/api/v1/signataires/region/previsions/").status_code == 401


def test_le_porteur_propose_l_agent_ajuste_depuis_la_page(client, ligne_region, porteur, agent):
    url = f"/suivi/lignes/{ligne_region.pk}/echeancier/"
    client.force_login(porteur)
    assert client.get(url).status_code == 200
    reponse = client.post(url, {"ae_2026": "100 000,00", "cp_2026": "50 000,50"})
    assert reponse.status_code == 302
    client.force_login(agent)
    reponse = client.post(url, {"ae_2026": "120 000,00", "ae_2027": "280 000,00", "cp_2027": "1,5"})
    assert reponse.status_code == 302
    assert list(
        Echeance.objects.filter(ligne=ligne_region).values_list(
            "annee", "montant_ae", "montant_cp", "par"
        )
    ) == [
        (2026, D("120000.00"), D("0.00"), agent.pk),
        (2027, D("280000.00"), D("1.50"), agent.pk),
    ]


def test_page_echeancier_au_dela_du_programme_message_rien_ecrit(client, ligne_region, agent):
    client.force_login(agent)
    reponse = client.post(
        f"/suivi/lignes/{ligne_region.pk}/echeancier/",
        {"ae_2026": "300 000,00", "ae_2027": "100 000,01", "cp_2026": "-1"},
    )
    assert reponse.status_code == 400
    texte = _texte(reponse)
    assert "Le montant ne peut pas être négatif." in texte
    reponse = client.post(
        f"/suivi/lignes/{ligne_region.pk}/echeancier/",
        {"ae_2026": "300 000,00", "ae_2027": "100 000,01"},
    )
    assert reponse.status_code == 400
    assert (
        "L'échéancier totalise 400 000,01 €, plus que les 400 000,00 € programmés sur la ligne."
        in _texte(reponse).replace("&#x27;", "'")
    )
    assert not Echeance.objects.exists()


@pytest.mark.parametrize("qui", ["agent_etat", "lecteur"])
def test_page_echeancier_refusee_aux_autres_rien_ecrit(client, ligne_region, request, qui):
    client.force_login(request.getfixturevalue(qui))
    url = f"/suivi/lignes/{ligne_region.pk}/echeancier/"
    assert 'id="form-echeancier"' not in client.get(url).content.decode()
    assert client.post(url, {"ae_2026": "1,00"}).status_code == 403
    assert not Echeance.objects.exists()


def test_porteur_d_un_autre_dossier_ne_voit_pas_la_ligne(client, ligne_region, porteur_autre):
    client.force_login(porteur_autre)
    url = f"/suivi/lignes/{ligne_region.pk}/echeancier/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"ae_2026": "1,00"}).status_code == 404
    assert not Echeance.objects.exists()


def test_api_echeancier_ecrit_et_refuse(client, ligne_region, porteur, agent_etat):
    url = f"/api/v1/financement/lignes/{ligne_region.pk}/echeancier/"
    corps = {"echeances": [{"annee": 2026, "montant_ae": "10.00", "montant_cp": "5.00"}]}
    client.force_login(agent_etat)
    assert client.put(url, corps, content_type="application/json").status_code == 403
    assert not Echeance.objects.exists()
    client.force_login(porteur)
    trop = {"echeances": [{"annee": 2026, "montant_ae": "400000.01", "montant_cp": "0"}]}
    refus = client.put(url, trop, content_type="application/json")
    assert refus.status_code == 400
    assert "montant_ae" in refus.json()
    assert not Echeance.objects.exists()
    reponse = client.put(url, corps, content_type="application/json")
    assert reponse.status_code == 200
    assert reponse.json()["echeances"] == [
        {"annee": 2026, "montant_ae": "10.00", "montant_cp": "5.00"}
    ]
    assert client.get(url).json()["montant_programme"] == "400000.00"
