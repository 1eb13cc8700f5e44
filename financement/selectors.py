from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from axes.models import Contrat, Signataire
from cper.socle.montants import taux


@dataclass
class LigneEnveloppe:
    signataire: Signataire
    montant: Decimal
    part: Decimal


def signataires_avec_enveloppe(*, contrat: Contrat) -> QuerySet[Signataire]:
    return (
        Signataire.objects.filter(contrat=contrat)
        .select_related("organisation", "enveloppe")
        .order_by("ordre")
    )


def tableau_enveloppes(*, contrat: Contrat) -> tuple[list[LigneEnveloppe], Decimal]:
    """The nine envelopes in force, each with its share of the total, and the total."""
    signataires = list(signataires_avec_enveloppe(contrat=contrat))
    total = sum((s.enveloppe.montant for s in signataires), Decimal("0.00"))
    lignes = [
        LigneEnveloppe(s, s.enveloppe.montant, taux(s.enveloppe.montant, total))
        for s in signataires
    ]
    return lignes, total
