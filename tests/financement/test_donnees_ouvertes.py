"""Open data: public, streamed, no personal data, right columns and amounts, SCDL checked
against the schema kept in the repository."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from financement.donnees_ouvertes import COLONNES_PROJETS_PROGRAMMES
from financement.services import engagement_enregistrer, paiement_enregistrer
from tests.factories.projets import PROGRAMME_LE


def contenu(reponse) -> bytes:
    return b"".join(reponse.streaming_content) if reponse.streaming else reponse.content


def lire_csv(reponse) -> list[dict]:
    return list(csv.DictReader(io.StringIO(contenu(reponse).decode("utf-8"), newline="")))


@pytest.fixture
def execution(projet_programme, agent, ligne_region):
    """Région: 300 000,00 € committed on 1 March 2026, paid in two instalments."""
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="arrete",
        reference="ARR-2026-5",
        montant=Decimal("300000.00"),
        annee_budgetaire=2026,
    )
    for jour, montant in ((1, "100000.00"), (20, "50000.50")):
        paiement_enregistrer(
            engagement=engagement,
            par=agent,
            date_paiement=date(2026, 4, jour),
            montant=Decimal(montant),
            type_="acompte",
        )
    return projet_programme


def test_le_csv_des_projets_programmes_est_public_et_s_ouvre_dans_un_lecteur_csv(client, execution):
    reponse = client.get("/api/v1/donnees/projets-programmes.csv")
    assert reponse.status_code == 200
    assert isinstance(reponse, StreamingHttpResponse)
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == (
        'attachment; filename="cper-hdf-projets-programmes.csv"'
    )
    rangees = lire_csv(reponse)
    assert list(rangees[0]) == [c.key for c in COLONNES_PROJETS_PROGRAMMES]
    par_id = {r["identifiant"]: r for r in rangees}
    ref = execution.reference
    assert set(par_id) == {f"{ref}-region", f"{ref}-etat"}
    region = par_id[f"{ref}-region"]
    assert region["montant_programme"] == "400000.00"
    assert region["montant_engage"] == "300000.00"
    assert region["montant_paye"] == "150000.50"
    assert region["code_mesure"] == "IV.2.1.a" and region["code_axe"] == "IV"
    assert region["maitre_ouvrage"] == "Université de test"
    assert region["departements"] == "59"
    assert region["statut"] == "programme" and region["financeur"] == "Région Hauts-de-France"
    assert par_id[f"{ref}-etat"]["montant_programme"] == "350000.00"
    assert sum(Decimal(r["montant_programme"]) for r in rangees) == Decimal("750000.00")


def test_aucune_donnee_personnelle_n_est_publiee(client, execution, porteur, agent):
    execution.contact_nom = "Camille Martin"
    execution.contact_courriel = "camille.martin@example.org"
    execution.contact_telephone = "03 20 00 00 00"
    execution.save()
    for url in [
        "/api/v1/donnees/projets-programmes.csv",
        "/api/v1/donnees/projets-programmes.json",
        "/api/v1/donnees/subventions-scdl.csv",
    ]:
        texte = contenu(client.get(url)).decode()
        for personnel in [
            "Camille",
            "camille.martin",
            "03 20 00",
            porteur.username,
            agent.username,
        ]:
            assert personnel not in texte, (url, personnel)


def test_le_json_porte_les_memes_lignes_avec_des_montants_en_chaines(client, execution):
    reponse = client.get("/api/v1/donnees/projets-programmes.json")
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/json"
    lignes = json.loads(contenu(reponse))
    region = next(ligne for ligne in lignes if ligne["code_financeur"] == "region")
    assert region["montant_programme"] == "400000.00"
    assert region["departements"] == ["59"]
    assert region["date_programmation"] == PROGRAMME_LE.isoformat()


def test_le_xlsx_porte_des_nombres_et_des_dates(client, execution):
    reponse = client.get("/api/v1/donnees/projets-programmes.xlsx")
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"].startswith("attachment")
    classeur = load_workbook(io.BytesIO(contenu(reponse)), read_only=True)
    rangees = list(classeur.active.iter_rows(values_only=True))
    entete, *donnees = rangees
    assert list(entete) == [c.key for c in COLONNES_PROJETS_PROGRAMMES]
    colonne = entete.index("montant_programme")
    assert sorted(r[colonne] for r in donnees) == [350000, 400000]


def test_un_titre_qui_commence_par_egal_reste_du_texte_dans_le_xlsx(client, execution):
    execution.titre = '=HYPERLINK("http://exemple.invalid","clic")'
    execution.save()
    reponse = client.get("/api/v1/donnees/projets-programmes.xlsx")
    classeur = load_workbook(io.BytesIO(contenu(reponse)))
    titres = [c.value for c in classeur.active["C"]][1:]
    assert titres == [execution.titre] * 2
    assert all(c.data_type == "s" for c in classeur.active["C"])


def test_la_page_des_donnees_ouvertes_est_publique_et_documente_l_ecart(client):
    reponse = client.get("/donnees/")
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "idAttribuant" in page and "ecart-siret" in page
    for c in COLONNES_PROJETS_PROGRAMMES:
        assert f"<code>{c.key}</code>" in page
    schema = client.get("/donnees/projets-programmes.schema.json").json()
    assert schema["primaryKey"] == "identifiant"
    assert [f["name"] for f in schema["fields"]] == [c.key for c in COLONNES_PROJETS_PROGRAMMES]
    assert client.get("/donnees/subventions-scdl.schema.json").status_code == 200


def test_sans_ligne_programmee_les_fichiers_n_ont_que_leur_en_tete(client):
    assert contenu(client.get("/api/v1/donnees/subventions-scdl.csv")).count(b"\r\n") == 1
    assert json.loads(contenu(client.get("/api/v1/donnees/projets-programmes.json"))) == []
