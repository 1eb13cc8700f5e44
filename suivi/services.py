"""Write use-cases of the execution follow-up (one transaction each)."""

from decimal import Decimal

from django.db import transaction

from comptes.models import Utilisateur
from financement.models import LigneProgrammee
from financement.regles import verifier_annee_budgetaire
from socle.exceptions import ActionNonAutorisee, RegleMetierError
from socle.montants import format_euros
from suivi.models import Echeance
from suivi.permissions import peut_modifier_echeancier


@transaction.atomic
def echeancier_definir(
    *, ligne: LigneProgrammee, echeances: dict[int, tuple[Decimal, Decimal]], par: Utilisateur
) -> list[Echeance]:
    """Replace a programmed line's schedule ({année: (AE, CP)}). The totals cannot exceed the
    programmed amount (Article 2: the amounts are contractual); all or nothing."""
    ligne = (
        LigneProgrammee.objects.select_for_update()
        .select_related("signataire", "projet")
        .get(pk=ligne.pk)
    )
    if not peut_modifier_echeancier(par, ligne):
        raise ActionNonAutorisee(
            "Seuls le porteur du dossier et les agents "
            f"{ligne.signataire.de_nom} modifient l'échéancier de cette ligne."
        )
    erreurs: dict[str, list[str]] = {}
    for annee, (ae, cp) in echeances.items():
        verifier_annee_budgetaire(annee, champ="annee")
        if ae < 0 or cp < 0:
            erreurs.setdefault("montant", []).append(
                f"{annee} : les montants ne peuvent pas être négatifs."
            )
    total_ae = sum((ae for ae, _ in echeances.values()), Decimal("0.00"))
    total_cp = sum((cp for _, cp in echeances.values()), Decimal("0.00"))
    for nom, total in (("montant_ae", total_ae), ("montant_cp", total_cp)):
        if total > ligne.montant_programme:
            erreurs.setdefault(nom, []).append(
                f"L'échéancier totalise {format_euros(total)}, plus que les "
                f"{format_euros(ligne.montant_programme)} programmés sur la ligne."
            )
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    Echeance.objects.filter(ligne=ligne).delete()
    creees = Echeance.objects.bulk_create(
        Echeance(ligne=ligne, annee=a, montant_ae=ae, montant_cp=cp, par=par)
        for a, (ae, cp) in sorted(echeances.items())
    )
    return creees
