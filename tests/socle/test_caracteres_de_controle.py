"""A control character pasted into a text is refused at input, pages and API alike, with a
French message on the field and nothing written; what was stored before still exports."""

import io

from openpyxl import load_workbook

from projets.models import Projet
from tests.api.test_projets import DOSSIER, creer
from tests.financement.test_donnees_ouvertes import contenu, execution  # noqa: F401

MESSAGE = "Ce texte contient un caractère invisible non autorisé (U+001B)"


def test_l_api_refuse_un_titre_avec_un_caractere_de_controle(client, agent):
    client.force_login(agent)
    nombre = Projet.objects.count()
    reponse = creer(client, titre="Pôle d'échanges\u001b[31m d'Arras")
    assert reponse.status_code == 400
    assert MESSAGE in reponse.json()["titre"][0]
    assert Projet.objects.count() == nombre


def test_l_api_refuse_aussi_dans_une_rangee_et_un_motif(client, agent):
    client.force_login(agent)
    reponse = creer(client, communes=[{"code_insee": "62041", "nom": "Arras\u0007"}])
    assert reponse.status_code == 400
    assert "U+0007" in str(reponse.json()["communes"])
    reference = creer(client).json()["reference"]
    reponse = client.post(
        f"/api/v1/projets/{reference}/abandonner/",
        {"commentaire": "Abandon\u000c demandé"},
        content_type="application/json",
    )
    assert reponse.status_code == 400
    assert "U+000C" in str(reponse.json()["commentaire"])
    assert Projet.objects.get(reference=reference).statut == "brouillon"


def test_les_retours_a_la_ligne_et_les_tabulations_restent_permis(client, agent):
    client.force_login(agent)
    reponse = creer(client, description="Parvis.\r\n\tAbri vélos.\nQuais.")
    assert reponse.status_code == 201, reponse.json()
    assert reponse.json()["description"] == "Parvis.\r\n\tAbri vélos.\nQuais."


def test_le_formulaire_du_dossier_refuse_a_cote_du_champ(client, agent):
    client.force_login(agent)
    nombre = Projet.objects.count()
    reponse = client.post(
        "/projets/nouveau/", {"titre": "Atelier\u001b", "description": DOSSIER["description"]}
    )
    assert reponse.status_code == 200
    assert MESSAGE in reponse.content.decode()
    assert Projet.objects.count() == nombre


def test_un_texte_deja_enregistre_n_empeche_pas_le_xlsx_public(client, execution):  # noqa: F811
    execution.titre = "Titre\u001b enregistré avant le contrôle"
    execution.save()  # stored directly, as before input refused it
    reponse = client.get("/api/v1/donnees/projets-programmes.xlsx")
    assert reponse.status_code == 200
    classeur = load_workbook(io.BytesIO(contenu(reponse)))
    titres = {c.value for c in classeur.active["C"]} - {"titre_projet"}
    assert titres == {"Titre enregistré avant le contrôle"}
