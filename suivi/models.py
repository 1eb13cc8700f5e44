"""Following the contract's execution (Article 3: « mis en œuvre, suivi et évalué »).

A programmed line carries a payment schedule per budget year: what its signatory expects to
commit (autorisations d'engagement) and to pay (crédits de paiement) that year.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from financement.models import LigneProgrammee
from socle.montants import MONTANT


class Echeance(models.Model):
    """One year of a programmed line's schedule (AE and CP expected that year)."""

    ligne = models.ForeignKey(LigneProgrammee, on_delete=models.CASCADE, related_name="echeances")
    annee = models.PositiveSmallIntegerField("année budgétaire")
    montant_ae = models.DecimalField("à engager (AE, €)", **MONTANT)
    montant_cp = models.DecimalField("à payer (CP, €)", **MONTANT)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "échéance"
        verbose_name_plural = "échéancier"
        ordering = ["ligne", "annee"]
        constraints = [
            models.UniqueConstraint(fields=["ligne", "annee"], name="echeance_unique"),
            models.CheckConstraint(condition=Q(montant_ae__gte=0), name="echeance_ae_positif"),
            models.CheckConstraint(condition=Q(montant_cp__gte=0), name="echeance_cp_positif"),
        ]

    def __str__(self) -> str:
        return f"{self.ligne} {self.annee}"
