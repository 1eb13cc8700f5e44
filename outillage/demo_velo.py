"""A fictitious negotiation of the vélo measure (V.2.1, issue 17), loaded by `charger_demo`
and used by the tests and the browser journey: five candidate operations and three
co-financing scenarios, built through the services (nothing moves in the ledger).

Scenario B's figures, per operation:
1. Véloroute de la vallée de la Somme, 2 000 000,00 € (2024-2025): État 600 000, Région
   800 000, Somme 200 000, fonds propres 400 000.
2. Aménagements cyclables de la gare d'Arras, 1 200 000,00 € (2024-2026): État 300 000,
   Région 500 000, Pas-de-Calais 160 000, fonds propres 240 000.
3. Stationnement sécurisé du pôle d'échanges de Lille-Flandres, 800 000,00 € (2025): État
   200 000, Région 240 000, MEL 200 000, fonds propres 160 000.
4. Réseau points-nœuds de l'Avesnois, 600 000,00 € (2024-2025): État 150 000, Région 210 000,
   Nord 120 000, fonds propres 120 000.
5. Liaison cyclable Amiens-Longueau, 1 500 000,00 € (2025-2027): État 33,33 % (499 950,00),
   Région 600 000, Somme 100 000, fonds propres 300 050.
État 1 749 950,00 € and Région 2 350 000,00 €: ratio 0,74, État share 42,68 %, gap −600 050,00 €.
"""

from dataclasses import dataclass
from decimal import Decimal

from axes.models import Departement, Noeud, Signataire
from comptes.models import Organisation, TypeOrganisation, Utilisateur
from scenarios.models import OperationCandidate, Scenario
from scenarios.services import OperationSaisie, PartSaisie, candidate_creer, scenario_creer

D = Decimal
FP = "fonds_propres"

CANDIDATES = [
    # (intitulé, maître d'ouvrage, coût, années, département)
    (
        "Véloroute de la vallée de la Somme",
        "Syndicat mixte Baie de Somme",
        "2000000.00",
        (2024, 2025),
        "80",
    ),
    (
        "Aménagements cyclables de la gare d'Arras",
        "Communauté urbaine d'Arras",
        "1200000.00",
        (2024, 2026),
        "62",
    ),
    (
        "Stationnement sécurisé du pôle d'échanges de Lille-Flandres",
        "Ville de Lille",
        "800000.00",
        (2025, 2025),
        "59",
    ),
    (
        "Réseau points-nœuds de l'Avesnois",
        "Parc naturel régional de l'Avesnois",
        "600000.00",
        (2024, 2025),
        "59",
    ),
    ("Liaison cyclable Amiens-Longueau", "Ville d'Amiens", "1500000.00", (2025, 2027), "80"),
]

# Scenario → one entry per operation: None (left out) or {funder: amount or "x %"}.
SCENARIOS: dict[str, tuple[str, list[dict[str, str] | None]]] = {
    "A": (
        "Parité État-Région",
        [
            {"etat": "40 %", "region": "40 %", FP: "20 %"},
            {"etat": "40 %", "region": "40 %", FP: "20 %"},
            {"etat": "40 %", "region": "40 %", FP: "20 %"},
            {"etat": "40 %", "region": "40 %", FP: "20 %"},
            {"etat": "40 %", "region": "40 %", FP: "20 %"},
        ],
    ),
    "B": (
        "Région majoritaire, départements associés",
        [
            {"etat": "600000", "region": "800000", "somme": "200000", FP: "400000"},
            {"etat": "300000", "region": "500000", "pas-de-calais": "160000", FP: "240000"},
            {"etat": "200000", "region": "240000", "mel": "200000", FP: "160000"},
            {"etat": "150000", "region": "210000", "nord": "120000", FP: "120000"},
            {"etat": "33.33 %", "region": "600000", "somme": "100000", FP: "300050"},
        ],
    ),
    "C": (
        "Sans la liaison Amiens-Longueau",
        [
            {"etat": "700000", "region": "900000", FP: "400000"},
            {"etat": "450000", "region": "510000", FP: "240000"},
            {"etat": "300000", "region": "340000", FP: "160000"},
            {"etat": "200000", "region": "280000", FP: "120000"},
            None,
        ],
    ),
}


@dataclass
class ParcoursVelo:
    sous_axe: Noeud
    candidates: list[OperationCandidate]
    scenarios: dict[str, Scenario]


def part(financeur: str, valeur: str) -> PartSaisie:
    saisie = PartSaisie()
    if financeur == FP:
        saisie.source = FP
    else:
        saisie.signataire = Signataire.objects.get(code=financeur)
    if valeur.endswith("%"):
        saisie.pourcentage = D(valeur.removesuffix("%").strip())
    else:
        saisie.montant = D(valeur)
    return saisie


def saisies(candidates, repartitions) -> list[OperationSaisie]:
    return [
        OperationSaisie(
            operation=c,
            incluse=r is not None,
            annee_debut=c.annee_debut,
            annee_fin=c.annee_fin,
            parts=[part(f, v) for f, v in (r or {}).items()],
        )
        for c, r in zip(candidates, repartitions, strict=True)
    ]


def candidates_velo(par: Utilisateur, prefixe: str = "") -> list[OperationCandidate]:
    sous_axe = Noeud.objects.get(code="V.2.1")
    operations = []
    for intitule, mo, cout, (debut, fin), dep in CANDIDATES:
        organisation, _ = Organisation.objects.get_or_create(
            nom=mo, defaults={"type": TypeOrganisation.EPCI}
        )
        operations.append(
            candidate_creer(
                sous_axe=sous_axe,
                intitule=prefixe + intitule,
                maitre_ouvrage=organisation,
                cout=D(cout),
                annee_debut=debut,
                annee_fin=fin,
                territoire=Departement.objects.get(code_insee=dep).nom,
                departements=[Departement.objects.get(code_insee=dep)],
                criteres={"report-modal": "Fort", "population": "Desserte d'un pôle urbain"},
                par=par,
            )
        )
    return operations


def parcours_velo(par: Utilisateur, prefixe: str = "") -> ParcoursVelo:
    candidates = candidates_velo(par, prefixe)
    sous_axe = candidates[0].sous_axe
    scenarios = {
        cle: scenario_creer(
            sous_axe=sous_axe, nom=nom, operations=saisies(candidates, reps), par=par
        )
        for cle, (nom, reps) in SCENARIOS.items()
    }
    return ParcoursVelo(sous_axe=sous_axe, candidates=candidates, scenarios=scenarios)
