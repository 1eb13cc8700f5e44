"""Reading and checking a file of the existing programming, without writing anything.

Every row is checked (row, column, French message); the rows of one dossier are gathered, and
what the ledger would refuse (more committed than programmed, more paid than committed, an
envelope too small, credits too small) is said before anything is applied. The result is the
list of errors and the plan of what applying the file writes: dossiers to create, and the
commitments and payments the portal does not hold yet (keyed by dossier, funder and
reference: a second upload of the same file finds everything already there).
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from axes.models import Departement, Noeud, Signataire
from axes.selectors import contrat_courant
from comptes.models import valider_siret
from financement.models import (
    CreditsOuverts,
    Engagement,
    Enveloppe,
    LigneProgrammee,
    Paiement,
    TypeActe,
    TypePaiement,
)
from financement.regles import annees_budgetaires
from projets.models import LignePlanFinancement, NatureFinancement, Projet, SourceFinancement
from projets.models import Statut as StatutProjet
from reprise.gabarit import TITRES, RangeeLue
from reprise.models import DossierRepris
from socle.montants import format_euros

CENTIME = Decimal("0.01")
STATUTS_REPRIS = (StatutProjet.PROGRAMME, StatutProjet.EN_COURS, StatutProjet.SOLDE)
NATURES_COURTES: dict[str, str] = {
    NatureFinancement.CPER: "CPER",
    NatureFinancement.VALORISE: "Valorisé",
    NatureFinancement.HORS_CPER: "Hors CPER",
}
COMMUNE = re.compile(r"^(?:[0-9]{2}|2A|2B)[0-9]{3}$")


def norme(texte: str) -> str:
    """`« Hors CPER »`, `hors_cper` and `HORS-CPER` read alike (case, accents, separators)."""
    sans_accents = unicodedata.normalize("NFKD", texte)
    sans_accents = "".join(c for c in sans_accents if not unicodedata.combining(c))
    return "_".join(re.findall(r"[a-z0-9]+", sans_accents.lower()))


def _choix(paires: Iterable[tuple[str, str]], **alias: str) -> dict[str, str]:
    choix: dict[str, str] = {}
    for valeur, libelle in paires:
        choix[norme(valeur)] = valeur
        choix[norme(libelle)] = valeur
    choix.update({norme(k): v for k, v in alias.items()})
    return choix


STATUTS = {norme(StatutProjet(s).label): str(s) for s in STATUTS_REPRIS} | {
    norme(str(s)): str(s) for s in STATUTS_REPRIS
}
NATURES = _choix(NatureFinancement.choices, valorise="valorise", credits_valorises="valorise") | {
    norme(v): k for k, v in NATURES_COURTES.items()
}
ACTES = _choix(TypeActe.choices, arrete="arrete", deliberation="deliberation_cp")
PAIEMENTS = _choix(TypePaiement.choices)


@dataclass
class Erreur:
    ligne: int
    colonne: str
    message: str

    def en_dict(self) -> dict[str, object]:
        return {"ligne": self.ligne, "colonne": self.colonne, "message": self.message}


class Signalement(Exception):
    """One cell refused: its column key and the French message."""

    def __init__(self, cle: str, message: str) -> None:
        super().__init__(message)
        self.cle = cle
        self.message = message


@dataclass
class PaiementFichier:
    numero: int
    reference: str
    type: str
    date: date
    montant: Decimal
    existant: Paiement | None = None


@dataclass
class EngagementFichier:
    numero: int
    reference: str
    type_acte: str
    date_acte: date
    annee: int
    montant: Decimal
    paiements: dict[str, PaiementFichier] = field(default_factory=dict)
    existant: Engagement | None = None


@dataclass
class LigneFichier:
    numero: int
    financeur: str
    signataire: Signataire | None
    source: str
    nature: str
    montant: Decimal
    engagements: dict[str, EngagementFichier] = field(default_factory=dict)
    sans_engagement: int | None = None  # the row that names the line alone
    existante: LigneProgrammee | LignePlanFinancement | None = None

    @property
    def est_cper(self) -> bool:
        return self.nature == NatureFinancement.CPER


@dataclass
class DossierFichier:
    numero: int
    reference: str
    identifiant: str
    titre: str
    mesure: Noeud | None
    maitre_ouvrage: str
    siret: str
    departements: list[Departement]
    communes: list[str]
    statut: str
    empreinte: tuple[object, ...]
    existant: Projet | None
    lignes: dict[tuple[str, str], LigneFichier] = field(default_factory=dict)

    @property
    def libelle(self) -> str:
        return self.reference or self.identifiant


@dataclass
class Verification:
    """What the file holds, what is wrong with it, and what applying it would write."""

    nombre_lignes: int = 0
    erreurs: list[Erreur] = field(default_factory=list)
    dossiers: list[DossierFichier] = field(default_factory=list)

    def signaler(self, ligne: int, cle: str, message: str) -> None:
        self.erreurs.append(Erreur(ligne, TITRES[cle], message))

    def bilan(self) -> dict[str, object]:
        """Counts and the file's sums per signatory (CPER lines), as strings of euros."""
        nouveaux = [d for d in self.dossiers if d.existant is None]
        lignes = [ligne for d in self.dossiers for ligne in d.lignes.values()]
        engagements = [e for ligne in lignes for e in ligne.engagements.values()]
        paiements = [p for e in engagements for p in e.paiements.values()]
        totaux: dict[Signataire, dict[str, Decimal]] = {}
        for ligne in lignes:
            if not ligne.est_cper or ligne.signataire is None:
                continue
            total = totaux.setdefault(
                ligne.signataire,
                {"programme": Decimal("0.00"), "engage": Decimal("0.00"), "paye": Decimal("0.00")},
            )
            total["programme"] += ligne.montant
            for engagement in ligne.engagements.values():
                total["engage"] += engagement.montant
                total["paye"] += sum((p.montant for p in engagement.paiements.values()), Decimal(0))
        return {
            "dossiers": len(self.dossiers),
            "dossiers_a_creer": len(nouveaux),
            "dossiers_existants": len(self.dossiers) - len(nouveaux),
            "lignes": len(lignes),
            "engagements": len(engagements),
            "engagements_a_creer": sum(1 for e in engagements if e.existant is None),
            "paiements": len(paiements),
            "paiements_a_creer": sum(1 for p in paiements if p.existant is None),
            # A list, in the contract's order of the signatories (a JSON object keeps no order).
            "totaux": [
                {"signataire": signataire.nom}
                | {cle: str(montant) for cle, montant in valeurs.items()}
                for signataire, valeurs in sorted(totaux.items(), key=lambda t: t[0].ordre)
            ],
        }

    @property
    def a_ecrire(self) -> bool:
        bilan = self.bilan()
        return bool(
            bilan["dossiers_a_creer"] or bilan["engagements_a_creer"] or bilan["paiements_a_creer"]
        )


# --- Cells ---------------------------------------------------------------------------------
def _montant(rangee: RangeeLue, cle: str, *, obligatoire: bool) -> Decimal | None:
    brut = rangee.brut(cle)
    if brut is None or (isinstance(brut, str) and not brut.strip()):
        if obligatoire:
            raise Signalement(cle, "Indiquez le montant en euros.")
        return None
    if isinstance(brut, bool):
        raise Signalement(cle, f"Montant illisible : « {brut} ».")
    texte = repr(brut) if isinstance(brut, float) else str(brut)
    texte = texte.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    texte = texte.replace(",", ".")
    try:
        montant = Decimal(texte)
    except InvalidOperation:
        montant = None
    if montant is None or not montant.is_finite():
        raise Signalement(
            cle,
            f"Montant illisible : « {rangee.texte(cle)} » (un nombre en euros, deux décimales "
            "au plus).",
        )
    if montant != montant.quantize(CENTIME):
        raise Signalement(cle, f"Le montant {texte} a plus de deux décimales (au centime près).")
    if montant <= 0:
        raise Signalement(cle, "Le montant doit être supérieur à zéro.")
    return montant.quantize(CENTIME)


def _date(rangee: RangeeLue, cle: str) -> date:
    brut = rangee.brut(cle)
    if isinstance(brut, datetime):
        return brut.date()
    if isinstance(brut, date):
        return brut
    texte = rangee.texte(cle)
    if not texte:
        raise Signalement(cle, "Indiquez la date (jj/mm/aaaa).")
    for format_ in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(texte, format_).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise Signalement(cle, f"Date illisible : « {texte} » (jj/mm/aaaa, par exemple 15/03/2022).")


def _annee(rangee: RangeeLue, cle: str) -> int:
    texte = rangee.texte(cle)
    annees = annees_budgetaires()
    if not texte.isdigit() or int(texte) not in annees:
        raise Signalement(
            cle,
            f"Année budgétaire « {texte} » : indiquez une année entre {annees[0]} et {annees[-1]}.",
        )
    return int(texte)


def _choisir(rangee: RangeeLue, cle: str, choix: dict[str, str], attendu: str) -> str:
    texte = rangee.texte(cle)
    if not texte:
        raise Signalement(cle, f"Indiquez {attendu}.")
    valeur = choix.get(norme(texte))
    if valeur is None:
        raise Signalement(cle, f"« {texte} » n'est pas reconnu : indiquez {attendu}.")
    return valeur


@dataclass
class Referentiel:
    """What the rows are checked against, read once for the whole file."""

    mesures: dict[str, Noeud]
    signataires: dict[str, Signataire]
    sources: dict[str, str]
    departements: dict[str, Departement]
    projets: dict[str, Projet]
    repris: dict[str, Projet]

    @classmethod
    def charger(cls, rangees: list[RangeeLue]) -> "Referentiel":
        contrat = contrat_courant()
        signataires: dict[str, Signataire] = {}
        for signataire in Signataire.objects.filter(contrat=contrat).select_related("enveloppe"):
            signataires[norme(signataire.code)] = signataire
            signataires[norme(signataire.nom)] = signataire
        references = {r.texte("reference") for r in rangees} - {""}
        identifiants = {r.texte("identifiant") for r in rangees} - {""}
        return cls(
            mesures={n.code: n for n in Noeud.objects.filter(contrat=contrat)},
            signataires=signataires,
            sources=_choix(SourceFinancement.choices),
            departements={d.code_insee: d for d in Departement.objects.all()},
            projets={p.reference: p for p in Projet.objects.filter(reference__in=references)},
            repris={
                d.identifiant_origine: d.projet
                for d in DossierRepris.objects.filter(
                    identifiant_origine__in=identifiants
                ).select_related("projet")
            },
        )


# --- Rows ----------------------------------------------------------------------------------
@dataclass
class RangeeVerifiee:
    dossier: DossierFichier
    ligne: LigneFichier
    engagement: EngagementFichier | None
    paiement: PaiementFichier | None


def _existant_de(rangee: RangeeLue, ref: Referentiel) -> Projet | None:
    """The dossier already in the portal that the row names (by reference, or by the
    identifier an earlier import recorded), or None for a new one."""
    reference = rangee.texte("reference")
    if reference:
        existant = ref.projets.get(reference)
        if existant is None:
            raise Signalement(
                "reference",
                f"Aucun dossier du portail n'a la référence « {reference} » : laissez la "
                "colonne vide pour un dossier nouveau.",
            )
        return existant
    identifiant = rangee.texte("identifiant")
    if not identifiant:
        raise Signalement(
            "identifiant",
            "Indiquez l'identifiant d'origine du dossier (ou sa référence s'il est déjà au "
            "portail).",
        )
    return ref.repris.get(identifiant)


def _mesure_de(rangee: RangeeLue, ref: Referentiel, *, obligatoire: bool) -> Noeud | None:
    code = rangee.texte("mesure")
    mesure = ref.mesures.get(code)
    if not obligatoire or (mesure is not None and mesure.niveau > 1):
        return mesure
    if not code:
        raise Signalement("mesure", "Indiquez le code de la mesure du contrat.")
    if mesure is None:
        raise Signalement("mesure", f"Aucune mesure du contrat n'a le code « {code} ».")
    raise Signalement("mesure", "Choisissez une mesure sous l'axe (sous-axe, mesure…).")


def _siret_de(rangee: RangeeLue) -> str:
    siret = rangee.texte("siret").replace(" ", "")
    if siret:
        try:
            valider_siret(siret)
        except ValidationError as erreur:
            raise Signalement("siret", erreur.messages[0]) from erreur
    return siret


COLONNES_DU_DOSSIER = ("titre", "mesure", "maitre_ouvrage", "siret", "departements", "communes")


def _dossier_de(rangee: RangeeLue, ref: Referentiel) -> DossierFichier:
    existant = _existant_de(rangee, ref)
    nouveau = existant is None
    titre = rangee.texte("titre")
    if not titre and nouveau:
        raise Signalement("titre", "Indiquez le titre du dossier.")
    mesure = _mesure_de(rangee, ref, obligatoire=nouveau)
    maitre_ouvrage = rangee.texte("maitre_ouvrage")
    if not maitre_ouvrage and nouveau:
        raise Signalement("maitre_ouvrage", "Indiquez le maître d'ouvrage.")
    siret = _siret_de(rangee)
    departements = _departements(rangee, ref, obligatoire=nouveau)
    communes = _communes(rangee)
    statut = _choisir(rangee, "statut", STATUTS, "Programmé, En cours ou Soldé")
    return DossierFichier(
        numero=rangee.numero,
        reference=rangee.texte("reference"),
        identifiant=rangee.texte("identifiant"),
        titre=titre,
        mesure=mesure,
        maitre_ouvrage=maitre_ouvrage,
        siret=siret,
        departements=departements,
        communes=communes,
        statut=statut,
        empreinte=(*(rangee.texte(c) for c in COLONNES_DU_DOSSIER), statut),
        existant=existant,
    )


def _codes(texte: str) -> list[str]:
    return [c.strip().upper() for c in re.split(r"[;,\s]+", texte) if c.strip()]


def _departements(rangee: RangeeLue, ref: Referentiel, *, obligatoire: bool) -> list[Departement]:
    codes = [c.zfill(2) for c in _codes(rangee.texte("departements"))]
    if not codes and obligatoire:
        raise Signalement("departements", "Indiquez au moins un département (code INSEE).")
    inconnus = [c for c in codes if c not in ref.departements]
    if inconnus:
        raise Signalement(
            "departements",
            f"Département inconnu : « {inconnus[0]} » (codes attendus : "
            f"{', '.join(sorted(ref.departements))}).",
        )
    return [ref.departements[c] for c in dict.fromkeys(codes)]


def _communes(rangee: RangeeLue) -> list[str]:
    codes = [
        c.zfill(5) if c.isdigit() and len(c) == 4 else c for c in _codes(rangee.texte("communes"))
    ]
    invalides = [c for c in codes if not COMMUNE.match(c)]
    if invalides:
        raise Signalement(
            "communes",
            f"Code INSEE de commune invalide : « {invalides[0]} » (cinq caractères, par "
            "exemple 59350).",
        )
    if len(set(codes)) != len(codes):
        raise Signalement("communes", "Une même commune figure deux fois.")
    return codes


def _ligne_de(rangee: RangeeLue, ref: Referentiel) -> LigneFichier:
    nature = _choisir(rangee, "nature", NATURES, "CPER, Valorisé ou Hors CPER")
    texte = rangee.texte("financeur")
    if not texte:
        raise Signalement("financeur", "Indiquez le financeur (code du signataire ou source).")
    signataire = ref.signataires.get(norme(texte))
    source = "" if signataire is not None else ref.sources.get(norme(texte), "")
    if signataire is None and not source:
        raise Signalement(
            "financeur",
            f"Financeur inconnu : « {texte} » (un code de signataire comme region ou etat, ou "
            "une autre source comme fonds_propres).",
        )
    if nature == NatureFinancement.CPER and signataire is None:
        raise Signalement(
            "nature", "Seule une ligne d'un des neuf signataires peut être de nature CPER."
        )
    montant = _montant(rangee, "montant_programme", obligatoire=True)
    assert montant is not None  # noqa: S101 - obligatoire
    return LigneFichier(
        numero=rangee.numero,
        financeur=signataire.code if signataire is not None else source,
        signataire=signataire,
        source=source,
        nature=nature,
        montant=montant,
    )


ENGAGEMENT = ("engagement_reference", "engagement_acte", "engagement_date", "engagement_annee")
PAIEMENT = ("paiement_reference", "paiement_type", "paiement_date")


def _engagement_de(rangee: RangeeLue, ligne: LigneFichier) -> EngagementFichier | None:
    remplies = [c for c in (*ENGAGEMENT, "montant_engage") if rangee.texte(c)]
    if not remplies:
        return None
    if not ligne.est_cper:
        raise Signalement(
            remplies[0], "Seule une ligne de nature CPER reçoit des engagements et des paiements."
        )
    reference = rangee.texte("engagement_reference")
    if not reference:
        raise Signalement("engagement_reference", "Indiquez la référence de l'engagement.")
    type_acte = _choisir(
        rangee, "engagement_acte", ACTES, "Convention, Arrêté, Délibération ou Autre acte"
    )
    date_acte = _date(rangee, "engagement_date")
    annee = _annee(rangee, "engagement_annee")
    montant = _montant(rangee, "montant_engage", obligatoire=True)
    assert montant is not None  # noqa: S101 - obligatoire
    return EngagementFichier(rangee.numero, reference, type_acte, date_acte, annee, montant)


def _paiement_de(rangee: RangeeLue, engagement: EngagementFichier | None) -> PaiementFichier | None:
    remplies = [c for c in (*PAIEMENT, "montant_paye") if rangee.texte(c)]
    if not remplies:
        return None
    if engagement is None:
        raise Signalement(
            remplies[0], "Un paiement se rattache à un engagement : indiquez l'engagement payé."
        )
    reference = rangee.texte("paiement_reference")
    if not reference:
        raise Signalement("paiement_reference", "Indiquez la référence du paiement (mandat).")
    type_ = _choisir(rangee, "paiement_type", PAIEMENTS, "Avance, Acompte ou Solde")
    date_paiement = _date(rangee, "paiement_date")
    montant = _montant(rangee, "montant_paye", obligatoire=True)
    assert montant is not None  # noqa: S101 - obligatoire
    return PaiementFichier(rangee.numero, reference, type_, date_paiement, montant)


def verifier_rangee(rangee: RangeeLue, ref: Referentiel) -> RangeeVerifiee:
    """One row read into its dossier, line, commitment and payment; a `Signalement` for the
    first cell refused."""
    dossier = _dossier_de(rangee, ref)
    ligne = _ligne_de(rangee, ref)
    engagement = _engagement_de(rangee, ligne)
    paiement = _paiement_de(rangee, engagement)
    return RangeeVerifiee(dossier, ligne, engagement, paiement)


# --- Gathering the rows of a dossier ---------------------------------------------------------
def _differe(ligne: int, libelle: str, cle: str, autre: int) -> Signalement:
    return Signalement(
        cle,
        f"« {TITRES[cle]} » diffère de la ligne {autre}, qui décrit {libelle} : les lignes d'un "
        "même dossier, d'une même ligne de financement ou d'un même engagement répètent les "
        "mêmes valeurs.",
    )


class Rassemblement:
    """The rows gathered by dossier, financing line, commitment and payment."""

    def __init__(self) -> None:
        self.dossiers: dict[str, DossierFichier] = {}

    def ajouter(self, rangee: RangeeVerifiee, numero: int) -> None:
        dossier = self._dossier(rangee.dossier)
        ligne = self._ligne(dossier, rangee.ligne)
        if rangee.engagement is None:
            if ligne.sans_engagement is not None or ligne.engagements:
                autre = ligne.sans_engagement or ligne.numero
                raise Signalement(
                    "financeur",
                    f"Cette ligne de financement figure déjà ligne {autre} : une ligne sans "
                    "engagement n'apparaît qu'une fois.",
                )
            ligne.sans_engagement = numero
            return
        if ligne.sans_engagement is not None:
            raise Signalement(
                "engagement_reference",
                f"La ligne {ligne.sans_engagement} décrit la même ligne de financement sans "
                "engagement : retirez-la, ou donnez-lui l'engagement.",
            )
        engagement = self._engagement(ligne, rangee.engagement)
        paiement = rangee.paiement
        if paiement is None:
            return
        double = engagement.paiements.get(paiement.reference)
        if double is not None:
            raise Signalement(
                "paiement_reference",
                f"Le paiement « {paiement.reference} » de cet engagement figure déjà ligne "
                f"{double.numero}.",
            )
        engagement.paiements[paiement.reference] = paiement

    def _dossier(self, dossier: DossierFichier) -> DossierFichier:
        cle = f"ref:{dossier.reference}" if dossier.reference else f"id:{dossier.identifiant}"
        connu = self.dossiers.get(cle)
        if connu is None:
            self.dossiers[cle] = dossier
            return dossier
        if connu.existant is None:
            for rang, nom in enumerate((*COLONNES_DU_DOSSIER, "statut")):
                if connu.empreinte[rang] != dossier.empreinte[rang]:
                    raise _differe(dossier.numero, "le même dossier", nom, connu.numero)
        elif connu.statut != dossier.statut:
            raise _differe(dossier.numero, "le même dossier", "statut", connu.numero)
        return connu

    def _ligne(self, dossier: DossierFichier, ligne: LigneFichier) -> LigneFichier:
        cle = (ligne.financeur, ligne.nature)
        connue = dossier.lignes.get(cle)
        if connue is None:
            dossier.lignes[cle] = ligne
            return ligne
        if connue.montant != ligne.montant:
            raise _differe(
                ligne.numero, "la même ligne de financement", "montant_programme", connue.numero
            )
        return connue

    def _engagement(self, ligne: LigneFichier, engagement: EngagementFichier) -> EngagementFichier:
        connu = ligne.engagements.get(engagement.reference)
        if connu is None:
            ligne.engagements[engagement.reference] = engagement
            return engagement
        for cle, attribut in (
            ("engagement_acte", "type_acte"),
            ("engagement_date", "date_acte"),
            ("engagement_annee", "annee"),
            ("montant_engage", "montant"),
        ):
            if getattr(connu, attribut) != getattr(engagement, attribut):
                raise _differe(engagement.numero, "le même engagement", cle, connu.numero)
        return connu


# --- What the ledger would refuse ------------------------------------------------------------
def _rapprocher_existants(dossiers: list[DossierFichier], verification: Verification) -> None:
    """Match the lines, commitments and payments of dossiers already in the portal."""
    existants = [d for d in dossiers if d.existant is not None]
    if not existants:
        return
    ids = [d.existant.pk for d in existants if d.existant is not None]
    plan: dict[int, dict[tuple[str, str], Any]] = {}
    for ligne_plan in LignePlanFinancement.objects.filter(projet_id__in=ids).select_related(
        "signataire", "programmation"
    ):
        financeur = ligne_plan.signataire.code if ligne_plan.signataire else ligne_plan.source
        programmee = getattr(ligne_plan, "programmation", None)
        plan.setdefault(ligne_plan.projet_id, {})[(financeur, ligne_plan.nature)] = (
            programmee if programmee is not None else ligne_plan
        )
    engagements: dict[tuple[int, str], Engagement] = {
        (e.ligne_id, e.reference): e for e in Engagement.objects.filter(ligne__projet_id__in=ids)
    }
    paiements: dict[tuple[int, str], Paiement] = {
        (p.engagement_id, p.reference): p
        for p in Paiement.objects.filter(engagement__ligne__projet_id__in=ids)
    }
    for dossier in existants:
        projet = dossier.existant
        assert projet is not None  # noqa: S101
        if projet.statut != dossier.statut:
            verification.signaler(
                dossier.numero,
                "statut",
                f"Le dossier {projet.reference} est « {projet.get_statut_display()} » au "
                "portail : la reprise ne change pas l'état d'un dossier existant (faites-le "
                "depuis sa page).",
            )
            continue
        for ligne in dossier.lignes.values():
            _rapprocher_ligne(
                projet, ligne, plan.get(projet.pk, {}), engagements, paiements, verification
            )


def _rapprocher_ligne(
    projet: Projet,
    ligne: LigneFichier,
    plan: dict[tuple[str, str], Any],
    engagements: dict[tuple[int, str], Engagement],
    paiements: dict[tuple[int, str], Paiement],
    verification: Verification,
) -> None:
    existante = plan.get((ligne.financeur, ligne.nature))
    if existante is None:
        verification.signaler(
            ligne.numero,
            "financeur",
            f"Le dossier {projet.reference} n'a pas, au portail, de ligne « {ligne.financeur} » "
            f"de nature {NATURES_COURTES[ligne.nature]} : la reprise n'ajoute pas de ligne à un "
            "plan existant (modifiez le dossier depuis sa page).",
        )
        return
    montant = (
        existante.montant_programme if isinstance(existante, LigneProgrammee) else existante.montant
    )
    if montant != ligne.montant:
        verification.signaler(
            ligne.numero,
            "montant_programme",
            f"Le portail a {format_euros(montant)} sur cette ligne du dossier {projet.reference} "
            ": la reprise ne modifie pas une programmation existante.",
        )
        return
    ligne.existante = existante
    if not isinstance(existante, LigneProgrammee):
        return
    for engagement in ligne.engagements.values():
        engagement.existant = engagements.get((existante.pk, engagement.reference))
        if engagement.existant is not None and engagement.existant.montant != engagement.montant:
            verification.signaler(
                engagement.numero,
                "montant_engage",
                f"L'engagement « {engagement.reference} » est au portail pour "
                f"{format_euros(engagement.existant.montant)} : la reprise ne le modifie pas.",
            )
            continue
        for paiement in engagement.paiements.values():
            if engagement.existant is None:
                continue
            paiement.existant = paiements.get((engagement.existant.pk, paiement.reference))
            if paiement.existant is not None and paiement.existant.montant != paiement.montant:
                verification.signaler(
                    paiement.numero,
                    "montant_paye",
                    f"Le paiement « {paiement.reference} » est au portail pour "
                    f"{format_euros(paiement.existant.montant)} : la reprise ne le modifie pas.",
                )


def _somme(valeurs: Iterable[Decimal]) -> Decimal:
    return sum(valeurs, Decimal("0.00"))


def _verifier_montants(dossier: DossierFichier, verification: Verification) -> None:
    """Committed within programmed, paid within committed; a closed dossier paid in full."""
    for ligne in dossier.lignes.values():
        deja_engage = (
            ligne.existante.montant_engage
            if isinstance(ligne.existante, LigneProgrammee)
            else Decimal(0)
        )
        nouveaux = [e for e in ligne.engagements.values() if e.existant is None]
        engage = deja_engage + _somme(e.montant for e in nouveaux)
        if engage > ligne.montant:
            dernier = max(nouveaux, key=lambda e: e.numero)
            verification.signaler(
                dernier.numero,
                "montant_engage",
                f"Les engagements de la ligne « {ligne.financeur} » totalisent "
                f"{format_euros(engage)}, plus que son montant programmé de "
                f"{format_euros(ligne.montant)}.",
            )
        paye_total = Decimal("0.00")
        for engagement in ligne.engagements.values():
            deja = engagement.existant.montant_paye if engagement.existant else Decimal(0)
            nouveaux_p = [p for p in engagement.paiements.values() if p.existant is None]
            paye = deja + _somme(p.montant for p in nouveaux_p)
            paye_total += _somme(p.montant for p in engagement.paiements.values())
            if paye > engagement.montant:
                dernier_p = max(nouveaux_p, key=lambda p: p.numero)
                verification.signaler(
                    dernier_p.numero,
                    "montant_paye",
                    f"Les paiements de l'engagement « {engagement.reference} » totalisent "
                    f"{format_euros(paye)}, plus que son montant engagé de "
                    f"{format_euros(engagement.montant)}.",
                )
        if dossier.existant is None and dossier.statut == StatutProjet.SOLDE and ligne.est_cper:
            engage_fichier = _somme(e.montant for e in ligne.engagements.values())
            if not (ligne.montant == engage_fichier == paye_total):
                verification.signaler(
                    ligne.numero,
                    "statut",
                    f"Un dossier soldé a tout engagé et tout payé : la ligne « {ligne.financeur} » "
                    f"a {format_euros(ligne.montant)} programmés, {format_euros(engage_fichier)} "
                    f"engagés et {format_euros(paye_total)} payés.",
                )
        if (
            dossier.existant is not None
            and dossier.statut == StatutProjet.SOLDE
            and (
                nouveaux
                or any(
                    p.existant is None
                    for e in ligne.engagements.values()
                    for p in e.paiements.values()
                )
            )
        ):
            verification.signaler(
                ligne.numero,
                "statut",
                f"Le dossier {dossier.reference} est soldé : il ne reçoit plus d'engagement ni "
                "de paiement.",
            )


def _verifier_enveloppes(dossiers: list[DossierFichier], verification: Verification) -> None:
    """New dossiers, in the order of the file, against each signatory's envelope."""
    pris: dict[int, Decimal] = {}
    enveloppes = {e.signataire_id: e for e in Enveloppe.objects.select_related("signataire")}
    for dossier in dossiers:
        if dossier.existant is not None:
            continue
        for ligne in dossier.lignes.values():
            if not ligne.est_cper or ligne.signataire is None:
                continue
            enveloppe = enveloppes[ligne.signataire.pk]
            deja = pris.get(enveloppe.signataire_id, Decimal(0))
            reste = enveloppe.montant - enveloppe.montant_programme - deja
            if ligne.montant > reste:
                verification.signaler(
                    ligne.numero,
                    "montant_programme",
                    f"L'enveloppe {enveloppe.signataire.de_nom} ne peut pas prendre "
                    f"{format_euros(ligne.montant)} : il reste "
                    f"{format_euros(max(reste, Decimal(0)))} "
                    f"disponibles sur {format_euros(enveloppe.montant)}, les lignes précédentes "
                    "du fichier comprises.",
                )
                continue
            pris[enveloppe.signataire_id] = deja + ligne.montant


def _verifier_credits(dossiers: list[DossierFichier], verification: Verification) -> None:
    """New commitments against the credits a signatory opened for their budget year."""
    credits = {
        (c.signataire_id, c.annee): c for c in CreditsOuverts.objects.select_related("signataire")
    }
    if not credits:
        return
    pris: dict[tuple[int, int], Decimal] = {}
    for dossier in dossiers:
        for ligne in dossier.lignes.values():
            if ligne.signataire is None:
                continue
            for engagement in ligne.engagements.values():
                cle = (ligne.signataire.pk, engagement.annee)
                ouverts = credits.get(cle)
                if engagement.existant is not None or ouverts is None:
                    continue
                deja = pris.get(cle, Decimal(0))
                reste = ouverts.montant - ouverts.montant_engage - deja
                if engagement.montant > reste:
                    verification.signaler(
                        engagement.numero,
                        "montant_engage",
                        f"Le montant dépasse les crédits ouverts par {ligne.signataire} pour "
                        f"{engagement.annee} : {format_euros(max(reste, Decimal(0)))} disponibles "
                        f"sur {format_euros(ouverts.montant)}, les lignes précédentes du fichier "
                        "comprises.",
                    )
                    continue
                pris[cle] = deja + engagement.montant


def verifier(
    rangees: list[RangeeLue], *, progression: Callable[[int], None] | None = None
) -> Verification:
    """Check every row, then what the ledger would refuse; nothing is written."""
    verification = Verification(nombre_lignes=len(rangees))
    ref = Referentiel.charger(rangees)
    rassemblement = Rassemblement()
    for rang, rangee in enumerate(rangees, start=1):
        try:
            rassemblement.ajouter(verifier_rangee(rangee, ref), rangee.numero)
        except Signalement as signalement:
            verification.signaler(rangee.numero, signalement.cle, signalement.message)
        if progression is not None and rang % 200 == 0:
            progression(10 + 70 * rang // max(len(rangees), 1))
    verification.dossiers = list(rassemblement.dossiers.values())
    _rapprocher_existants(verification.dossiers, verification)
    for dossier in verification.dossiers:
        _verifier_montants(dossier, verification)
    _verifier_enveloppes(verification.dossiers, verification)
    _verifier_credits(verification.dossiers, verification)
    if not rangees:
        verification.erreurs.append(
            Erreur(2, "", "Le fichier ne contient aucune ligne : remplissez le modèle.")
        )
    ordre = {titre: rang for rang, titre in enumerate(TITRES.values())}
    verification.erreurs.sort(key=lambda e: (e.ligne, ordre.get(e.colonne, -1)))
    return verification
