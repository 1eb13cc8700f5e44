"""Loads the operations that the contract names and commits to (« opérations listées »)."""

from decimal import Decimal

from axes.models import Contrat, Departement, Noeud, Signataire
from comptes.models import Organisation, TypeOrganisation
from projets.models import Origine, ParametreMesure, Projet, Statut
from socle.chargement import Bilan, synchroniser, synchroniser_m2m


def reference_operation(identifiant: str) -> str:
    """`op-041` → `HDF-CPER-041`, the reference people quote for a listed operation."""
    return "HDF-CPER-" + identifiant.removeprefix("op-")


def _maitre_ouvrage(contrat: Contrat, operation: dict, bilan: Bilan) -> Organisation | None:
    if operation["maitre_ouvrage_signataire"]:
        return Signataire.objects.get(
            contrat=contrat, code=operation["maitre_ouvrage_signataire"]
        ).organisation
    if operation["maitre_ouvrage_nom"]:
        nom = operation["maitre_ouvrage_nom"]
        bas = nom.lower()
        if bas.startswith("crous"):
            type_ = TypeOrganisation.OPERATEUR
        elif any(m in bas for m in ("université", "institut", "école", "ensam", "cnrs", "a2u")):
            type_ = TypeOrganisation.ENSEIGNEMENT_RECHERCHE
        else:
            type_ = TypeOrganisation.AUTRE
        return synchroniser(Organisation, bilan, {"nom": nom}, {}, creation_seule={"type": type_})
    return None


def charger_operations(*, contrat: Contrat, donnees: dict, bilan: Bilan) -> None:
    mesures = {n.code: n for n in Noeud.objects.filter(contrat=contrat)}
    departements = {d.code_insee: d for d in Departement.objects.all()}
    par_identifiant: dict[str, Projet] = {}
    for op in donnees["operations"]:
        projet = synchroniser(
            Projet,
            bilan,
            {"identifiant_contrat": op["identifiant"]},
            {"reference": reference_operation(op["identifiant"])},
            # The lifecycle moves on after loading; a reload never resets it.
            creation_seule={"statut": Statut.INSCRIT_CONTRAT},
            # What the contract says of the operation is written on creation; a field that
            # differs later was changed on the portal (an avenant, an edit): it is left alone.
            proteges={
                "titre": op["titre"],
                "description": op["extrait"],
                "mesure": mesures[op["mesure"]],
                "origine": Origine.CONTRAT,
                "maitre_ouvrage": _maitre_ouvrage(contrat, op, bilan),
                "maitre_ouvrage_texte": op["maitre_ouvrage_texte"],
                "territoire_texte": op["territoire_texte"],
                "montant_mentionne": Decimal(op["montant_mentionne"])
                if op["montant_mentionne"]
                else None,
                "montant_mentionne_note": op["montant_note"],
                "hors_cper": op["hors_cper"],
                "calendrier_texte": op["calendrier_texte"],
                "note_contrat": op["note"],
                "ligne_contrat": op["ligne"],
                "operation_parente": par_identifiant.get(op["parent"]) if op["parent"] else None,
            },
        )
        synchroniser_m2m(
            projet.departements,
            [departements[code] for code in op["departements"]],
            bilan,
            protege=True,
        )
        par_identifiant[op["identifiant"]] = projet


def charger_parametres(*, contrat: Contrat, donnees: dict, bilan: Bilan) -> None:
    """Starting values of the measure rules; once loaded, they are the administrators' to set."""
    for p in donnees.get("parametres_mesures", []):
        parametre = synchroniser(
            ParametreMesure,
            bilan,
            {"noeud": Noeud.objects.get(contrat=contrat, code=p["noeud"])},
            {"source": p["source"]},
            creation_seule={
                "taux_autofinancement_minimum": Decimal(p["taux_autofinancement_minimum"])
            },
        )
        if parametre.organisations_exemptees.exists():
            continue
        exemptees = [
            synchroniser(
                Organisation,
                bilan,
                {"nom": nom},
                {},
                creation_seule={"type": TypeOrganisation.OPERATEUR},
            )
            for nom in p["organisations_exemptees"]
        ]
        parametre.organisations_exemptees.set(exemptees)
