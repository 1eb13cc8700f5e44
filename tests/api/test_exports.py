"""The list exports: the same headers and rows as before their declaration, scoped like the
lists, every format from one view factory."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from financement import api_exports
from financement.services import engagement_enregistrer, paiement_enregistrer
from projets import api as projets_api
from socle.exports import Export

ENTETES = {
    "projets": "reference,titre,statut,statut_libelle,origine,mesure,axe,maitre_ouvrage,"
    "departements,cout_total_ht,financement_cper,financeurs,date_debut,date_fin",
    "lignes": "id,projet,titre_projet,signataire,mesure,montant_programme,montant_engage,"
    "montant_paye,montant_degage,programme_le",
    "engagements": "id,ligne,projet,signataire,date_acte,type_acte,reference,montant,"
    "annee_budgetaire,montant_paye,montant_degage",
    "paiements": "id,engagement,reference_engagement,projet,signataire,date,type,montant,reference",
}


@pytest.fixture
def paiement(agent, ligne_region):
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="arrete",
        reference="ARR-1",
        montant=Decimal("300000.00"),
        annee_budgetaire=2026,
    )
    return paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 4, 1),
        montant=Decimal("1000.50"),
        type_="acompte",
        reference="M-1",
    )


def lire(client, url) -> list[str]:
    reponse = client.get(url)
    assert reponse.status_code == 200, url
    return b"".join(reponse.streaming_content).decode().split("\r\n")[:-1]


def test_les_fichiers_gardent_leurs_colonnes_et_leurs_lignes(client, administrateur, paiement):
    client.force_login(administrateur)
    engagement = paiement.engagement
    ligne = engagement.ligne
    reference = ligne.projet.reference
    assert lire(client, "/api/v1/exports/projets.csv?origine=depot") == [
        ENTETES["projets"],
        f"{reference},Réhabilitation du bâtiment B,programme,Programmé,depot,IV.2.1.a,IV,"
        "Université de test,59,1000000.00,750000.00,etat;region,2026-01-01,2027-06-30",
    ]
    lignes = lire(client, "/api/v1/exports/lignes.csv?signataire=region")
    assert lignes[0] == ENTETES["lignes"]
    assert lignes[1].startswith(
        f"{ligne.pk},{reference},Réhabilitation du bâtiment B,region,IV.2.1.a,400000.00,"
        "300000.00,1000.50,0.00,2026-"
    )
    assert lire(client, "/api/v1/exports/engagements.csv") == [
        ENTETES["engagements"],
        f"{engagement.pk},{ligne.pk},{reference},region,2026-03-01,arrete,ARR-1,300000.00,2026,"
        "1000.50,0.00",
    ]
    assert lire(client, "/api/v1/exports/paiements.csv") == [
        ENTETES["paiements"],
        f"{paiement.pk},{engagement.pk},ARR-1,{reference},region,2026-04-01,acompte,1000.50,M-1",
    ]


@pytest.mark.parametrize("nom", list(ENTETES))
def test_le_classeur_a_les_memes_colonnes_que_le_csv(client, administrateur, paiement, nom):
    client.force_login(administrateur)
    reponse = client.get(f"/api/v1/exports/{nom}.xlsx")
    feuille = openpyxl.load_workbook(io.BytesIO(b"".join(reponse.streaming_content))).active
    entete, *rangees = list(feuille.iter_rows(values_only=True))
    assert ",".join(entete) == ENTETES[nom]
    assert len(rangees) == len(lire(client, f"/api/v1/exports/{nom}.csv")) - 1


@pytest.mark.parametrize("nom", list(ENTETES))
def test_un_autre_porteur_n_exporte_rien_des_dossiers_qu_il_ne_voit_pas(
    client, porteur_autre, paiement, nom
):
    client.force_login(porteur_autre)
    assert lire(client, f"/api/v1/exports/{nom}.csv") == [ENTETES[nom]]


@pytest.mark.parametrize("nom", list(ENTETES))
def test_qui_voit_tout_exporte_sans_sous_requete_de_perimetre(client, administrateur, nom):
    client.force_login(administrateur)
    with CaptureQueriesContext(connection) as requetes:
        lire(client, f"/api/v1/exports/{nom}.csv")
    assert not [r["sql"] for r in requetes.captured_queries if "IN (SELECT" in r["sql"]]


def test_un_filtre_invalide_repond_400_comme_la_liste(client, administrateur):
    client.force_login(administrateur)
    reponse = client.get("/api/v1/exports/engagements.csv?annee=1")
    assert reponse.status_code == 400
    assert list(reponse.json()) == ["annee"]


def test_chaque_export_est_declare_une_fois_et_servi_par_la_meme_fabrique():
    declares = [
        projets_api.EXPORT_PROJETS,
        api_exports.PROJETS_PROGRAMMES,
        api_exports.SUBVENTIONS_SCDL,
        api_exports.LIGNES,
        api_exports.ENGAGEMENTS,
        api_exports.PAIEMENTS,
    ]
    assert all(isinstance(e, Export) for e in declares)
    vues = [
        projets_api.ExportProjetsCsvApi,
        projets_api.ExportProjetsXlsxApi,
        api_exports.ProjetsProgrammesCsvApi,
        api_exports.ProjetsProgrammesJsonApi,
        api_exports.ProjetsProgrammesXlsxApi,
        api_exports.SubventionsScdlApi,
        api_exports.ExportLignesCsvApi,
        api_exports.ExportLignesXlsxApi,
        api_exports.ExportEngagementsCsvApi,
        api_exports.ExportEngagementsXlsxApi,
        api_exports.ExportPaiementsCsvApi,
        api_exports.ExportPaiementsXlsxApi,
    ]
    assert {v.get.__qualname__ for v in vues} == {"vue_export.<locals>.get"}


def test_les_colonnes_partagees_disent_ce_que_dit_l_api():
    sortie = projets_api.ProjetDetailSerializer().fields
    for colonne in projets_api.COLONNES_EXPORT_PROJETS:
        if colonne.key in sortie:
            assert colonne.description == sortie[colonne.key].help_text, colonne.key


def test_un_classeur_abandonne_sans_lecture_ferme_son_fichier_sans_avertissement(
    client, administrateur
):
    """A client that drops an XLSX response unread (a status check, a closed connection) leaves
    no open descriptor and no « unclosed file » warning, whatever order the collector takes."""
    import gc
    import os
    import warnings

    client.force_login(administrateur)
    reponse = client.get("/api/v1/exports/lignes.xlsx")
    assert reponse.status_code == 200
    ouverts_avant = len(os.listdir("/proc/self/fd"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        del reponse
        gc.collect()
    assert len(os.listdir("/proc/self/fd")) < ouverts_avant
