"""The ledger's nightly invariant check: every stored running total recomputed from its rows.

The triggers keep the totals (`financement.models`, migrations 0002-0003); this check proves
that they still agree with the rows, keeps each run (`VerificationRegistre`) and, on any gap,
e-mails the administrators (the CPER secretariat) the list in French.
"""

import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear

from axes.models import Departement, Noeud, Signataire, code_couvre
from comptes.models import Role, Utilisateur
from financement.models import (
    CreditsOuverts,
    Engagement,
    Enveloppe,
    LigneProgrammee,
    MaquetteLigne,
    Paiement,
    ResultatVerification,
    TotalAnnee,
    TotalAxe,
    TotalDepartement,
    VerificationRegistre,
)
from socle.montants import format_euros
from socle.notifications import notifier

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Ecart:
    """A stored running total that disagrees with the rows it sums."""

    controle: str
    objet: str
    enregistre: Decimal
    recalcule: Decimal
    # A gap that is not a sum (a line counted under another measure than its dossier's) says
    # itself what is wrong.
    texte: str = ""

    @property
    def difference(self) -> Decimal:
        return self.enregistre - self.recalcule

    @property
    def message(self) -> str:
        if self.texte:
            return f"{self.controle} — {self.objet} : {self.texte}"
        return (
            f"{self.controle} — {self.objet} : {format_euros(self.enregistre)} enregistrés, "
            f"{format_euros(self.recalcule)} d'après les lignes (écart "
            f"{format_euros(self.difference)})."
        )

    def en_json(self) -> dict[str, str]:
        return {
            "controle": self.controle,
            "objet": self.objet,
            "enregistre": str(self.enregistre),
            "recalcule": str(self.recalcule),
            "ecart": str(self.difference),
            "message": self.message,
        }


def _comparer(
    ecarts: list[Ecart],
    controle: str,
    objet: str,
    enregistre: Decimal | None,
    recalcule: Decimal | None,
) -> None:
    stocke, calcule = enregistre or ZERO, recalcule or ZERO
    if stocke != calcule:
        ecarts.append(Ecart(controle, objet, stocke, calcule))


def registre_ecarts() -> tuple[list[Ecart], int]:
    """Recompute every stored running total of the ledger from its rows; return the gaps and
    the number of totals checked (craft R1: Σ Engagement == montant_engage, nightly).

    - Enveloppe programmé / engagé / payé = Σ of the signatory's LigneProgrammee;
    - LigneProgrammee engagé / payé = Σ of its Engagement (montant, montant_paye);
    - Engagement payé = Σ of its Paiement;
    - CreditsOuverts engagé = Σ Engagement of the signatory for that budget year;
    - MaquetteLigne programmé = Σ LigneProgrammee of the signatory on the node or below it;
    - the stored slices (`TotalAxe`, `TotalDepartement`, `TotalAnnee`) = Σ of the signatory's
      lines on the axis, on the dossiers of the département, its commitments of the budget
      year and its payments of the calendar year (a slice missing while rows exist is a gap).
    Read-only, a fixed number of queries whatever the size of the ledger.
    """
    ecarts: list[Ecart] = []
    controles = 0

    par_signataire = {
        s["signataire_id"]: s
        for s in LigneProgrammee.objects.values("signataire_id").annotate(
            programme=Sum("montant_programme"),
            engage=Sum("montant_engage"),
            paye=Sum("montant_paye"),
        )
    }
    for enveloppe in Enveloppe.objects.select_related("signataire").order_by("signataire__ordre"):
        sommes = par_signataire.get(enveloppe.signataire_id, {})
        objet = f"enveloppe {enveloppe.signataire.de_nom}"
        for champ, cle, libelle in (
            ("montant_programme", "programme", "Programmé"),
            ("montant_engage", "engage", "Engagé"),
            ("montant_paye", "paye", "Payé"),
        ):
            controles += 1
            _comparer(
                ecarts,
                f"{libelle} de l'enveloppe = Σ des lignes programmées",
                objet,
                getattr(enveloppe, champ),
                sommes.get(cle),
            )

    par_ligne = {
        s["ligne_id"]: s
        for s in Engagement.objects.values("ligne_id").annotate(
            engage=Sum("montant"), paye=Sum("montant_paye")
        )
    }
    for ligne in LigneProgrammee.objects.select_related(
        "projet__mesure", "signataire", "noeud"
    ).order_by("pk"):
        sommes = par_ligne.get(ligne.pk, {})
        objet = f"ligne {ligne.projet.reference} – {ligne.signataire.nom}"
        controles += 3
        if ligne.noeud_id != ligne.projet.mesure_id:
            # The envelope and the maquette count the line under its node: a dossier moved to
            # another measure (outside an avenant) would leave its money under the old one.
            ecarts.append(
                Ecart(
                    "Mesure de la ligne programmée = mesure du dossier",
                    objet,
                    ligne.montant_programme,
                    ZERO,
                    texte=(
                        f"{format_euros(ligne.montant_programme)} comptés sous la mesure "
                        f"{ligne.noeud.code}, alors que le dossier relève de la mesure "
                        f"{ligne.projet.mesure.code}."
                    ),
                )
            )
        _comparer(
            ecarts,
            "Engagé de la ligne programmée = Σ des engagements",
            objet,
            ligne.montant_engage,
            sommes.get("engage"),
        )
        _comparer(
            ecarts,
            "Payé de la ligne programmée = Σ des payés des engagements",
            objet,
            ligne.montant_paye,
            sommes.get("paye"),
        )

    par_engagement = dict(
        Paiement.objects.values_list("engagement_id").annotate(total=Sum("montant"))
    )
    for engagement in Engagement.objects.select_related("ligne__projet").order_by("pk"):
        controles += 1
        _comparer(
            ecarts,
            "Payé de l'engagement = Σ des paiements",
            f"engagement {engagement.reference} ({engagement.ligne.projet.reference})",
            engagement.montant_paye,
            par_engagement.get(engagement.pk),
        )

    par_annee = {
        (s["signataire_id"], s["annee_budgetaire"]): s["engage"]
        for s in Engagement.objects.values("signataire_id", "annee_budgetaire").annotate(
            engage=Sum("montant")
        )
    }
    for credits in CreditsOuverts.objects.select_related("signataire").order_by("pk"):
        controles += 1
        _comparer(
            ecarts,
            "Engagé sur les crédits ouverts = Σ des engagements de l'année budgétaire",
            f"crédits {credits.annee} {credits.signataire.de_nom}",
            credits.montant_engage,
            par_annee.get((credits.signataire_id, credits.annee)),
        )

    programme_par_noeud = list(
        LigneProgrammee.objects.values(
            "signataire_id", "noeud__code", "noeud__contrat_id"
        ).annotate(programme=Sum("montant_programme"))
    )
    for maquette in MaquetteLigne.objects.select_related("signataire", "noeud").order_by("pk"):
        code = maquette.noeud.code
        recalcule = sum(
            (
                s["programme"]
                for s in programme_par_noeud
                if s["signataire_id"] == maquette.signataire_id
                and s["noeud__contrat_id"] == maquette.noeud.contrat_id
                and code_couvre(code, s["noeud__code"])
            ),
            ZERO,
        )
        controles += 1
        _comparer(
            ecarts,
            "Programmé de la maquette = Σ des lignes programmées du nœud et en dessous",
            f"maquette {code} {maquette.signataire.de_nom}",
            maquette.montant_programme,
            recalcule,
        )
    controles += _tranches(ecarts, par_annee)
    return ecarts, controles


Cle = tuple[int, int]
# Each value: the row of stored or recomputed sums, by field name.
Sommes = dict[Cle, Any]

SOMMES_LIGNES = {
    "programme": Sum("montant_programme"),
    "engage": Sum("montant_engage"),
    "paye": Sum("montant_paye"),
}
CHAMPS_LIGNES = (
    ("montant_programme", "programme", "Programmé"),
    ("montant_engage", "engage", "Engagé"),
    ("montant_paye", "paye", "Payé"),
)


def _comparer_tranches(
    ecarts: list[Ecart],
    controle: str,
    stockes: Sommes,
    recalcules: Sommes,
    champs: tuple[tuple[str, str, str], ...],
    objet: dict[Cle, str],
) -> int:
    """Compare each stored slice with its sums from the rows (both sides, so that a slice
    missing or left over is found); return the number of totals checked."""
    controles = 0
    for cle in sorted(set(stockes) | set(recalcules)):
        for champ, somme, libelle in champs:
            controles += 1
            _comparer(
                ecarts,
                f"{libelle} {controle}",
                objet.get(cle, str(cle)),
                (stockes.get(cle) or {}).get(champ),
                (recalcules.get(cle) or {}).get(somme),
            )
    return controles


def _tranches(ecarts: list[Ecart], engage_par_annee: dict[Cle, Decimal]) -> int:
    noms = {s.pk: s.de_nom for s in Signataire.objects.all()}
    axes = dict(Noeud.objects.filter(axe__isnull=True).values_list("pk", "code"))
    departements = dict(Departement.objects.values_list("pk", "nom"))
    valeurs = ("montant_programme", "montant_engage", "montant_paye")

    stockes: Sommes = {
        (t["signataire_id"], t["axe_id"]): t
        for t in TotalAxe.objects.values("signataire_id", "axe_id", *valeurs)
    }
    recalcules: Sommes = {
        (s["signataire_id"], s["noeud__axe_id"]): s
        for s in LigneProgrammee.objects.filter(noeud__axe__isnull=False)
        .order_by()
        .values("signataire_id", "noeud__axe_id")
        .annotate(**SOMMES_LIGNES)
    }
    controles = _comparer_tranches(
        ecarts,
        "sur l'axe = Σ des lignes programmées de ses mesures",
        stockes,
        recalcules,
        CHAMPS_LIGNES,
        {
            cle: f"axe {axes.get(cle[1], cle[1])} {noms.get(cle[0], cle[0])}"
            for cle in set(stockes) | set(recalcules)
        },
    )

    stockes = {
        (t["signataire_id"], t["departement_id"]): t
        for t in TotalDepartement.objects.values("signataire_id", "departement_id", *valeurs)
    }
    recalcules = {
        (s["signataire_id"], s["projet__departements"]): s
        for s in LigneProgrammee.objects.filter(projet__departements__isnull=False)
        .order_by()
        .values("signataire_id", "projet__departements")
        .annotate(**SOMMES_LIGNES)
    }
    controles += _comparer_tranches(
        ecarts,
        "dans le département = Σ des lignes programmées de ses dossiers",
        stockes,
        recalcules,
        CHAMPS_LIGNES,
        {
            cle: f"{departements.get(cle[1], cle[1])} {noms.get(cle[0], cle[0])}"
            for cle in set(stockes) | set(recalcules)
        },
    )

    stockes = {
        (t["signataire_id"], t["annee"]): t
        for t in TotalAnnee.objects.values(
            "signataire_id", "annee", "montant_engage", "montant_paye"
        )
    }
    recalcules = {cle: {"engage": montant} for cle, montant in engage_par_annee.items()}
    for s in (
        Paiement.objects.order_by()
        .annotate(annee=ExtractYear("date"))
        .values("engagement__signataire_id", "annee")
        .annotate(paye=Sum("montant"))
    ):
        recalcules.setdefault((s["engagement__signataire_id"], s["annee"]), {})["paye"] = s["paye"]
    controles += _comparer_tranches(
        ecarts,
        "de l'année = Σ des engagements de l'année budgétaire, des paiements de l'année civile",
        stockes,
        recalcules,
        (
            ("montant_engage", "engage", "Engagé"),
            ("montant_paye", "paye", "Payé"),
        ),
        {
            cle: f"année {cle[1]} {noms.get(cle[0], cle[0])}"
            for cle in set(stockes) | set(recalcules)
        },
    )
    return controles


def _administrateurs() -> list[str]:
    return list(
        Utilisateur.objects.filter(
            Q(role=Role.ADMINISTRATEUR) | Q(is_superuser=True), is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )


@transaction.atomic
def registre_verifier(*, prevenir: bool = True) -> VerificationRegistre:
    """Run the ledger check, record the run and, on any gap, e-mail the administrators (the
    CPER secretariat) the list of gaps in French, after commit."""
    debut = time.perf_counter()
    ecarts, controles = registre_ecarts()
    verification = VerificationRegistre.objects.create(
        resultat=ResultatVerification.ECARTS if ecarts else ResultatVerification.CONFORME,
        nombre_ecarts=len(ecarts),
        ecarts=[ecart.en_json() for ecart in ecarts],
        controles=controles,
        duree=Decimal(str(round(time.perf_counter() - debut, 3))),
    )
    if ecarts:
        logger.error("Registre financier : %s écart(s) détecté(s)", len(ecarts))
        if prevenir:
            notifier(
                destinataires=_administrateurs(),
                sujet=(
                    f"Registre financier du CPER : {len(ecarts)} écart"
                    f"{'s' if len(ecarts) > 1 else ''} détecté{'s' if len(ecarts) > 1 else ''}"
                ),
                gabarit="financement/courriels/registre_ecarts",
                contexte={"verification": verification, "ecarts": ecarts},
            )
    return verification
