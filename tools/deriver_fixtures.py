"""Derive the repository's contract fixture from the checked extraction of the signed text.

Run once, by hand, when the reference extraction changes:

    python tools/deriver_fixtures.py ../shared/reference/cper-hdf-2021-2027.json

The running portal never reads the reference file: it loads `fixtures/cper-hdf-2021-2027.json`,
which this script writes. Amounts are converted from M€ (three decimals, k€ precision) to euros
with Decimal arithmetic, never floats.
"""

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

SORTIE = Path(__file__).resolve().parent.parent / "fixtures" / "cper-hdf-2021-2027.json"

# Readable titles for the headings the contract prints in capitals (accents restored by hand).
TITRES_LISIBLES = {
    "I.1": "Accélérer la décarbonation de l’économie régionale notamment par les transitions "
    "énergétiques, écologiques et l’économie circulaire",
    "I.2": "Accompagner les transitions énergétiques et écologiques des ports",
    "I.3": "Préserver et valoriser les ressources et milieux naturels pour accompagner les "
    "transitions",
    "II.1": "Conforter le dynamisme des métropoles",
    "II.1.2.a": "Métropole Européenne de Lille (MEL)",
    "II.2": "Développer l’attractivité des pôles de centralité",
    "II.3": "Soutenir le maillage des services au public, en particulier dans les territoires "
    "ruraux",
    "II.4": "Accroître la résilience des territoires et en particulier ceux soumis à de fortes "
    "vulnérabilités",
    "II.5": "Renouvellement urbain des quartiers prioritaires de la politique de la ville",
    "II.6": "Faire du canal Seine-Nord Europe un moteur d’attractivité pour les territoires",
    "II.7": "Poursuivre les démarches d’appui et d’ingénierie aux territoires",
    "III.1": "Soutenir la dynamique des solidarités et la structuration du monde associatif",
    "III.2": "Anticiper et lever les difficultés de recrutement et investir dans la formation",
    "III.3": "Développer l’information des jeunes pour favoriser leur orientation, l’accès aux "
    "droits et à l’apprentissage",
    "IV.1": "Développer le rayonnement culturel des Hauts-de-France",
    "IV.2": "Soutenir la recherche, l’innovation et l’enseignement supérieur, comme vecteurs "
    "d’excellence",
    "IV.2.1.a": "Campus et vie étudiante",
    "IV.2.1.b": "Logement étudiant",
    "IV.3": "Brexit – consolider la place de leader du trafic transmanche",
    "V.1": "Conforter l’exécution des projets déjà engagés",
    "V.2": "Favoriser les mobilités décarbonées et l’intégration des enjeux de la transition "
    "écologique dans les infrastructures existantes",
    "V.3": "Identifier les grandes priorités régionales pour la future programmation 2023",
    "VI.1": "Mettre en place une coordination stratégique régionale de la connaissance",
}

DEPARTEMENTS = [
    {"code_insee": "02", "nom": "Aisne", "signataire": "aisne"},
    {"code_insee": "59", "nom": "Nord", "signataire": "nord"},
    {"code_insee": "60", "nom": "Oise", "signataire": "oise"},
    {"code_insee": "62", "nom": "Pas-de-Calais", "signataire": "pas-de-calais"},
    {"code_insee": "80", "nom": "Somme", "signataire": "somme"},
]

# The contract's special territories (domain-rules §13), used as project tags.
TERRITOIRES_SPECIAUX = [
    {"code": "sat", "nom": "Sambre-Avesnois-Thiérache", "ligne": 1077},
    {"code": "bassin-minier", "nom": "Bassin minier", "ligne": 1101},
    {"code": "littoral", "nom": "Littoral", "ligne": 1166},
    {"code": "qpv", "nom": "Quartiers prioritaires de la politique de la ville", "ligne": 1285},
    {"code": "csne", "nom": "Territoires du Canal Seine-Nord Europe", "ligne": 1354},
    {"code": "ruraux", "nom": "Territoires ruraux", "ligne": 962},
]

# Départements deduced from the place the text names (an inference, flagged as such in the data).
DEPARTEMENTS_PAR_LIEU = {
    "Amiens": ["80"],
    "Amiens (ancienne plate-forme du tri postal)": ["80"],
    "métropole lilloise": ["59"],
    "Villeneuve d’Ascq": ["59"],
    "Lille": ["59"],
    "Creil": ["60"],
    "Sambre-Avesnois-Thiérache (arrondissements d’Avesnes et de Vervins)": ["02", "59"],
    "Avesnes-sur-Helpe": ["59"],
    "Buire": ["02"],
    "Tourcoing": ["59"],
    "Valenciennes": ["59"],
    "Compiègne": ["60"],
    "Lens": ["62"],
    "site Béthunois de l’université": ["62"],
    "Douai": ["59"],
    "Arras et Béthune": ["62"],
    "Boulogne sur Mer": ["62"],
    "14 sites de l’UPJV (dont sites de l’Aisne et de l’Oise)": ["02", "60", "80"],
    "Saint Quentin (friche du Maréchal Juin)": ["02"],
    "Villeneuve d’Ascq (cité scientifique et Pont de Bois)": ["59"],
    "site de la cité scientifique (Villeneuve d’Ascq)": ["59"],
    "Campus cité scientifique": ["59"],
    "Roubaix": ["59"],
    "Douai (site « Bourseul »)": ["59"],
    "Douai (site Bourseul)": ["59"],
    "Aulnoy Lez Valenciennes": ["59"],
    "forêt de Retz": ["02"],
    "sud de Beauval": ["80"],
    "entre Laon et Avesnes sur Helpe": ["02", "59"],
    "La Capelle, Froidmont-Cohartille": ["02"],
    "Voyenne": ["02"],
    "Vimy-Avion": ["62"],
    "entre Beaufort et Avesnes-sur-Helpe": ["59"],
    "Maubeuge": ["59"],
    "A21/A211": ["59", "62"],
    "Calais": ["62"],
    "sud de l’Aisne – Roissy, au niveau de la commune de Mitry, sur la ligne Paris-Laon": ["02"],
    "étoile ferroviaire de Lille": ["59"],
    "Grand Port Maritime de Dunkerque": ["59"],
    "ensemble des campus de l’Université de Lille": ["59"],
}

# Owners that are one of the signatories: linked to the signatory's organisation.
MAITRES_OUVRAGE_SIGNATAIRES = {
    "Amiens Métropole": "amiens-metropole",
    "Conseil départemental du Nord (maîtrise d’ouvrage)": "nord",
    "Région Hauts-de-France, en partenariat avec la Communauté d’Agglomération de Cambrai et "
    "les Communautés de Communes d’Osartis-Marquion, de l’Est de la Somme, de la Haute Somme "
    "et du Pays du Noyonnais": "region",
}

# Owners named with an editorial remark from the extraction: the organisation's name only.
MAITRES_OUVRAGE_NOMS = {
    "Alliance A2U (« porté par l’Alliance A2U », l. 2464)": "Alliance A2U",
    "CROUS LILLE": "CROUS Lille",
    "CROUS AMIENS": "CROUS Amiens",
    "fédération de recherche CNRS « Transports Terrestres et Mobilités »": (
        "Fédération de recherche CNRS « Transports Terrestres et Mobilités »"
    ),
}

# Measure rules the text sets case by case: the portal's starting values, editable afterwards.
PARAMETRES_MESURES = [
    {
        "noeud": "II.6",
        "taux_autofinancement_minimum": "20.00",
        "organisations_exemptees": ["Société du Canal Seine-Nord Europe"],
        "source": "« La participation minimale exigée des porteurs de projets (EPCI, Communes, "
        "Associations…) sera variable selon les cas de 20 à 30 % selon les projets et la nature "
        "des porteurs » ; pour les projets sous MOA de la SCSNE, « il ne sera pas exigé de "
        "co-financements du MOA » (l. 1430-1433). Le portail part du bas de la fourchette "
        "(20 %) ; le taux de chaque cas se règle ici.",
    }
]


# Committees the portal starts with (domain-rules §8.1). Each takes its source lines, scope and
# pilot from the reference's `committees_mentioned` (found by `nom_reference`); the measures it
# covers, its pilot organisations and its type are the portal's reading of the text. The general
# programming committee is not named by the text (the charter is not reproduced, l. 4446): its
# co-chairs are the two pilots of every arbitration (l. 3537-3538).
COMITES = [
    {
        "code": "programmation",
        "nom": "Comité de programmation du CPER",
        "type": "programmation",
        "nom_reference": "organes de gouvernance du CPER (charte de gouvernance annexée)",
        "mesures": ["I", "II", "III", "IV", "V", "VI"],
        "pilotes": ["etat", "region"],
        "pilotage": "coprésidé par le préfet de région et le président du conseil régional",
        # Shown on the committee's page, for people: where each part of it comes from.
        "note": "Le contrat confie la sélection des projets à ses « organes de gouvernance » et "
        "renvoie leur composition à une charte de gouvernance. Le nom de ce comité, sa "
        "composition et ses règles de vote sont des réglages fixés par le secrétariat ; sa "
        "coprésidence reprend celle que le contrat prévoit pour les arbitrages (le préfet de "
        "région et le président de région).",
    },
    {
        "code": "gestion-fratri",
        "nom": "Comité de gestion partenarial du FRATRI",
        "type": "gestion",
        "nom_reference": "comité de gestion partenarial du FRATRI",
        "mesures": ["I.1"],
        "pilotes": ["ADEME", "region"],
    },
    {
        "code": "ctd-compiegnois-noyonnais",
        "nom": "Comité territorial du CTD Compiégnois-Noyonnais (CSNE)",
        "type": "territorial",
        "nom_reference": "Comités territoriaux des Contrats territoriaux de développement (CSNE)",
        "mesures": ["II.6"],
        "pilotes": ["etat", "region"],
    },
    {
        "code": "ctd-santerre-haute-somme",
        "nom": "Comité territorial du CTD Santerre-Haute Somme (CSNE)",
        "type": "territorial",
        "nom_reference": "Comités territoriaux des Contrats territoriaux de développement (CSNE)",
        "mesures": ["II.6"],
        "pilotes": ["etat", "region"],
    },
    {
        "code": "ctd-artois-cambresis",
        "nom": "Comité territorial du CTD Artois-Cambrésis (CSNE)",
        "type": "territorial",
        "nom_reference": "Comités territoriaux des Contrats territoriaux de développement (CSNE)",
        "mesures": ["II.6"],
        "pilotes": ["etat", "region"],
    },
    {
        "code": "projets-territoires-csne",
        "nom": "Comité des projets des territoires (CSNE)",
        "type": "projets_territoires",
        "nom_reference": "Comité des projets des territoires (CSNE)",
        "mesures": ["II.6"],
        "pilotes": ["region"],
        "pilotage": "instruction dans un cadre partenarial ; la Région pourra assurer le "
        "secrétariat général des Projets des territoires",
    },
    {
        "code": "technique-velo",
        "nom": "Comité technique vélo de suivi du CPER",
        "type": "technique",
        "nom_reference": "comité technique vélo de suivi du CPER",
        "mesures": ["V.2.1"],
        "pilotes": ["region"],
    },
    {
        "code": "technique-transports-collectifs",
        "nom": "Comité technique Transports collectifs de suivi du CPER",
        "type": "technique",
        "nom_reference": "comité technique Transports Collectifs de suivi du CPER",
        "mesures": ["V.2.2"],
        "pilotes": ["region"],
    },
    {
        "code": "technique-ferroviaire-voyageurs",
        "nom": "Comité technique ferroviaire voyageurs de suivi du CPER",
        "type": "technique",
        "nom_reference": "comité technique ferroviaire voyageurs de suivi du CPER",
        "mesures": ["V.3.1"],
        "pilotes": ["region"],
    },
    {
        "code": "technique-fret-ferroviaire",
        "nom": "Comité technique ferroviaire fret de suivi du CPER",
        "type": "technique",
        "nom_reference": "comité technique ferroviaire fret de suivi du CPER",
        "mesures": ["V.3.2"],
        "pilotes": ["region"],
    },
    {
        "code": "technique-fluvial-portuaire",
        "nom": "Comité technique fluvial et portuaire de suivi du CPER",
        "type": "technique",
        "nom_reference": "comité technique fluvial et portuaire de suivi du CPER",
        "mesures": ["V.3.3"],
        "pilotes": ["etat"],
        "pilotage": "piloté par l'État",
    },
    {
        "code": "technique-ports-maritimes",
        "nom": "Comité technique ports maritimes de suivi du CPER",
        "type": "technique",
        "nom_reference": "comité technique ports maritimes de suivi du CPER",
        "mesures": ["V.3.4"],
        "pilotes": ["region"],
    },
    {
        "code": "technique-routier",
        "nom": "Comité technique routier de suivi du CPER",
        "type": "technique",
        "nom_reference": "comité technique routier de suivi du CPER",
        "mesures": ["V.3.5"],
        "pilotes": ["etat"],
        "pilotage": "piloté par la DREAL",
    },
]

# Organisations that pilot a committee without being a signatory.
ORGANISATIONS_PILOTES = {"ADEME": {"nom": "ADEME", "sigle": "ADEME", "type": "operateur"}}

# The « grille d'analyse et de formalisation des actions » (VI.2, l. 4446-4453): the text gives
# the criteria only; scale (0 to 4) and weights (1) are the portal's settings.
GRILLE = {
    "version": 1,
    "libelle": "Grille d'analyse et de formalisation des actions",
    "source": "VI.2, l. 4446-4453 : le contrat donne les critères ; l'échelle (0 à 4) et les "
    "poids (1) sont des réglages du portail.",
    "criteres": [
        {
            "code": "conformite-axes",
            "libelle": "Conformité aux axes du CPER",
            "description": "« soumettre des actions conformes aux axes du CPER » (l. 4450).",
        },
        {
            "code": "ambitions",
            "libelle": "Contribution aux ambitions du contrat",
            "description": "« garantir les ambitions du CPER » (l. 4447).",
        },
        {
            "code": "faisabilite",
            "libelle": "Faisabilité dans les délais du contrat",
            "description": "« la faisabilité des projets dans les délais du contrat de plan » "
            "(l. 4447-4448), soit avant fin 2027.",
        },
        {
            "code": "decarbonation",
            "libelle": "Décarbonation",
            "description": "Principe transversal (l. 4451).",
        },
        {
            "code": "impact-environnemental",
            "libelle": "Impact environnemental",
            "description": "Principe transversal (l. 4451).",
        },
        {
            "code": "egalite-femmes-hommes",
            "libelle": "Égalité entre les femmes et les hommes",
            "description": "Principe transversal (l. 4451).",
        },
    ],
}

TYPES_SIGNATAIRE = {
    "etat": "etat",
    "region": "region",
    "departement": "departement",
    "metropole": "metropole",
    "agglomeration": "agglomeration",
}


def euros(montant_meur) -> str:
    """M€ with three decimals (as printed) to euros with two decimals, exactly."""
    return str((Decimal(str(montant_meur)) * Decimal(1_000_000)).quantize(Decimal("0.01")))


def titre_lisible(noeud: dict) -> str:
    if noeud["code"] in TITRES_LISIBLES:
        return TITRES_LISIBLES[noeud["code"]]
    return noeud["title"].rstrip(" :.")


def extrait(texte_signe: list[str], noeud: dict) -> str:
    """The node's own words in the signed text: its heading and what follows, up to its first
    child (a measure's whole text; an axis's or sub-axis's introduction)."""
    enfants = noeud.get("children", [])
    fin = enfants[0]["line"] - 1 if enfants else (noeud.get("end_line") or noeud["line"])
    lignes = [ligne.rstrip() for ligne in texte_signe[noeud["line"] - 1 : fin]]
    return "\n".join(lignes).strip()


def noeuds(reference: dict, texte_signe: list[str]) -> list[dict]:
    resultat = []

    def parcourir(noeud, parent, ordre):
        resultat.append(
            {
                "code": noeud["code"],
                "parent": parent,
                "niveau": noeud["level"],
                "ordre": ordre,
                "titre_imprime": noeud.get("title_as_printed") or noeud["title"],
                "titre": titre_lisible(noeud),
                "ligne": noeud["line"],
                "ligne_fin": noeud.get("end_line"),
                "texte": extrait(texte_signe, noeud),
            }
        )
        for rang, enfant in enumerate(noeud.get("children", []), start=1):
            parcourir(enfant, noeud["code"], rang)

    for rang, axe in enumerate(reference["axes"], start=1):
        parcourir(axe, None, rang)
    return resultat


def type_organisation(nom: str) -> str:
    bas = nom.lower()
    if bas.startswith(("université", "institut", "école", "ensam")) or "centrale" in bas:
        return "enseignement_recherche"
    if bas.startswith("crous"):
        return "operateur"
    if "cnrs" in bas or "alliance" in bas:
        return "enseignement_recherche"
    return "autre"


def operations(reference: dict) -> list[dict]:
    resultat = []
    for op in reference["named_operations"]:
        if op["mention_type"] != "operation_listee":
            continue
        proprietaire = op.get("owner")
        lieu = op.get("territory")
        resultat.append(
            {
                "identifiant": op["id"],
                "mesure": op["measure_code"],
                "titre": op["title"],
                "type": op["kind"],
                "extrait": op.get("excerpt") or "",
                "maitre_ouvrage_texte": proprietaire or "",
                "maitre_ouvrage_signataire": MAITRES_OUVRAGE_SIGNATAIRES.get(proprietaire),
                "maitre_ouvrage_nom": (
                    None
                    if not proprietaire or proprietaire in MAITRES_OUVRAGE_SIGNATAIRES
                    else MAITRES_OUVRAGE_NOMS.get(proprietaire, proprietaire)
                ),
                "territoire_texte": lieu or "",
                "departements": DEPARTEMENTS_PAR_LIEU.get(lieu, []) if lieu else [],
                "montant_mentionne": euros(op["amount_meur"])
                if op.get("amount_meur") is not None
                else None,
                "montant_note": op.get("amount_note", ""),
                "hors_cper": bool(op.get("hors_cper")),
                "calendrier_texte": op.get("calendar", "") or "",
                "note": op.get("note", "") or "",
                "ligne": op["line"],
                "parent": op.get("parent_id"),
            }
        )
    return resultat


def comites(reference: dict) -> list[dict]:
    mentions = {c["name"]: c for c in reference["committees_mentioned"]}
    resultat = []
    for ordre, comite in enumerate(COMITES, start=1):
        mention = mentions[comite["nom_reference"]]
        resultat.append(
            {
                "code": comite["code"],
                "nom": comite["nom"],
                "type": comite["type"],
                "ordre": ordre,
                "portee": mention.get("scope", ""),
                "pilotes": comite["pilotes"],
                "pilotage": comite.get("pilotage")
                or mention.get("piloted_by")
                or mention.get("chaired_by", ""),
                "mesures": comite["mesures"],
                "ligne": mention["line"],
                "autres_lignes": ", ".join(str(n) for n in mention.get("also_lines", [])),
                "note": comite.get("note", mention.get("note", "")),
            }
        )
    return resultat


# Line numbers of the extraction are for the team, not for the people who read the portal's
# pages (issue 15): the derived texts quote the contract without them. Structured line fields
# (`ligne`, `ligne_fin`) keep them, for provenance.
_LIGNES = [
    (re.compile(r"(\b[IVX]+\.\d+), l\. ?\d+(?:-\d+)? :"), r"Partie \1 :"),
    (re.compile(r"(»), l\. ?\d+(?:-\d+)?\)"), r"\1)"),
    (re.compile(r"\s*\(l\. ?\d+(?:-\d+)?\)"), ""),
]


def sans_numeros_de_ligne(valeur):
    """The fixture's texts without « (l. 4451) » and the like, recursively."""
    if isinstance(valeur, dict):
        return {cle: sans_numeros_de_ligne(v) for cle, v in valeur.items()}
    if isinstance(valeur, list):
        return [sans_numeros_de_ligne(v) for v in valeur]
    if isinstance(valeur, str):
        for motif, remplacement in _LIGNES:
            valeur = motif.sub(remplacement, valeur)
    return valeur


def main(chemin: str) -> None:
    reference = json.loads(Path(chemin).read_text(encoding="utf-8"))
    # The signed text sits beside the extraction, in ../seed/, under the name it records.
    source = Path(chemin).resolve().parent.parent / "seed" / reference["source"]
    texte_signe = source.read_text(encoding="utf-8").splitlines()
    programme = reference["programme"]
    signataires = []
    for ordre, sig in enumerate(reference["signatories"], start=1):
        signataires.append(
            {
                "code": sig["code"],
                "ordre": ordre,
                "nom": sig["name"],
                "nom_article_2": sig["name_in_article_2"],
                "type": TYPES_SIGNATAIRE[sig["kind"]],
                "representant": sig["representative"],
                "ligne_representant": sig["representative_line"],
                "montant_article_2": euros(sig["envelope_meur"]),
                "ligne_article_2": sig["envelope_line"],
                "date_deliberation": sig["deliberation_date"],
                "ligne_deliberation": sig["deliberation_line"],
            }
        )
    total = sum(Decimal(s["montant_article_2"]) for s in signataires)
    if total != Decimal("2759563000.00"):
        raise SystemExit(f"Le total de l'article 2 ne fait pas 2 759 563 000,00 € : {total}")

    fixture = {
        "source": {
            "fichier": reference["source"],
            "sha256": reference["source_sha256"],
            "lignes": reference["source_line_count"],
        },
        "contrat": {
            "code": "cper-hdf-2021-2027",
            "nom": programme["name"],
            "sigle": programme["acronym"],
            "region": programme["region"],
            "annee_debut": programme["period"][0],
            "annee_fin": programme["period"][1],
            "lieu_signature": programme["signed_at"],
            "date_signature": programme["signed_on"],
            "ligne_signature": programme["signature_line"],
            "articles": [
                {"numero": a["number"], "ligne": a["line"], "texte": a["text"]}
                for a in programme["articles"]
            ],
        },
        "signataires": signataires,
        "departements": DEPARTEMENTS,
        "territoires_speciaux": TERRITOIRES_SPECIAUX,
        "noeuds": noeuds(reference, texte_signe),
        "operations": operations(reference),
        "parametres_mesures": PARAMETRES_MESURES,
        "organisations_pilotes": list(ORGANISATIONS_PILOTES.values()),
        "comites": comites(reference),
        "grille_analyse": GRILLE,
    }
    fixture = sans_numeros_de_ligne(fixture)
    SORTIE.parent.mkdir(exist_ok=True)
    SORTIE.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{SORTIE}: {len(fixture['noeuds'])} nœuds, {len(fixture['operations'])} opérations")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/cper-hdf-2021-2027.json")
