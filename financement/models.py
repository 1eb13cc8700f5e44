"""Envelopes of Article 2 and, later, the ledger that draws on them."""

from django.db import models

from axes.models import Signataire
from cper.socle.montants import MONTANT


class EnveloppeQuerySet(models.QuerySet):
    def avec_signataire(self) -> "EnveloppeQuerySet":
        return self.select_related("signataire", "signataire__organisation")


class Enveloppe(models.Model):
    """What a signatory committed to the contract (Article 2), in euros.

    It starts at the Article 2 amount and changes only through an avenant in force.
    """

    signataire = models.OneToOneField(
        Signataire, verbose_name="signataire", on_delete=models.PROTECT, related_name="enveloppe"
    )
    montant = models.DecimalField("montant en vigueur (€)", **MONTANT)

    objects = EnveloppeQuerySet.as_manager()

    class Meta:
        verbose_name = "enveloppe"
        verbose_name_plural = "enveloppes"
        ordering = ["signataire__ordre"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant__gte=0), name="enveloppe_montant_positif"
            ),
        ]

    def __str__(self) -> str:
        return f"Enveloppe {self.signataire}"
