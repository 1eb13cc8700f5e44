"""Loads the committees the contract names and the default analysis grid (VI.2).

Idempotent. What the contract says (name, description, pilots, source lines) is brought back
to the text on every load; what the secretariat configures (the measures covered, the quorum and
majority rules, the power to programme, the members) and the grid's scale and weights are set
only on creation, so that edits made on the portal stay: a load says what it left alone.
Only the general programming committee (« comité de programmation », code `programmation`)
has the power to programme on creation; the others give opinions.
"""

from decimal import Decimal

from axes.models import Contrat, Noeud, Signataire
from comptes.models import Organisation
from gouvernance.models import Comite, Critere, GrilleAnalyse, TypeComite
from socle.chargement import Bilan, synchroniser, synchroniser_m2m


def _organisation_pilote(contrat: Contrat, code: str) -> Organisation:
    signataire = Signataire.objects.filter(contrat=contrat, code=code).first()
    if signataire is not None:
        return signataire.organisation
    return Organisation.objects.get(nom=code)


CODE_COMITE_DE_PROGRAMMATION = "programmation"


def a_pouvoir_de_programmer(comite: dict) -> bool:
    """The power to programme on creation: the general programming committee alone."""
    return (
        comite["code"] == CODE_COMITE_DE_PROGRAMMATION
        and comite["type"] == TypeComite.PROGRAMMATION
    )


def charger_comites(*, contrat: Contrat, donnees: dict, bilan: Bilan) -> None:
    for organisation in donnees.get("organisations_pilotes", []):
        synchroniser(
            Organisation,
            bilan,
            {"nom": organisation["nom"]},
            {},
            creation_seule={"sigle": organisation["sigle"], "type": organisation["type"]},
        )
    noeuds = {n.code: n for n in Noeud.objects.filter(contrat=contrat)}
    for c in donnees.get("comites", []):
        comite = synchroniser(
            Comite,
            bilan,
            {"code": c["code"]},
            {
                "nom": c["nom"],
                "type": c["type"],
                "portee": c["portee"],
                "pilotage": c["pilotage"],
                "ligne": c["ligne"],
                "autres_lignes": c["autres_lignes"],
                "note": c["note"],
                "ordre": c["ordre"],
            },
            creation_seule={"pouvoir_programmer": a_pouvoir_de_programmer(c)},
        )
        synchroniser_m2m(
            comite.mesures, [noeuds[code] for code in c["mesures"]], bilan, protege=True
        )
        synchroniser_m2m(
            comite.pilotes, [_organisation_pilote(contrat, code) for code in c["pilotes"]], bilan
        )


def charger_grille(*, donnees: dict, bilan: Bilan) -> None:
    g = donnees.get("grille_analyse")
    if not g:
        return
    # The first grid is active on creation; a later version, once activated, stays so.
    premiere = not GrilleAnalyse.objects.exists()
    grille = synchroniser(
        GrilleAnalyse,
        bilan,
        {"version": g["version"]},
        {"libelle": g["libelle"], "source": g["source"]},
        creation_seule={"active": premiere},
    )
    for ordre, critere in enumerate(g["criteres"], start=1):
        synchroniser(
            Critere,
            bilan,
            {"grille": grille, "code": critere["code"]},
            {"libelle": critere["libelle"], "description": critere["description"], "ordre": ordre},
            creation_seule={"echelle_max": 4, "poids": Decimal("1.00")},
        )
