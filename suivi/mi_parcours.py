"""The mid-term review pack (Article 4: « une procédure de bilan à mi-parcours permettra
d'actualiser et d'adapter en tant que de besoin le contenu du contrat »): reads only.

Per signatory and per measure, programmé / engagé / payé against the envelope and the maquette
lines, the rates; the dormant lines; the indicators against their targets; each signatory's
forecast against its credits; and proposals (amounts to release from the envelopes) that the
secretariat can turn into a draft avenant (`financement.services.avenant_creer`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from axes.models import Signataire
from axes.selectors import contrat_courant
from comptes.models import Role, Utilisateur
from financement.models import LigneProgrammee, MaquetteLigne
from financement.selectors import Execution, execution_par_signataire
from socle.exports import Column
from socle.montants import taux
from suivi.selectors import (
    BilanIndicateur,
    LigneEnRetard,
    PrevisionAnnee,
    bilan_indicateurs,
    delai_sans_engagement_mois,
    lignes_dormantes,
    motif_dormance,
    previsions_des_signataires,
)

ZERO = Decimal("0.00")
DORMANTS_AFFICHES = 200
CHAMPS_DORMANTS = (
    "pk",
    "programme_le",
    "montant_programme",
    "projet__reference",
    "signataire__code",
    "signataire__nom",
    "noeud__code",
)


def peut_voir_revue(utilisateur: Utilisateur) -> bool:
    """The review is the partners': the secretariat and the signatories' agents."""
    return utilisateur.is_authenticated and (
        utilisateur.est_administrateur or utilisateur.role == Role.AGENT
    )


@dataclass(frozen=True)
class LigneMesure:
    """One measure × signatory: the maquette line (if any) and the ledger's totals."""

    mesure: str
    titre: str
    signataire: str
    maquette: Decimal | None
    programme: Decimal
    engage: Decimal
    paye: Decimal

    @property
    def taux_engagement(self) -> Decimal:
        return taux(self.engage, self.programme)

    @property
    def taux_paiement(self) -> Decimal:
        return taux(self.paye, self.programme)

    @property
    def taux_maquette(self) -> Decimal | None:
        return None if not self.maquette else taux(self.programme, self.maquette)


@dataclass(frozen=True)
class Proposition:
    """A signatory's envelope and what the review proposes to release from it: the part not
    programmed at the review's date (an envelope cannot go below what is programmed). The
    partners decide; the secretariat may change the amount before drafting the avenant."""

    signataire: Signataire
    enveloppe: Decimal
    programme: Decimal
    dormant: Decimal  # programmed on dormant lines: to be de-programmed before any release

    @property
    def a_degager(self) -> Decimal:
        return max(self.enveloppe - self.programme, ZERO)

    @property
    def nouvelle_enveloppe(self) -> Decimal:
        return self.enveloppe - self.a_degager


@dataclass(frozen=True)
class RevueMiParcours:
    le: date
    delai_dormance: int
    signataires: list[Execution]
    total: Execution
    mesures: list[LigneMesure]
    dormants: list[LigneEnRetard]
    nombre_dormants: int
    montant_dormant: Decimal
    indicateurs: list[BilanIndicateur]
    previsions: list[tuple[Signataire, list[PrevisionAnnee]]]
    propositions: list[Proposition]

    @property
    def par_mesure(self) -> list[LigneMesure]:
        """The measure × signatory rows summed per measure (all signatories), in order."""
        sommes: dict[str, LigneMesure] = {}
        for m in self.mesures:
            avant = sommes.get(m.mesure)
            if avant is None:
                sommes[m.mesure] = LigneMesure(
                    m.mesure, m.titre, "", m.maquette, m.programme, m.engage, m.paye
                )
                continue
            maquette = (
                avant.maquette if m.maquette is None else (avant.maquette or ZERO) + m.maquette
            )
            sommes[m.mesure] = LigneMesure(
                m.mesure,
                m.titre,
                "",
                maquette,
                avant.programme + m.programme,
                avant.engage + m.engage,
                avant.paye + m.paye,
            )
        return list(sommes.values())


def lignes_par_mesure() -> list[LigneMesure]:
    """Programmé / engagé / payé per measure and signatory (one aggregate query), with the
    maquette line of the same measure and signatory when the maquette has one."""
    contrat = contrat_courant()
    maquette = {
        (m["noeud__code"], m["signataire__code"]): m["montant"]
        for m in MaquetteLigne.objects.filter(signataire__contrat=contrat).values(
            "noeud__code", "signataire__code", "montant"
        )
    }
    sommes = (
        LigneProgrammee.objects.filter(signataire__contrat=contrat)
        .order_by()
        .values(
            "noeud__code",
            "noeud__titre",
            "noeud__position",
            "signataire__code",
            "signataire__ordre",
        )
        .annotate(
            programme=Sum("montant_programme"),
            engage=Sum("montant_engage"),
            paye=Sum("montant_paye"),
        )
        .order_by("noeud__position", "signataire__ordre")
    )
    return [
        LigneMesure(
            mesure=s["noeud__code"],
            titre=s["noeud__titre"],
            signataire=s["signataire__code"],
            maquette=maquette.get((s["noeud__code"], s["signataire__code"])),
            programme=s["programme"],
            engage=s["engage"],
            paye=s["paye"],
        )
        for s in sommes
    ]


def revue_mi_parcours(*, le: date | None = None) -> RevueMiParcours:
    """The review pack at `le` (today by default): the ledger's running totals, the late
    lines as of that day, the indicators, forecasts and proposals. A few queries per
    signatory, none per dossier."""
    le = le or timezone.localdate()
    contrat = contrat_courant()
    signataires_exec, total = execution_par_signataire(contrat=contrat)
    signataires = list(
        Signataire.objects.filter(contrat=contrat).select_related("enveloppe").order_by("ordre")
    )
    dormantes = lignes_dormantes(contrat=contrat, le=le)
    sommes = {
        a["signataire_id"]: a
        for a in dormantes.order_by()
        .values("signataire_id")
        .annotate(n=Count("pk"), total=Sum("montant_programme"))
    }
    dormant_par_signataire = {
        s.pk: sommes[s.pk]["total"] if s.pk in sommes else ZERO for s in signataires
    }
    # The oldest dormant lines of all signatories, at most `DORMANTS_AFFICHES`, with only what
    # the page, the workbook and the PDF show of them (a dossier's long texts weigh).
    plus_anciennes = (
        dormantes.select_related("projet", "signataire", "noeud")
        .only(*CHAMPS_DORMANTS)
        .order_by("programme_le", "pk")[:DORMANTS_AFFICHES]
    )
    dormants = [LigneEnRetard(ligne, motif_dormance(ligne), True) for ligne in plus_anciennes]
    previsions = previsions_des_signataires(signataires)
    propositions = [
        Proposition(
            signataire=s,
            enveloppe=s.enveloppe.montant,
            programme=s.enveloppe.montant_programme,
            dormant=dormant_par_signataire[s.pk],
        )
        for s in signataires
        if hasattr(s, "enveloppe")
    ]
    return RevueMiParcours(
        le=le,
        delai_dormance=delai_sans_engagement_mois(),
        signataires=signataires_exec,
        total=total,
        mesures=lignes_par_mesure(),
        dormants=dormants,
        nombre_dormants=sum(a["n"] for a in sommes.values()),
        montant_dormant=sum(dormant_par_signataire.values(), ZERO),
        indicateurs=bilan_indicateurs(),
        previsions=[(s, previsions[s.pk]) for s in signataires],
        propositions=propositions,
    )


# --- The pack as a workbook -----------------------------------------------------------------
def _c(cle: str, description: str, type_: str = "number") -> Column:
    return Column(cle, description, type=type_)


FEUILLES_COLONNES = {
    "signataires": [
        _c("signataire", "Signataire.", "string"),
        _c("enveloppe", "Enveloppe en vigueur, en euros."),
        _c("programme", "Programmé, en euros."),
        _c("engage", "Engagé, en euros."),
        _c("paye", "Payé, en euros."),
        _c("taux_programmation", "Programmé / enveloppe, en %."),
        _c("taux_engagement", "Engagé / enveloppe, en %."),
        _c("taux_paiement", "Payé / enveloppe, en %."),
    ],
    "mesures": [
        _c("mesure", "Code de la mesure.", "string"),
        _c("signataire", "Code du signataire.", "string"),
        _c("maquette", "Ligne de la maquette financière, en euros."),
        _c("programme", "Programmé, en euros."),
        _c("engage", "Engagé, en euros."),
        _c("paye", "Payé, en euros."),
        _c("taux_engagement", "Engagé / programmé, en %."),
        _c("taux_paiement", "Payé / programmé, en %."),
    ],
    "dormants": [
        _c("projet", "Référence du dossier.", "string"),
        _c("signataire", "Code du signataire.", "string"),
        _c("mesure", "Code de la mesure.", "string"),
        _c("programme", "Programmé, rien d'engagé, en euros."),
        _c("motif", "Pourquoi la ligne est en retard.", "string"),
    ],
    "indicateurs": [
        _c("mesure", "Code de la mesure.", "string"),
        _c("indicateur", "Nom de l'indicateur.", "string"),
        _c("unite", "Unité.", "string"),
        _c("cible_2027", "Cible 2027 (fixée par les partenaires)."),
        _c("attendu", "Attendu des dossiers programmés."),
        _c("realise", "Réalisé."),
    ],
    "previsions": [
        _c("signataire", "Code du signataire.", "string"),
        _c("annee", "Année budgétaire.", "integer"),
        _c("besoin_ae", "À engager (AE), en euros."),
        _c("besoin_cp", "À payer (CP), en euros."),
        _c("credits_ouverts", "Crédits ouverts, en euros."),
        _c("ecart", "Crédits ouverts moins AE, en euros."),
    ],
    "propositions": [
        _c("signataire", "Code du signataire.", "string"),
        _c("enveloppe", "Enveloppe en vigueur, en euros."),
        _c("programme", "Programmé, en euros."),
        _c("dormant", "Programmé sur des lignes dormantes, en euros."),
        _c("a_degager", "Proposé à dégager (non programmé), en euros."),
        _c("nouvelle_enveloppe", "Enveloppe après dégagement, en euros."),
    ],
}


def feuilles(revue: RevueMiParcours) -> list[tuple[str, list[Column], list[dict[str, Any]]]]:
    """The pack's sheets: the same figures as the page."""
    c = FEUILLES_COLONNES
    return [
        (
            "Signataires",
            c["signataires"],
            [
                {
                    "signataire": e.libelle,
                    "enveloppe": e.enveloppe,
                    "programme": e.programme,
                    "engage": e.engage,
                    "paye": e.paye,
                    "taux_programmation": e.taux_programmation,
                    "taux_engagement": e.taux_engagement,
                    "taux_paiement": e.taux_paiement,
                }
                for e in [*revue.signataires, revue.total]
            ],
        ),
        (
            "Mesures",
            c["mesures"],
            [
                {
                    "mesure": m.mesure,
                    "signataire": m.signataire,
                    "maquette": m.maquette,
                    "programme": m.programme,
                    "engage": m.engage,
                    "paye": m.paye,
                    "taux_engagement": m.taux_engagement,
                    "taux_paiement": m.taux_paiement,
                }
                for m in revue.mesures
            ],
        ),
        (
            "Dossiers dormants",
            c["dormants"],
            [
                {
                    "projet": r.ligne.projet.reference,
                    "signataire": r.ligne.signataire.code,
                    "mesure": r.ligne.noeud.code,
                    "programme": r.ligne.montant_programme,
                    "motif": r.motif,
                }
                for r in revue.dormants
            ],
        ),
        (
            "Indicateurs",
            c["indicateurs"],
            [
                {
                    "mesure": b.indicateur.noeud.code,
                    "indicateur": b.indicateur.nom,
                    "unite": b.indicateur.unite,
                    "cible_2027": b.indicateur.cible_2027,
                    "attendu": b.attendu,
                    "realise": b.realise,
                }
                for b in revue.indicateurs
            ],
        ),
        (
            "Prévisions et crédits",
            c["previsions"],
            [
                {
                    "signataire": s.code,
                    "annee": a.annee,
                    "besoin_ae": a.besoin_ae,
                    "besoin_cp": a.besoin_cp,
                    "credits_ouverts": a.credits_ouverts,
                    "ecart": a.ecart,
                }
                for s, annees in revue.previsions
                for a in annees
            ],
        ),
        (
            "Propositions",
            c["propositions"],
            [
                {
                    "signataire": p.signataire.code,
                    "enveloppe": p.enveloppe,
                    "programme": p.programme,
                    "dormant": p.dormant,
                    "a_degager": p.a_degager,
                    "nouvelle_enveloppe": p.nouvelle_enveloppe,
                }
                for p in revue.propositions
            ],
        ),
    ]
