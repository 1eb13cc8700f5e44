"""What a scenario means for each signatory, computed live from its shares (the one place
that computes it: pages, API, exports and the adoption ask these functions).

- Each signatory's total against its envelope in force: what is left once what is already
  programmed and what the scenario asks are taken off, and the envelope the avenant would set
  (the Mobilités programming 2023-2027 is added to the contract by avenant, Article 4).
- The État/Région ratio of the sub-axis, with the gap to parity where the text asks for it
  (II.6, l. 1427: « dans un souhait de tendre vers la parité »).
- The yearly profile of each signatory against the credits it opened for that year.
- What the scenario asks of each signatory beyond what it agreed (no position, a refusal, or
  the part above its cap).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Prefetch

from axes.models import Signataire
from financement.models import CreditsOuverts, Enveloppe
from scenarios.models import Avis, OperationScenario, PartScenario, Position, Scenario
from socle.montants import CENTIME

ZERO = Decimal("0.00")
AUTRES = "autres"


def repartition_annuelle(montant: Decimal, debut: int, fin: int) -> dict[int, Decimal]:
    """An amount phased evenly over the years `debut`..`fin`, to the cent; the last year takes
    what the rounding left."""
    annees = list(range(debut, fin + 1))
    part = (montant / len(annees)).quantize(CENTIME, rounding=ROUND_DOWN)
    repartition = dict.fromkeys(annees, part)
    repartition[annees[-1]] = montant - part * (len(annees) - 1)
    return repartition


def parite_visee(code_sous_axe: str) -> bool:
    """Whether the text asks the État and the Région to tend towards parity on this sub-axis
    (réglage fixé par le secrétariat, II.6 by default)."""
    return code_sous_axe in settings.SCENARIOS_SOUS_AXES_PARITE


@dataclass(frozen=True)
class LigneSignataire:
    signataire: Signataire
    demande: Decimal
    enveloppe: Decimal
    programme: Decimal
    position: Position | None
    perimee: bool = False  # the position was given on an earlier version of the scenario

    @property
    def reste(self) -> Decimal:
        """Envelope in force, less what is programmed, less what the scenario asks."""
        return self.enveloppe - self.programme - self.demande

    @property
    def enveloppe_apres_avenant(self) -> Decimal:
        return self.enveloppe + self.demande

    @property
    def non_accorde(self) -> Decimal:
        """What the scenario asks that the signatory has not agreed to (an agreement given on
        an earlier version of the scenario does not cover this one)."""
        if self.position is None or self.position.avis == Avis.REFUS or self.perimee:
            return self.demande
        if self.position.avis == Avis.ACCORD_PLAFONNE and self.position.plafond is not None:
            return max(ZERO, self.demande - self.position.plafond)
        return ZERO


@dataclass(frozen=True)
class RatioEtatRegion:
    etat: Decimal
    region: Decimal
    parite_visee: bool

    @property
    def ratio(self) -> Decimal | None:
        """État ÷ Région, to the hundredth (1,00 is parity)."""
        if not self.region:
            return None
        return (self.etat / self.region).quantize(CENTIME, rounding=ROUND_HALF_UP)

    @property
    def part_etat(self) -> Decimal:
        """The État's share of État + Région, in percent to the hundredth."""
        total = self.etat + self.region
        if not total:
            return ZERO
        return (self.etat * 100 / total).quantize(CENTIME, rounding=ROUND_HALF_UP)

    @property
    def ecart(self) -> Decimal:
        """État minus Région, in euros: zero at parity."""
        return self.etat - self.region


@dataclass(frozen=True)
class AnneeSignataire:
    annee: int
    montant: Decimal
    credits: Decimal | None  # opened credits of the year, if any
    engage: Decimal

    @property
    def disponibles(self) -> Decimal | None:
        return None if self.credits is None else self.credits - self.engage

    @property
    def depasse(self) -> bool:
        return self.disponibles is not None and self.montant > self.disponibles


@dataclass(frozen=True)
class LigneOperation:
    operation_scenario: OperationScenario
    parts: dict[str, Decimal]  # signatory code, or AUTRES, → euros

    @property
    def total(self) -> Decimal:
        return sum(self.parts.values(), ZERO)

    @property
    def cout(self) -> Decimal:
        return self.operation_scenario.operation.cout


@dataclass
class Bilan:
    scenario: Scenario
    signataires: list[LigneSignataire]
    autres: Decimal
    ratio: RatioEtatRegion
    annees: list[int]
    profil: dict[str, list[AnneeSignataire]]  # signatory code → one row per year
    operations: list[LigneOperation]
    par_annee: dict[int, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((ligne.demande for ligne in self.signataires), ZERO) + self.autres

    @property
    def non_accorde(self) -> Decimal:
        return sum((ligne.non_accorde for ligne in self.signataires), ZERO)

    def ligne(self, code: str) -> LigneSignataire:
        return next(ligne for ligne in self.signataires if ligne.signataire.code == code)

    def depassements(self) -> list[AnneeSignataire]:
        return [a for lignes in self.profil.values() for a in lignes if a.depasse]


def scenario_charge(pk: int) -> Scenario:
    """A scenario with its operations, shares and positions, in a fixed number of queries."""
    return (
        Scenario.objects.select_related("sous_axe", "seance__comite", "avenant")
        .prefetch_related(
            Prefetch(
                "operations",
                queryset=OperationScenario.objects.select_related(
                    "operation__maitre_ouvrage", "projet"
                ).prefetch_related(
                    Prefetch("parts", queryset=PartScenario.objects.select_related("signataire"))
                ),
            ),
            Prefetch("positions", queryset=Position.objects.select_related("signataire", "par")),
        )
        .get(pk=pk)
    )


def _lignes_operations(scenario: Scenario) -> list[LigneOperation]:
    lignes = []
    for operation in scenario.operations.all():
        parts: dict[str, Decimal] = defaultdict(lambda: ZERO)
        if operation.incluse:
            for part in operation.parts.all():
                cle = part.signataire.code if part.signataire is not None else AUTRES
                parts[cle] += part.montant
        lignes.append(LigneOperation(operation_scenario=operation, parts=dict(parts)))
    return lignes


def _profil(
    scenario: Scenario, signataires: Sequence[Signataire]
) -> tuple[list[int], dict[str, dict[int, Decimal]], dict[int, Decimal]]:
    par_signataire: dict[str, dict[int, Decimal]] = {s.code: {} for s in signataires}
    par_annee: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for operation in scenario.operations.all():
        if not operation.incluse:
            continue
        for part in operation.parts.all():
            for annee, montant in repartition_annuelle(
                part.montant, operation.annee_debut, operation.annee_fin
            ).items():
                par_annee[annee] += montant
                if part.signataire is not None:
                    annees = par_signataire[part.signataire.code]
                    annees[annee] = annees.get(annee, ZERO) + montant
    return sorted(par_annee), par_signataire, dict(par_annee)


def bilan(scenario: Scenario) -> Bilan:
    """Everything the pages, the API and the exports show of one scenario (load it with
    `scenario_charge`)."""
    signataires = list(Signataire.objects.order_by("ordre"))
    enveloppes = {e.signataire_id: e for e in Enveloppe.objects.all()}
    positions = {p.signataire_id: p for p in scenario.positions.all()}
    operations = _lignes_operations(scenario)
    demandes: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ligne in operations:
        for cle, montant in ligne.parts.items():
            demandes[cle] += montant
    lignes = [
        LigneSignataire(
            signataire=s,
            demande=demandes[s.code],
            enveloppe=enveloppes[s.pk].montant,
            programme=enveloppes[s.pk].montant_programme,
            position=positions.get(s.pk),
            perimee=s.pk in positions and positions[s.pk].le < scenario.version_du,
        )
        for s in signataires
    ]
    annees, par_signataire, par_annee = _profil(scenario, signataires)
    credits = {
        (c.signataire_id, c.annee): c for c in CreditsOuverts.objects.filter(annee__in=annees)
    }
    profil = {
        s.code: [
            AnneeSignataire(
                annee=annee,
                montant=par_signataire[s.code].get(annee, ZERO),
                credits=credits[(s.pk, annee)].montant if (s.pk, annee) in credits else None,
                engage=credits[(s.pk, annee)].montant_engage if (s.pk, annee) in credits else ZERO,
            )
            for annee in annees
        ]
        for s in signataires
    }
    return Bilan(
        scenario=scenario,
        signataires=lignes,
        autres=demandes[AUTRES],
        ratio=RatioEtatRegion(
            etat=demandes["etat"],
            region=demandes["region"],
            parite_visee=parite_visee(scenario.sous_axe.code),
        ),
        annees=annees,
        profil=profil,
        operations=operations,
        par_annee=par_annee,
    )


def modifications_d_enveloppes(b: Bilan) -> dict[Signataire, Decimal]:
    """The envelope changes the adoption puts in the draft avenant: each signatory asked for
    something sees its envelope in force grow by that amount."""
    return {
        ligne.signataire: ligne.enveloppe_apres_avenant
        for ligne in b.signataires
        if ligne.demande > 0
    }


# --- Side by side ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LigneComparee:
    libelle: str
    valeurs: list[Decimal]

    @property
    def differe(self) -> bool:
        return len(set(self.valeurs)) > 1

    def ecarts(self) -> list[Decimal]:
        """Each value against the first scenario's."""
        return [v - self.valeurs[0] for v in self.valeurs]

    @property
    def paires(self) -> list[tuple[Decimal, Decimal]]:
        return list(zip(self.valeurs, self.ecarts(), strict=True))


@dataclass
class Comparaison:
    bilans: list[Bilan]
    par_signataire: list[LigneComparee]
    restes: list[LigneComparee]
    par_operation: list[LigneComparee]
    par_annee: list[LigneComparee]
    ratios: list[RatioEtatRegion]

    @property
    def scenarios(self) -> list[Scenario]:
        return [b.scenario for b in self.bilans]

    @property
    def tableaux(self) -> list[tuple[str, str, list[LigneComparee]]]:
        """The tables side by side: (title, identifier, lines)."""
        return [
            ("Par signataire", "compare-signataires", self.par_signataire),
            ("Reste sur l'enveloppe en vigueur", "compare-restes", self.restes),
            ("Par opération", "compare-operations", self.par_operation),
            ("Par année", "compare-annees", self.par_annee),
        ]


MIN_COMPARES = 2
MAX_COMPARES = 4


def comparer(bilans: list[Bilan]) -> Comparaison:
    """Two to four scenarios of one sub-axis, per signatory, per operation, per year."""
    signataires = [ligne.signataire for ligne in bilans[0].signataires]
    par_signataire = [
        LigneComparee(s.nom, [b.ligne(s.code).demande for b in bilans]) for s in signataires
    ]
    par_signataire.append(LigneComparee("Autres financeurs", [b.autres for b in bilans]))
    restes = [LigneComparee(s.nom, [b.ligne(s.code).reste for b in bilans]) for s in signataires]
    operations: dict[int, tuple[str, dict[int, Decimal]]] = {}
    for rang, b in enumerate(bilans):
        for ligne in b.operations:
            op = ligne.operation_scenario.operation
            operations.setdefault(op.pk, (op.intitule, {}))[1][rang] = ligne.total
    par_operation = [
        LigneComparee(intitule, [valeurs.get(rang, ZERO) for rang in range(len(bilans))])
        for _, (intitule, valeurs) in sorted(operations.items())
    ]
    annees = sorted({a for b in bilans for a in b.annees})
    par_annee = [
        LigneComparee(str(annee), [b.par_annee.get(annee, ZERO) for b in bilans])
        for annee in annees
    ]
    return Comparaison(
        bilans=bilans,
        par_signataire=par_signataire,
        restes=restes,
        par_operation=par_operation,
        par_annee=par_annee,
        ratios=[b.ratio for b in bilans],
    )
