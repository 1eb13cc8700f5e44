"""Quorum and majority rules of a committee, as pure functions.

The charter that would fix them is not in the text we have (Article 3, l. 4446): each committee
carries its rules as settings (`Comite.regle_quorum`, `regle_majorite`, `regle_egalite`).
"""

from dataclasses import dataclass

from gouvernance.models import RegleEgalite, RegleMajorite, RegleQuorum, Resultat


def quorum_requis(regle: str, votants: int) -> int:
    """How many voting members must be present or represented (a proxy counts as present)."""
    if regle == RegleQuorum.AUCUN:
        return 0
    if regle == RegleQuorum.TIERS:
        return -(-votants // 3)
    if regle == RegleQuorum.DEUX_TIERS:
        return -(-2 * votants // 3)
    return votants // 2 + 1  # strictly more than half


def quorum_atteint(regle: str, votants: int, presents: int) -> bool:
    if regle == RegleQuorum.AUCUN:
        return True
    return votants > 0 and presents >= quorum_requis(regle, votants)


@dataclass(frozen=True)
class Issue:
    resultat: str
    motif: str


def _pluriel(n: int, mot: str) -> str:
    return f"{n} {mot}{'s' if n > 1 else ''}"


def issue_du_vote(*, majorite: str, egalite: str, pour: int, contre: int, abstention: int) -> Issue:
    """The item's decision from its counts, by the committee's rules."""
    compte = f"{pour} pour, {contre} contre, {_pluriel(abstention, 'abstention')}"
    exprimes = pour + contre
    if majorite == RegleMajorite.ABSOLUE:
        adopte = 2 * pour > pour + contre + abstention
        regle = "majorité absolue des votes"
    elif majorite == RegleMajorite.DEUX_TIERS:
        adopte = exprimes > 0 and 3 * pour >= 2 * exprimes
        regle = "deux tiers des suffrages exprimés"
    else:
        adopte = pour > contre
        regle = "majorité simple des suffrages exprimés"
    if adopte:
        return Issue(Resultat.RETENU, f"{compte} : {regle} atteinte.")
    if pour == contre:
        resultat = Resultat.REJETE if egalite == RegleEgalite.REJETE else Resultat.AJOURNE
        quoi = "rejeté" if resultat == Resultat.REJETE else "ajourné"
        return Issue(resultat, f"{compte} : égalité des voix, le dossier est {quoi}.")
    return Issue(Resultat.REJETE, f"{compte} : {regle} non atteinte.")
