"""The exports read projections by chunks (no model instance) so that their memory stays flat:
their files are, byte for byte, those the former row builders (model instances with their
prefetched relations, kept below as the reference) wrote from the same data."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from financement import donnees_ouvertes as ouvertes
from financement.services import engagement_enregistrer, paiement_enregistrer
from projets import api as projets_api
from projets.filters import ProjetFilter
from projets.models import NatureFinancement
from socle.exports import csv_lines


# --- The former row builders, as they were ------------------------------------------------
def rangees_projets_avant(projets):
    for projet in projets.iterator(chunk_size=1000):
        lignes = list(projet.lignes_financement.all())
        yield {
            "reference": projet.reference,
            "titre": projet.titre,
            "statut": projet.statut,
            "statut_libelle": projet.get_statut_display(),
            "origine": projet.origine,
            "mesure": projet.mesure.code,
            "axe": (projet.mesure.axe or projet.mesure).code,
            "maitre_ouvrage": projet.maitre_ouvrage.nom if projet.maitre_ouvrage else "",
            "departements": [d.code_insee for d in projet.departements.all()],
            "cout_total_ht": projet.cout_total_ht,
            "financement_cper": sum(
                (ligne.montant for ligne in lignes if ligne.nature == NatureFinancement.CPER),
                Decimal("0.00"),
            ),
            "financeurs": sorted({ligne.signataire.code for ligne in lignes if ligne.signataire}),
            "date_debut": projet.date_debut,
            "date_fin": projet.date_fin,
        }


def _avec_objets(lignes):
    return lignes.select_related(
        "projet",
        "projet__maitre_ouvrage",
        "signataire",
        "signataire__organisation",
        "noeud",
        "noeud__axe",
    ).prefetch_related("projet__departements")


def _maitre_ouvrage_avant(projet):
    if projet.maitre_ouvrage_id:
        return projet.maitre_ouvrage.nom, projet.maitre_ouvrage.siret
    return projet.maitre_ouvrage_texte, ""


def _identifiant_avant(ligne):
    base = f"{ligne.projet.reference}-{ligne.signataire.code}"
    return f"{base}-{ligne.rang}" if ligne.nombre > 1 else base


def rangees_projets_programmes_avant():
    for ligne in _avec_objets(ouvertes.lignes_publiees()).iterator(chunk_size=1000):
        projet = ligne.projet
        nom, siret = _maitre_ouvrage_avant(projet)
        axe = ligne.noeud.axe or ligne.noeud
        yield {
            "identifiant": _identifiant_avant(ligne),
            "reference_projet": projet.reference,
            "titre_projet": projet.titre,
            "code_mesure": ligne.noeud.code,
            "titre_mesure": ligne.noeud.titre,
            "code_axe": axe.code,
            "titre_axe": axe.titre,
            "maitre_ouvrage": nom,
            "siret_maitre_ouvrage": siret,
            "departements": [d.code_insee for d in projet.departements.all()],
            "statut": projet.statut,
            "code_financeur": ligne.signataire.code,
            "financeur": ligne.signataire.nom,
            "montant_programme": ligne.montant_programme,
            "montant_engage": ligne.montant_engage,
            "montant_paye": ligne.montant_paye,
            "montant_degage": ligne.montant_degage,
            "date_programmation": timezone.localdate(ligne.programme_le),
        }


def rangees_scdl_avant():
    for ligne in _avec_objets(ouvertes.lignes_scdl()).iterator(chunk_size=1000):
        projet = ligne.projet
        nom, siret = _maitre_ouvrage_avant(projet)
        if not nom.strip() or not ligne.signataire.organisation.siret or not siret:
            continue
        date_convention = ligne.date_premier_engagement or timezone.localdate(ligne.programme_le)
        if ligne.premier_paiement:
            periode = ouvertes._periode(ligne.premier_paiement, ligne.dernier_paiement)
        elif projet.date_debut:
            periode = ouvertes._periode(projet.date_debut, projet.date_fin)
        else:
            periode = date_convention.isoformat()
        yield {
            "nomAttribuant": ligne.signataire.nom,
            "idAttribuant": ligne.signataire.organisation.siret,
            "dateConvention": date_convention,
            "referenceDecision": ligne.reference_premier_engagement or "",
            "nomBeneficiaire": nom,
            "idBeneficiaire": siret,
            "rnaBeneficiaire": "",
            "objet": ouvertes._objet(projet.titre),
            "montant": ligne.montant_programme,
            "nature": "aide en numéraire",
            "conditionsVersement": "échelonné" if ligne.nombre_paiements > 1 else "unique",
            "datesPeriodeVersement": periode,
            "idRAE": "",
            "notificationUE": "non",
            "pourcentageSubvention": Decimal("1.00"),
            "dispositifAide": f"{ouvertes.DISPOSITIF} – mesure {ligne.noeud.code}",
        }


# --- Data: the contract's listed operations, a programmed dossier with two payments ---------
@pytest.fixture
def execution(agent, ligne_region):
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="arrete",
        reference="ARR-1",
        montant=Decimal("300000.00"),
        annee_budgetaire=2026,
    )
    for jour, montant in ((1, "1000.50"), (20, "2000.00")):
        paiement_enregistrer(
            engagement=engagement,
            par=agent,
            date_paiement=date(2026, 4, jour),
            montant=Decimal(montant),
            type_="acompte",
            reference=f"M-{jour}",
        )
    organisation = ligne_region.signataire.organisation
    organisation.siret = "13000000000017"
    organisation.save(update_fields=["siret"])
    projet = ligne_region.projet
    projet.maitre_ouvrage.siret = "19590000000011"
    projet.maitre_ouvrage.save(update_fields=["siret"])
    return ligne_region


def contenu(reponse) -> bytes:
    assert reponse.status_code == 200
    return b"".join(reponse.streaming_content)


def attendu(rangees, colonnes) -> bytes:
    return b"".join(csv_lines(rangees, colonnes))


@pytest.mark.parametrize("parametres", ["", "?statut=programme", "?q=universite", "?axe=IV"])
def test_l_export_des_dossiers_est_celui_d_avant_octet_pour_octet(
    client, administrateur, porteur, execution, parametres
):
    for personne in (administrateur, porteur):
        client.force_login(personne)
        fichier = contenu(client.get(f"/api/v1/exports/projets.csv{parametres}"))
        filtre = ProjetFilter(
            QueryDict(parametres[1:]),
            queryset=projets_api.projets_exportes(personne),
        )
        assert filtre.is_valid()
        avant = attendu(rangees_projets_avant(filtre.qs), projets_api.COLONNES_EXPORT_PROJETS)
        assert fichier == avant
        assert fichier.count(b"\r\n") > 1 or parametres  # the rows are there, not only a header
    assert execution.projet.reference.encode() in fichier


def test_le_classeur_des_dossiers_porte_les_memes_valeurs_qu_avant(
    client, administrateur, execution
):
    client.force_login(administrateur)
    reponse = client.get("/api/v1/exports/projets.xlsx")
    feuille = openpyxl.load_workbook(io.BytesIO(contenu(reponse))).active
    lignes = list(feuille.iter_rows(min_row=2, values_only=True))
    avant = list(rangees_projets_avant(projets_api.projets_exportes(administrateur)))
    assert len(lignes) == len(avant) > 90  # the listed operations and the dossier
    cles = [c.key for c in projets_api.COLONNES_EXPORT_PROJETS]
    for ligne, rangee in zip(lignes, avant, strict=True):
        valeurs = dict(zip(cles, ligne, strict=True))
        assert valeurs["reference"] == rangee["reference"]
        assert valeurs["departements"] == (";".join(rangee["departements"]) or None)
        assert Decimal(str(valeurs["financement_cper"])) == rangee["financement_cper"]
        assert valeurs["financeurs"] == (";".join(rangee["financeurs"]) or None)


def test_les_donnees_ouvertes_sont_celles_d_avant_octet_pour_octet(client, execution):
    programmes = contenu(client.get("/api/v1/donnees/projets-programmes.csv"))
    assert programmes == attendu(
        rangees_projets_programmes_avant(), ouvertes.COLONNES_PROJETS_PROGRAMMES
    )
    scdl = contenu(client.get("/api/v1/donnees/subventions-scdl.csv"))
    assert scdl == attendu(rangees_scdl_avant(), ouvertes.COLONNES_SCDL)
    # The programmed dossier is in both, with its two payments' period in the SCDL file.
    assert execution.projet.reference.encode() in programmes
    assert b"2026-04-01/2026-04-20" in scdl
    assert "échelonné".encode() in scdl


def test_l_export_lit_ses_relations_par_lot_et_non_par_dossier(client, administrateur, execution):
    """Three queries for the rows of a chunk (dossiers, départements, plan lines), whatever the
    number of dossiers in it."""
    client.force_login(administrateur)
    reponse = client.get("/api/v1/exports/projets.csv")
    with CaptureQueriesContext(connection) as requetes:
        lignes = contenu(reponse).count(b"\r\n") - 1
    assert lignes > 90
    sql = [r["sql"] for r in requetes.captured_queries]
    assert sum("projets_projet_departements" in q for q in sql) == 1
    assert sum('FROM "projets_ligneplanfinancement"' in q for q in sql) == 1
