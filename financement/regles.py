"""Rules of the ledger that several edges ask (the HTML forms, the API, the services)."""

from django.conf import settings

from socle.exceptions import RegleMetierError


def annees_budgetaires() -> range:
    """The budget years on which credits can be opened and commitments recorded
    (`FINANCEMENT_ANNEES_BUDGETAIRES`, 2021-2035 by default)."""
    premiere, derniere = settings.FINANCEMENT_ANNEES_BUDGETAIRES
    return range(premiere, derniere + 1)


def verifier_annee_budgetaire(annee: int, *, champ: str) -> None:
    """Refuse a budget year out of `annees_budgetaires()`, the message keyed by `champ`."""
    annees = annees_budgetaires()
    if annee not in annees:
        raise RegleMetierError(
            erreurs={
                champ: [f"L'année budgétaire doit être comprise entre {annees[0]} et {annees[-1]}."]
            }
        )
