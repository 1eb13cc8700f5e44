"""Open data of the ledger: the programmed CPER lines, for everyone, without personal data.

Two datasets, both one row per programmed CPER line (`LigneProgrammee`):

- « projets programmés »: the project, its measure, territory, maître d'ouvrage (an
  organisation, never a person) and the funder's programmed, committed and paid amounts;
- « subventions » in the national format SCDL (décret n° 2017-779, arrêté du 17 novembre
  2017; schema `scdl/subventions` 2.1.1, its constraints in
  `fixtures/schemas/scdl-subventions.json`). A line the national schema cannot accept (no
  beneficiary, no SIRET of the funder or of the beneficiary) is left out, and counted with its
  reason on /donnees/ (`lignes_hors_scdl`).

Rows are built from a projection of the columns they show (`values()`, no model instance) read
by chunks (`iterator(chunk_size=…)`), and one query of the départements per chunk: no query
per row, flat memory.
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
from projets.models import Projet
from socle.exports import Column, par_lots

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
    """Every programmed CPER line of the contract, ranked within its funder's lines on the
    project, in a stable order (the rows read their columns with `CHAMPS_LIGNE`)."""
    partition = [F("projet_id"), F("signataire_id")]
    return (
        LigneProgrammee.objects.filter(noeud__contrat=contrat_courant())
        .annotate(
            rang=Window(RowNumber(), partition_by=partition, order_by=F("ligne_plan_id").asc()),
            nombre=Window(Count("pk"), partition_by=partition),
        )
        .order_by("projet__reference", "signataire__ordre", "ligne_plan_id")
    )


# What the rows read of each line: a projection, no model instance.
CHAMPS_LIGNE = (
    *("projet_id", "projet__reference", "projet__titre", "projet__statut"),
    *("projet__date_debut", "projet__date_fin", "projet__maitre_ouvrage_id"),
    *("projet__maitre_ouvrage__nom", "projet__maitre_ouvrage__siret"),
    *("projet__maitre_ouvrage_texte", "signataire__code", "signataire__nom"),
    *("signataire__organisation__siret", "noeud__code", "noeud__titre"),
    *("noeud__axe__code", "noeud__axe__titre", "montant_programme", "montant_engage"),
    *("montant_paye", "montant_degage", "programme_le", "rang", "nombre"),
)


def identifiant(ligne: dict) -> str:
    """`<référence>-<financeur>`, followed by the line's rank when one funder has several lines
    on the project (`rang` and `nombre` are annotations of `lignes_publiees`)."""
    base = f"{ligne['projet__reference']}-{ligne['signataire__code']}"
    return f"{base}-{ligne['rang']}" if ligne["nombre"] > 1 else base


def _maitre_ouvrage(ligne: dict) -> tuple[str, str]:
    if ligne["projet__maitre_ouvrage_id"]:
        return ligne["projet__maitre_ouvrage__nom"], ligne["projet__maitre_ouvrage__siret"]
    # Listed operations: the organisation as the signed contract names it (public text).
    return ligne["projet__maitre_ouvrage_texte"], ""


def _lignes_par_lots(lignes: QuerySet[LigneProgrammee], *champs: str) -> Iterator[dict]:
    """The lines as dicts, read by chunks; each with the départements of its project, read in
    one query per chunk (flat memory, no query per row)."""
    projection = lignes.values(*CHAMPS_LIGNE, *champs)
    for lot in par_lots(projection.iterator(chunk_size=TAILLE_LOT), TAILLE_LOT):
        departements: dict[int, list[str]] = {}
        for projet_id, code in (
            Projet.departements.through.objects.filter(
                projet_id__in={ligne["projet_id"] for ligne in lot}
            )
            .order_by("departement__code_insee")
            .values_list("projet_id", "departement__code_insee")
        ):
            departements.setdefault(projet_id, []).append(code)
        for ligne in lot:
            ligne["departements"] = departements.get(ligne["projet_id"], [])
            yield ligne


def rangees_projets_programmes() -> Iterator[dict]:
    for ligne in _lignes_par_lots(lignes_publiees()):
        nom, siret = _maitre_ouvrage(ligne)
        axe = "noeud__axe" if ligne["noeud__axe__code"] is not None else "noeud"
        yield {
            "identifiant": identifiant(ligne),
            "reference_projet": ligne["projet__reference"],
            "titre_projet": ligne["projet__titre"],
            "code_mesure": ligne["noeud__code"],
            "titre_mesure": ligne["noeud__titre"],
            "code_axe": ligne[f"{axe}__code"],
            "titre_axe": ligne[f"{axe}__titre"],
            "maitre_ouvrage": nom,
            "siret_maitre_ouvrage": siret,
            "departements": ligne["departements"],
            "statut": ligne["projet__statut"],
            "code_financeur": ligne["signataire__code"],
            "financeur": ligne["signataire__nom"],
            "montant_programme": ligne["montant_programme"],
            "montant_engage": ligne["montant_engage"],
            "montant_paye": ligne["montant_paye"],
            "montant_degage": ligne["montant_degage"],
            "date_programmation": timezone.localdate(ligne["programme_le"]),
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


def raison_hors_scdl(ligne: dict) -> str | None:
    """Why the line cannot be published in the SCDL file, or None if it can."""
    nom, siret = _maitre_ouvrage(ligne)
    if not nom.strip():
        return SANS_MAITRE_OUVRAGE
    if not ligne["signataire__organisation__siret"]:
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
    # Annotations of `lignes_scdl`: the first commitment and the payments of the line.
    annotations = (
        *("date_premier_engagement", "reference_premier_engagement", "premier_paiement"),
        *("dernier_paiement", "nombre_paiements"),
    )
    for ligne in _lignes_par_lots(lignes_scdl(), *annotations):
        if raison_hors_scdl(ligne) is not None:
            continue  # counted with its reason on /donnees/
        nom, siret = _maitre_ouvrage(ligne)
        premier_paiement = ligne["premier_paiement"]
        date_convention = ligne["date_premier_engagement"] or timezone.localdate(
            ligne["programme_le"]
        )
        if premier_paiement:
            periode = _periode(premier_paiement, ligne["dernier_paiement"])
        elif ligne["projet__date_debut"]:
            periode = _periode(ligne["projet__date_debut"], ligne["projet__date_fin"])
        else:
            periode = date_convention.isoformat()
        yield {
            "nomAttribuant": ligne["signataire__nom"],
            "idAttribuant": ligne["signataire__organisation__siret"],
            "dateConvention": date_convention,
            "referenceDecision": ligne["reference_premier_engagement"] or "",
            "nomBeneficiaire": nom,
            "idBeneficiaire": siret,
            "rnaBeneficiaire": "",
            "objet": _objet(ligne["projet__titre"]),
            "montant": ligne["montant_programme"],
            "nature": "aide en numéraire",
            "conditionsVersement": "échelonné" if ligne["nombre_paiements"] > 1 else "unique",
            "datesPeriodeVersement": periode,
            "idRAE": "",
            "notificationUE": "non",
            # One beneficiary per row: it receives the whole of the line (schema 2.1.1).
            "pourcentageSubvention": Decimal("1.00"),
            "dispositifAide": f"{DISPOSITIF} – mesure {ligne['noeud__code']}",
        }
