"""Open data of the ledger: the programmed CPER lines, for everyone, without personal data.

Two datasets, both one row per programmed CPER line (`LigneProgrammee`):

- « projets programmés »: the project, its measure, territory, maître d'ouvrage (an
  organisation, never a person) and the funder's programmed, committed and paid amounts;
- « subventions » in the national format SCDL (décret n° 2017-779, arrêté du 17 novembre
  2017; schema `scdl/subventions` 2.1.1, its constraints in
  `fixtures/schemas/scdl-subventions.json`). A line the national schema cannot accept (no
  beneficiary, no SIRET of the funder or of the beneficiary) is left out, and counted with its
  reason on /donnees/ (`lignes_hors_scdl`).

Rows are built from one query per chunk (`iterator(chunk_size=…)` with `select_related`
and one prefetch of départements per chunk): no query per row, flat memory.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from axes.models import Signataire
from axes.selectors import contrat_courant
from financement.models import Engagement, LigneProgrammee, Paiement
from socle.exports import Column

TAILLE_LOT = 1000
DISPOSITIF = "CPER Hauts-de-France 2021-2027"
SIRET = r"^[0-9]{14}$"
NATURES_SCDL = (
    "aide en numéraire",
    "aide en nature",
    "aide en numéraire;aide en nature",
    "aide en nature;aide en numéraire",
)

COLONNES_PROJETS_PROGRAMMES = [
    Column(
        "identifiant",
        "Identifiant stable de la ligne : référence du projet et code du financeur "
        "(suivis d'un rang quand un financeur a plusieurs lignes sur le projet).",
        required=True,
    ),
    Column("reference_projet", "Référence du projet (ex. HDF-2026-0042).", required=True),
    Column("titre_projet", "Titre du projet.", required=True),
    Column("code_mesure", "Code de la mesure du contrat (ex. IV.2.1.a).", required=True),
    Column("titre_mesure", "Titre de la mesure.", required=True),
    Column("code_axe", "Code de l'axe (I à VI).", required=True),
    Column("titre_axe", "Titre de l'axe.", required=True),
    Column(
        "maitre_ouvrage",
        "Organisation maître d'ouvrage (jamais une personne physique).",
    ),
    Column("siret_maitre_ouvrage", "SIRET du maître d'ouvrage, s'il est connu.", pattern=SIRET),
    Column(
        "departements",
        "Codes INSEE des départements concernés, séparés par « ; » (liste en JSON) : déclarés "
        "par le porteur, ou, pour une opération inscrite au contrat, déduits des lieux que cite "
        "le texte signé.",
        liste=True,
    ),
    Column("statut", "Statut du projet (programme, en_cours, solde, abandonne…).", required=True),
    Column("code_financeur", "Code du signataire financeur (etat, region, nord…).", required=True),
    Column("financeur", "Nom du signataire financeur.", required=True),
    Column(
        "montant_programme",
        "Montant programmé sur la ligne, en euros (décimal à point, deux décimales).",
        type="number",
        required=True,
        minimum=Decimal(0),
    ),
    Column("montant_engage", "Montant engagé, en euros.", type="number", minimum=Decimal(0)),
    Column("montant_paye", "Montant payé, en euros.", type="number", minimum=Decimal(0)),
    Column(
        "montant_degage",
        "Montant dégagé (libéré) à la clôture ou à l'abandon, en euros.",
        type="number",
        minimum=Decimal(0),
    ),
    Column("date_programmation", "Date de programmation (AAAA-MM-JJ).", type="date", required=True),
]

# The SCDL « subventions » columns, in the order of the national schema 2.1.1, with its
# constraints (fixtures/schemas/scdl-subventions.json, checked with frictionless in the suite).
OBJET_LONGUEUR_MAXIMALE = 256
COLONNES_SCDL = [
    Column("nomAttribuant", "Nom de l'attribuant (le signataire financeur).", required=True),
    Column(
        "idAttribuant",
        "SIRET de l'attribuant, renseigné par le secrétariat du CPER. Les lignes d'un "
        "signataire dont le SIRET manque ne sont pas publiées (la page /donnees/ les compte).",
        required=True,
        pattern=SIRET,
    ),
    Column(
        "dateConvention",
        "Date du premier engagement juridique, ou de la programmation s'il n'y en a pas.",
        type="date",
        required=True,
    ),
    Column("referenceDecision", "Référence du premier acte d'engagement, s'il existe."),
    Column("nomBeneficiaire", "Maître d'ouvrage (organisation).", required=True),
    Column(
        "idBeneficiaire",
        "SIRET du maître d'ouvrage. Les lignes d'un maître d'ouvrage sans SIRET ne sont pas "
        "publiées (la page /donnees/ les compte).",
        pattern=SIRET,
    ),
    Column("rnaBeneficiaire", "Numéro RNA du bénéficiaire (non renseigné).", pattern=r"^W\d{9}$"),
    Column(
        "objet",
        f"Objet de l'aide : titre du projet ({OBJET_LONGUEUR_MAXIMALE} caractères au plus, "
        "abrégé par « … » au-delà).",
        required=True,
    ),
    Column(
        "montant",
        "Montant programmé, en euros (décimal à point).",
        type="number",
        required=True,
        minimum=Decimal(0),
    ),
    Column(
        "nature",
        "Nature de l'aide : « aide en numéraire » (les valeurs permises par le schéma "
        "national : aide en numéraire, aide en nature, ou les deux séparées par « ; »).",
        required=True,
        enum=NATURES_SCDL,
    ),
    Column(
        "conditionsVersement",
        "« unique » (au plus un paiement) ou « échelonné » (plusieurs) ; le schéma national "
        "permet aussi « autre » ou une description libre de 256 caractères au plus.",
        required=True,
    ),
    Column(
        "datesPeriodeVersement",
        "Date ou période (AAAA-MM-JJ/AAAA-MM-JJ, barre oblique de la norme ISO 8601) des "
        "paiements ; à défaut, celle du projet.",
        required=True,
        pattern=r"^\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?$",
    ),
    Column("idRAE", "Identifiant au répertoire des aides aux entreprises (5 caractères, vide)."),
    Column(
        "notificationUE",
        "Aide d'État notifiée à la Commission européenne : booléen écrit « oui » ou « non ».",
        type="boolean",
        required=True,
        enum=("oui", "non"),
    ),
    Column(
        "pourcentageSubvention",
        "Part du montant total de la subvention versée à ce bénéficiaire, au sens du schéma "
        "national (entre 0.01 et 1) : 1.00, chaque ligne ayant un bénéficiaire unique (le "
        "maître d'ouvrage). La part du coût éligible couverte est dans le jeu « projets "
        "programmés ».",
        type="number",
        required=True,
        minimum=Decimal("0.01"),
        maximum=Decimal(1),
    ),
    Column("dispositifAide", "Dispositif : le CPER et la mesure."),
]


def lignes_publiees() -> QuerySet[LigneProgrammee]:
    """Every programmed CPER line of the contract, with what the rows need, in a stable order."""
    partition = [F("projet_id"), F("signataire_id")]
    return (
        LigneProgrammee.objects.filter(noeud__contrat=contrat_courant())
        .select_related(
            "projet",
            "projet__maitre_ouvrage",
            "signataire",
            "signataire__organisation",
            "noeud",
            "noeud__axe",
        )
        .prefetch_related("projet__departements")
        .annotate(
            rang=Window(RowNumber(), partition_by=partition, order_by=F("ligne_plan_id").asc()),
            nombre=Window(Count("pk"), partition_by=partition),
        )
        .order_by("projet__reference", "signataire__ordre", "ligne_plan_id")
    )


def identifiant(ligne: LigneProgrammee) -> str:
    """`<référence>-<financeur>`, followed by the line's rank when one funder has several lines
    on the project (`rang` and `nombre` are annotations of `lignes_projets_programmes`)."""
    base = f"{ligne.projet.reference}-{ligne.signataire.code}"
    rang, nombre = getattr(ligne, "rang"), getattr(ligne, "nombre")  # noqa: B009
    return f"{base}-{rang}" if nombre > 1 else base


def _maitre_ouvrage(projet) -> tuple[str, str]:
    if projet.maitre_ouvrage_id:
        return projet.maitre_ouvrage.nom, projet.maitre_ouvrage.siret
    # Listed operations: the organisation as the signed contract names it (public text).
    return projet.maitre_ouvrage_texte, ""


def rangees_projets_programmes() -> Iterator[dict]:
    for ligne in lignes_publiees().iterator(chunk_size=TAILLE_LOT):
        projet = ligne.projet
        nom, siret = _maitre_ouvrage(projet)
        axe = ligne.noeud.axe or ligne.noeud
        yield {
            "identifiant": identifiant(ligne),
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


def _premier(modele, champ: str, ordre: str, filtre: str):
    return Subquery(
        modele.objects.filter(**{filtre: OuterRef("pk")}).order_by(ordre, "pk").values(champ)[:1]
    )


def lignes_scdl() -> QuerySet[LigneProgrammee]:
    nombre_paiements = (
        Paiement.objects.filter(engagement__ligne=OuterRef("pk"))
        .order_by()
        .values("engagement__ligne")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return lignes_publiees().annotate(
        date_premier_engagement=_premier(Engagement, "date_acte", "date_acte", "ligne"),
        reference_premier_engagement=_premier(Engagement, "reference", "date_acte", "ligne"),
        premier_paiement=_premier(Paiement, "date", "date", "engagement__ligne"),
        dernier_paiement=_premier(Paiement, "date", "-date", "engagement__ligne"),
        nombre_paiements=Coalesce(
            Subquery(nombre_paiements, output_field=IntegerField()), Value(0)
        ),
    )


def _periode(debut, fin) -> str:
    if debut is None:
        return ""
    if fin is None or fin == debut:
        return debut.isoformat()
    return f"{debut.isoformat()}/{fin.isoformat()}"


def _objet(titre: str) -> str:
    if len(titre) <= OBJET_LONGUEUR_MAXIMALE:
        return titre
    return titre[: OBJET_LONGUEUR_MAXIMALE - 1].rstrip() + "…"


# Why a programmed line is left out of the SCDL file: each reason names a value the national
# schema requires and the portal does not have yet.
SANS_MAITRE_OUVRAGE = "maître d'ouvrage non désigné (opération du contrat sans bénéficiaire)"
SANS_SIRET_ATTRIBUANT = "SIRET du signataire financeur non renseigné"
SANS_SIRET_BENEFICIAIRE = "SIRET du maître d'ouvrage non renseigné"


def raison_hors_scdl(ligne: LigneProgrammee) -> str | None:
    """Why the line cannot be published in the SCDL file, or None if it can."""
    nom, siret = _maitre_ouvrage(ligne.projet)
    if not nom.strip():
        return SANS_MAITRE_OUVRAGE
    if not ligne.signataire.organisation.siret:
        return SANS_SIRET_ATTRIBUANT
    if not siret:
        return SANS_SIRET_BENEFICIAIRE
    return None


@dataclass(frozen=True)
class LignesHorsScdl:
    """What the /donnees/ page says of the lines left out of the SCDL file."""

    publiees: int
    par_raison: dict[str, int]
    sans_maitre_ouvrage: list[str]  # references of the operations, for the page
    signataires_sans_siret: list[str]


def lignes_hors_scdl(limite: int = 50) -> LignesHorsScdl:
    """Counted in the database (a few queries whatever the number of lines), with the same
    reasons, in the same order, as `raison_hors_scdl`."""
    lignes = LigneProgrammee.objects.filter(noeud__contrat=contrat_courant())
    sans_nom = Q(projet__maitre_ouvrage__isnull=True) & Q(
        projet__maitre_ouvrage_texte__regex=r"^\s*$"
    )
    sans_attribuant = ~sans_nom & Q(signataire__organisation__siret="")
    sans_beneficiaire = (
        ~sans_nom
        & ~Q(signataire__organisation__siret="")
        & (Q(projet__maitre_ouvrage__isnull=True) | Q(projet__maitre_ouvrage__siret=""))
    )
    par_raison = {
        raison: lignes.filter(condition).count()
        for raison, condition in (
            (SANS_MAITRE_OUVRAGE, sans_nom),
            (SANS_SIRET_ATTRIBUANT, sans_attribuant),
            (SANS_SIRET_BENEFICIAIRE, sans_beneficiaire),
        )
    }
    par_raison = {raison: nombre for raison, nombre in par_raison.items() if nombre}
    references = (
        lignes.filter(sans_nom)
        .order_by("projet__reference")
        .values_list("projet__reference", flat=True)
        .distinct()[:limite]
    )
    signataires = (
        Signataire.objects.filter(contrat=contrat_courant(), organisation__siret="")
        .select_related("organisation")
        .order_by("ordre")
    )
    return LignesHorsScdl(
        publiees=lignes.count() - sum(par_raison.values()),
        par_raison=par_raison,
        sans_maitre_ouvrage=list(references),
        signataires_sans_siret=[s.nom for s in signataires],
    )


def rangees_scdl() -> Iterator[dict]:
    for ligne in lignes_scdl().iterator(chunk_size=TAILLE_LOT):
        # Annotations of `lignes_scdl`: the first commitment and the payments of the line.
        premier_engagement = getattr(ligne, "date_premier_engagement")  # noqa: B009
        reference_engagement = getattr(ligne, "reference_premier_engagement")  # noqa: B009
        premier_paiement = getattr(ligne, "premier_paiement")  # noqa: B009
        dernier_paiement = getattr(ligne, "dernier_paiement")  # noqa: B009
        nombre_paiements = getattr(ligne, "nombre_paiements")  # noqa: B009
        if raison_hors_scdl(ligne) is not None:
            continue  # counted with its reason on /donnees/
        projet = ligne.projet
        nom, siret = _maitre_ouvrage(projet)
        date_convention = premier_engagement or timezone.localdate(ligne.programme_le)
        if premier_paiement:
            periode = _periode(premier_paiement, dernier_paiement)
        elif projet.date_debut:
            periode = _periode(projet.date_debut, projet.date_fin)
        else:
            periode = date_convention.isoformat()
        yield {
            "nomAttribuant": ligne.signataire.nom,
            "idAttribuant": ligne.signataire.organisation.siret,
            "dateConvention": date_convention,
            "referenceDecision": reference_engagement or "",
            "nomBeneficiaire": nom,
            "idBeneficiaire": siret,
            "rnaBeneficiaire": "",
            "objet": _objet(projet.titre),
            "montant": ligne.montant_programme,
            "nature": "aide en numéraire",
            "conditionsVersement": "échelonné" if nombre_paiements > 1 else "unique",
            "datesPeriodeVersement": periode,
            "idRAE": "",
            "notificationUE": "non",
            # One beneficiary per row: it receives the whole of the line (schema 2.1.1).
            "pourcentageSubvention": Decimal("1.00"),
            "dispositifAide": f"{DISPOSITIF} – mesure {ligne.noeud.code}",
        }
