"""The pieces a dossier must carry to be filed, per measure (issue 15).

The list is the CPER secretariat's setting (`PIECES_REQUISES`): one list for every measure,
and lists for a measure and everything below it (« IV.2 » covers « IV.2.1.a »), the nearest
one winning. Filing (`projets.services.projet_transitionner`), the dossier page's checklist and
the API read it here, and nowhere else.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from axes.models import codes_couvrants
from projets.models import DemandePieces, Projet, TypePiece


def _types(codes: object, ou: str) -> list[TypePiece]:
    if not isinstance(codes, list | tuple):
        raise ImproperlyConfigured(f"PIECES_REQUISES[{ou}] doit être une liste de types.")
    inconnus = [c for c in codes if c not in TypePiece.values]
    if inconnus:
        raise ImproperlyConfigured(
            f"PIECES_REQUISES[{ou}] : types de pièce inconnus {inconnus} "
            f"(connus : {', '.join(TypePiece.values)})."
        )
    return [TypePiece(c) for c in dict.fromkeys(codes)]


def pieces_requises(projet: Projet) -> list[TypePiece]:
    """The types of piece the dossier's measure asks at filing: the list of the nearest
    measure above it (or itself) the setting names, else the list for every measure."""
    reglage: dict[str, Any] = settings.PIECES_REQUISES
    par_mesure: dict[str, object] = reglage.get("par_mesure") or {}
    for code in reversed(codes_couvrants(projet.mesure.code)):
        if code in par_mesure:
            return _types(par_mesure[code], f"par_mesure][{code}")
    return _types(reglage.get("defaut") or [], "defaut")


def verifier_reglage(app_configs: object = None, **kwargs: object) -> list[checks.Error]:
    """System check (`manage.py check`, each start): the secretariat's list names known types
    only, so that a typo stops the deployment instead of refusing a filing with a 500."""
    reglage = getattr(settings, "PIECES_REQUISES", None)
    if not isinstance(reglage, dict):
        return [checks.Error("PIECES_REQUISES doit être un dictionnaire.", id="projets.E001")]
    erreurs = []
    listes = {"defaut": reglage.get("defaut") or []}
    listes |= {f"par_mesure][{c}": v for c, v in (reglage.get("par_mesure") or {}).items()}
    for ou, codes in listes.items():
        try:
            _types(codes, ou)
        except ImproperlyConfigured as erreur:
            erreurs.append(checks.Error(str(erreur), id="projets.E001"))
    return erreurs


@dataclass(frozen=True)
class PieceDemandee:
    type: TypePiece
    fournie: bool

    @property
    def libelle(self) -> str:
        return str(self.type.label)


def etat_des_pieces(projet: Projet, types_fournis: set[str] | None = None) -> list[PieceDemandee]:
    """Each piece asked at filing, and whether the dossier carries one (`types_fournis`: the
    types of its documents when the caller already loaded them)."""
    if types_fournis is None:
        types_fournis = set(projet.documents.values_list("type_piece", flat=True))
    return [PieceDemandee(t, t in types_fournis) for t in pieces_requises(projet)]


def pieces_manquantes(projet: Projet) -> list[TypePiece]:
    """The pieces asked at filing that the dossier does not carry yet."""
    return [p.type for p in etat_des_pieces(projet) if not p.fournie]


def libelles(types: list[TypePiece] | list[str]) -> str:
    """« délibération de l'organe compétent, plan de situation et devis ou estimation »."""
    noms = [TypePiece(t).label[0].lower() + TypePiece(t).label[1:] for t in types]
    if len(noms) <= 1:
        return "".join(noms)
    return ", ".join(noms[:-1]) + " et " + noms[-1]


def demandes_ouvertes(projet: Projet) -> list[DemandePieces]:
    """The instructors' requests for more pieces not yet provided, oldest first."""
    return list(
        projet.demandes_pieces.filter(close_le=None)
        .select_related("demande_par")
        .order_by("demande_le", "pk")
    )


def types_demandes(demandes: list[DemandePieces]) -> list[str]:
    """The types the open requests name, each once, in the order they were asked."""
    return list(dict.fromkeys(t for d in demandes for t in d.types))
