"""Generated files of the existing programming: N rows, four per dossier, sums known to the cent.

Each dossier has a Région CPER line (one commitment paid in two payments: two rows), an État
CPER line (one commitment, not paid: one row) and the maître d'ouvrage's own funds (Hors CPER:
one row). Dossiers cycle through « Programmé », « En cours » and « Soldé » (a closed dossier is
committed and paid in full).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from axes.models import Noeud
from reprise import gabarit

CENTIME = Decimal("0.01")
STATUTS = ("Programmé", "En cours", "Soldé")


def siret_valide(graine: int) -> str:
    """A 14-digit SIRET passing the Luhn check."""
    base = f"{40000000 + graine:08d}{graine % 100000:05d}"
    for dernier in range(10):
        candidat = base + str(dernier)
        total = 0
        for rang, chiffre in enumerate(reversed(candidat)):
            n = int(chiffre) * (2 if rang % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return candidat
    raise AssertionError("inatteignable")


@dataclass
class Fichier:
    rangees: list[dict[str, gabarit.Valeur]] = field(default_factory=list)
    programme: dict[str, Decimal] = field(default_factory=dict)
    engage: dict[str, Decimal] = field(default_factory=dict)
    paye: dict[str, Decimal] = field(default_factory=dict)

    def contenu(self) -> bytes:
        return gabarit.classeur(self.rangees)

    def ajouter(self, signataire: str, programme=0, engage=0, paye=0) -> None:
        for total, montant in (
            (self.programme, programme),
            (self.engage, engage),
            (self.paye, paye),
        ):
            total[signataire] = total.get(signataire, Decimal("0.00")) + Decimal(montant)


def _montant(base: int, k: int) -> Decimal:
    return (Decimal(base) + Decimal(k * 137) + Decimal(k % 97) / 100).quantize(CENTIME)


def generer(nombre_rangees: int, *, prefixe: str = "ORIG") -> Fichier:
    mesures = list(
        Noeud.objects.filter(niveau__gte=3).order_by("position").values_list("code", flat=True)
    )
    fichier = Fichier()
    for k in range(nombre_rangees // 4):
        statut = STATUTS[k % 3]
        dossier = {
            "identifiant": f"{prefixe}-{k:05d}",
            "titre": f"Opération reprise n° {k}",
            "mesure": mesures[k % len(mesures)],
            "maitre_ouvrage": f"Maître d'ouvrage de reprise {k % 40}",
            "siret": siret_valide(k % 40) if k % 2 else None,
            "departements": "59; 62" if k % 5 == 0 else "80",
            "communes": "59350" if k % 5 == 0 else None,
            "statut": statut,
        }
        region = _montant(20000, k)
        etat = _montant(15000, k)
        propres = _montant(5000, k)
        avance = (region * Decimal("0.3")).quantize(CENTIME)
        solde_ou_acompte = region - avance if statut == "Soldé" else (region / 2).quantize(CENTIME)
        engage_region = region
        engagement_region = {
            "engagement_reference": f"CONV-{k}-R",
            "engagement_acte": "Convention",
            "engagement_date": date(2022, 1 + k % 12, 1 + k % 28),
            "engagement_annee": 2022 + k % 3,
            "montant_engage": engage_region,
        }
        ligne_region = {**dossier, "financeur": "region", "nature": "CPER"}
        ligne_region["montant_programme"] = region
        fichier.rangees.append(
            {
                **ligne_region,
                **engagement_region,
                "paiement_reference": f"MDT-{k}-1",
                "paiement_type": "Avance",
                "paiement_date": date(2023, 1 + k % 12, 1 + k % 28),
                "montant_paye": avance,
            }
        )
        fichier.rangees.append(
            {
                **ligne_region,
                **engagement_region,
                "paiement_reference": f"MDT-{k}-2",
                "paiement_type": "Solde" if statut == "Soldé" else "Acompte",
                "paiement_date": date(2024, 1 + k % 12, 1 + k % 28),
                "montant_paye": solde_ou_acompte,
            }
        )
        fichier.ajouter("region", region, engage_region, avance + solde_ou_acompte)
        engage_etat = etat if statut == "Soldé" else (etat * Decimal("0.6")).quantize(CENTIME)
        ligne_etat = {
            **dossier,
            "financeur": "etat",
            "nature": "CPER",
            "montant_programme": etat,
            "engagement_reference": f"AP-{k}-E",
            "engagement_acte": "Arrêté",
            "engagement_date": date(2022, 6, 1 + k % 28),
            "engagement_annee": 2022,
            "montant_engage": engage_etat,
        }
        if statut == "Soldé":
            ligne_etat.update(
                paiement_reference=f"MDT-{k}-E",
                paiement_type="Solde",
                paiement_date=date(2024, 6, 1 + k % 28),
                montant_paye=etat,
            )
            fichier.ajouter("etat", etat, engage_etat, etat)
        else:
            fichier.ajouter("etat", etat, engage_etat, 0)
        fichier.rangees.append(ligne_etat)
        fichier.rangees.append(
            {
                **dossier,
                "financeur": "fonds_propres",
                "nature": "Hors CPER",
                "montant_programme": propres,
            }
        )
    return fichier


# Ten kinds of errors, each planted twice: (column, bad value, expected message).
ERREURS = [
    ("titre", None, "Indiquez le titre du dossier."),
    ("mesure", "Z.9.9", "Aucune mesure du contrat n'a le code « Z.9.9 »."),
    ("siret", "12345678901234", "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."),
    (
        "departements",
        "99",
        "Département inconnu : « 99 » (codes attendus : 02, 59, 60, 62, 80).",
    ),
    (
        "communes",
        "5935X",
        "Code INSEE de commune invalide : « 5935X » (cinq caractères, par exemple 59350).",
    ),
    (
        "statut",
        "Validé",
        "« Validé » n'est pas reconnu : indiquez Programmé, En cours ou Soldé.",
    ),
    (
        "financeur",
        "atlantide",
        "Financeur inconnu : « atlantide » (un code de signataire comme region ou etat, ou une "
        "autre source comme fonds_propres).",
    ),
    (
        "montant_programme",
        "douze mille",
        "Montant illisible : « douze mille » (un nombre en euros, deux décimales au plus).",
    ),
    (
        "engagement_date",
        "31/02/2022",
        "Date illisible : « 31/02/2022 » (jj/mm/aaaa, par exemple 15/03/2022).",
    ),
    (
        "engagement_annee",
        2019,
        "Année budgétaire « 2019 » : indiquez une année entre 2021 et 2035.",
    ),
]


def planter_erreurs(fichier: Fichier) -> list[dict[str, object]]:
    """Spoil 20 rows (two of each kind), on rows of dossiers « Programmé » only, so that no
    other rule is touched; the expected report, row by row (the sheet's row numbers)."""
    attendu = []
    programmes = list(range(0, len(fichier.rangees) // 4, 3))
    assert len(programmes) >= 20, "au moins 240 lignes"
    for rang in range(20):
        colonne, valeur, message = ERREURS[rang % 10]
        # The first row of a dossier « Programmé » (a row of its Région commitment), spread
        # over the file, one dossier per error.
        index = programmes[rang * len(programmes) // 20] * 4
        fichier.rangees[index] = {**fichier.rangees[index], colonne: valeur}
        attendu.append({"ligne": index + 2, "colonne": gabarit.TITRES[colonne], "message": message})
    return sorted(attendu, key=lambda e: e["ligne"])
