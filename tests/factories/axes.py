"""Lookups in the contract as loaded (the programme tree and the nine signatories are data of
the signed text, not made up by tests)."""

from axes.models import Departement, Noeud, Signataire


def signataire(code: str) -> Signataire:
    return Signataire.objects.select_related("organisation").get(code=code)


def noeud(code: str) -> Noeud:
    return Noeud.objects.get(code=code)


def departement(code_insee: str) -> Departement:
    return Departement.objects.get(code_insee=code_insee)
