"""Files for download: the public open-data datasets and the exports of the ledger lists.

Each file is declared once (`socle.exports.Export`): its rows, its columns, its documentation;
`vue_export` serves it in every format. Open data needs no log-in; the ledger exports show
exactly what the lists show to the same person (the lists' selectors, the lists' filters).
Every file streams.
"""

from typing import Any

from django.db.models import QuerySet

from financement.api import (
    EngagementFilter,
    EngagementSerializer,
    LigneFilter,
    LigneProgrammeeSerializer,
    PaiementFilter,
    PaiementSerializer,
)
from financement.donnees_ouvertes import (
    COLONNES_PROJETS_PROGRAMMES,
    COLONNES_SCDL,
    TAILLE_LOT,
    rangees_projets_programmes,
    rangees_scdl,
)
from financement.models import Engagement, LigneProgrammee, Paiement
from financement.selectors import des_projets_visibles, lignes_visibles
from socle.exports import (
    Column,
    Export,
    colonnes_de,
    description_colonnes,
    une_par_objet,
    vue_export,
)

# --- Données ouvertes -----------------------------------------------------------------------
PROJETS_PROGRAMMES = Export(
    nom="cper-hdf-projets-programmes",
    feuille="Projets programmés",
    colonnes=COLONNES_PROJETS_PROGRAMMES,
    rangees=rangees_projets_programmes,
    formats=("csv", "json", "xlsx"),
    public=True,
    tag="Données ouvertes",
    resume="Projets programmés et montants par financeur",
    description=(
        "Données ouvertes, sans connexion : une ligne par ligne CPER programmée (projet × "
        "signataire financeur), sans donnée personnelle. Montants en euros, décimaux à "
        "point (chaînes en JSON, nombres en XLSX). Schéma : "
        "/donnees/projets-programmes.schema.json.\n\n"
        + description_colonnes(COLONNES_PROJETS_PROGRAMMES)
    ),
)

SUBVENTIONS_SCDL = Export(
    nom="cper-hdf-subventions-scdl",
    feuille="Subventions",
    colonnes=COLONNES_SCDL,
    rangees=rangees_scdl,
    formats=("csv",),
    public=True,
    tag="Données ouvertes",
    resume="Décisions de financement au format SCDL « subventions »",
    description=(
        "Données ouvertes, sans connexion : une ligne par ligne CPER programmée, au format "
        "national des données essentielles des subventions (décret n° 2017-779, schéma "
        "`scdl/subventions` 2.1.1). CSV UTF-8, séparateur virgule, montants à point. "
        "Une ligne que le schéma national ne peut pas accepter (opération sans maître "
        "d'ouvrage, SIRET du signataire ou du maître d'ouvrage non renseigné) n'est pas "
        "publiée : la page /donnees/ dit combien et pourquoi.\n\n"
        + description_colonnes(COLONNES_SCDL)
    ),
)


# --- Exports des listes du registre ---------------------------------------------------------
# The columns an API list also shows take its descriptions (`colonnes_de`).
COLONNES_LIGNES = [
    *colonnes_de(LigneProgrammeeSerializer, "id", "projet"),
    Column("titre_projet", "Titre du projet."),
    *colonnes_de(
        LigneProgrammeeSerializer,
        "signataire",
        "mesure",
        "montant_programme",
        "montant_engage",
        "montant_paye",
    ),
    Column("montant_degage", "Dégagé, en euros.", type="number"),
    Column("programme_le", "Date et heure de la programmation.", type="datetime"),
]
COLONNES_ENGAGEMENTS = [
    *colonnes_de(EngagementSerializer, "id"),
    Column("ligne", "Identifiant de la ligne programmée.", type="integer"),
    *colonnes_de(EngagementSerializer, "projet", "signataire"),
    Column("date_acte", "Date de l'acte.", type="date"),
    *colonnes_de(EngagementSerializer, "type_acte", "reference", "montant"),
    Column("annee_budgetaire", "Année budgétaire.", type="integer"),
    Column("montant_paye", "Payé sur l'engagement, en euros.", type="number"),
    Column("montant_degage", "Dégagé, en euros.", type="number"),
]
COLONNES_PAIEMENTS = [
    *colonnes_de(PaiementSerializer, "id"),
    Column("engagement", "Identifiant de l'engagement.", type="integer"),
    Column("reference_engagement", "Référence de l'acte d'engagement."),
    Column("projet", "Référence du projet."),
    Column("signataire", "Code du signataire."),
    *colonnes_de(PaiementSerializer, "date"),
    Column("type", "avance, acompte ou solde."),
    *colonnes_de(PaiementSerializer, "montant", "reference"),
]

LISTES = (
    "Les lignes que la liste correspondante montre à la même personne, avec les mêmes filtres ; "
    "le fichier est produit au fil de l'eau.\n\n"
)


def lignes_exportees(utilisateur: Any) -> QuerySet[LigneProgrammee]:
    """The programmed lines of the list (`lignes_visibles`), in a stable order."""
    return lignes_visibles(utilisateur=utilisateur).order_by("pk")


def engagements_exportes(utilisateur: Any) -> QuerySet[Engagement]:
    """The commitments of the list: those of the dossiers the person sees."""
    return (
        des_projets_visibles(
            Engagement.objects.all(), utilisateur=utilisateur, chemin="ligne__projet"
        )
        .select_related("signataire", "ligne__projet")
        .order_by("pk")
    )


def paiements_exportes(utilisateur: Any) -> QuerySet[Paiement]:
    """The payments of the commitments the person sees."""
    return (
        des_projets_visibles(
            Paiement.objects.all(), utilisateur=utilisateur, chemin="engagement__ligne__projet"
        )
        .select_related("engagement__signataire", "engagement__ligne__projet")
        .order_by("pk")
    )


def rangee_ligne(ligne: LigneProgrammee) -> dict[str, Any]:
    return {
        "id": ligne.pk,
        "projet": ligne.projet.reference,
        "titre_projet": ligne.projet.titre,
        "signataire": ligne.signataire.code,
        "mesure": ligne.noeud.code,
        "montant_programme": ligne.montant_programme,
        "montant_engage": ligne.montant_engage,
        "montant_paye": ligne.montant_paye,
        "montant_degage": ligne.montant_degage,
        "programme_le": ligne.programme_le,
    }


def rangee_engagement(e: Engagement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "ligne": e.ligne_id,
        "projet": e.ligne.projet.reference,
        "signataire": e.signataire.code,
        "date_acte": e.date_acte,
        "type_acte": e.type_acte,
        "reference": e.reference,
        "montant": e.montant,
        "annee_budgetaire": e.annee_budgetaire,
        "montant_paye": e.montant_paye,
        "montant_degage": e.montant_degage,
    }


def rangee_paiement(p: Paiement) -> dict[str, Any]:
    return {
        "id": p.pk,
        "engagement": p.engagement_id,
        "reference_engagement": p.engagement.reference,
        "projet": p.engagement.ligne.projet.reference,
        "signataire": p.engagement.signataire.code,
        "date": p.date,
        "type": p.type,
        "montant": p.montant,
        "reference": p.reference,
    }


LIGNES = Export(
    nom="lignes-programmees",
    feuille="Lignes",
    colonnes=COLONNES_LIGNES,
    selection=lignes_exportees,
    filtre=LigneFilter,
    rangees=une_par_objet(rangee_ligne, TAILLE_LOT),
    resume="Lignes programmées",
    description=LISTES + description_colonnes(COLONNES_LIGNES),
)
ENGAGEMENTS = Export(
    nom="engagements",
    feuille="Engagements",
    colonnes=COLONNES_ENGAGEMENTS,
    selection=engagements_exportes,
    filtre=EngagementFilter,
    rangees=une_par_objet(rangee_engagement, TAILLE_LOT),
    resume="Engagements",
    description=LISTES + description_colonnes(COLONNES_ENGAGEMENTS),
)
PAIEMENTS = Export(
    nom="paiements",
    feuille="Paiements",
    colonnes=COLONNES_PAIEMENTS,
    selection=paiements_exportes,
    filtre=PaiementFilter,
    rangees=une_par_objet(rangee_paiement, TAILLE_LOT),
    resume="Paiements",
    description=LISTES + description_colonnes(COLONNES_PAIEMENTS),
)

# The views the URLs name: one per export and format, all from `vue_export`.
ProjetsProgrammesCsvApi = vue_export(PROJETS_PROGRAMMES, "csv")
ProjetsProgrammesJsonApi = vue_export(PROJETS_PROGRAMMES, "json")
ProjetsProgrammesXlsxApi = vue_export(PROJETS_PROGRAMMES, "xlsx")
SubventionsScdlApi = vue_export(SUBVENTIONS_SCDL, "csv")
ExportLignesCsvApi = vue_export(LIGNES, "csv")
ExportLignesXlsxApi = vue_export(LIGNES, "xlsx")
ExportEngagementsCsvApi = vue_export(ENGAGEMENTS, "csv")
ExportEngagementsXlsxApi = vue_export(ENGAGEMENTS, "xlsx")
ExportPaiementsCsvApi = vue_export(PAIEMENTS, "csv")
ExportPaiementsXlsxApi = vue_export(PAIEMENTS, "xlsx")
