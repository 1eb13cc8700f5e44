"""Following the contract's execution (Article 3: « mis en œuvre, suivi et évalué »).

A programmed line carries a payment schedule per budget year: what its signatory expects to
commit (autorisations d'engagement) and to pay (crédits de paiement) that year.
"""

from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q

from financement.models import LigneProgrammee
from socle.montants import MONTANT, Chiffres


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


# --- Indicators (VI.2: « des modalités de suivi régulier et une démarche évaluative ») ------
class NatureIndicateur(models.TextChoices):
    REALISATION = "realisation", "Réalisation"
    RESULTAT = "resultat", "Résultat"


VALEUR: Final[Chiffres] = {"max_digits": 16, "decimal_places": 2}


class Indicateur(models.Model):
    """An indicator of a measure, defined by the secretariat. The contract gives none in
    figures: the baseline and the 2027 target are the partners' (none is pre-loaded)."""

    noeud = models.ForeignKey(
        "axes.Noeud", verbose_name="mesure", on_delete=models.PROTECT, related_name="indicateurs"
    )
    nom = models.CharField("nom", max_length=300)
    unite = models.CharField("unité", max_length=50)
    nature = models.CharField("nature", max_length=12, choices=NatureIndicateur.choices)
    valeur_reference = models.DecimalField("valeur de référence", **VALEUR, null=True, blank=True)
    cible_2027 = models.DecimalField("cible 2027", **VALEUR)
    source = models.CharField("source", max_length=300)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["noeud__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["noeud", "nom"], name="indicateur_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.noeud.code} – {self.nom}"


class ContributionIndicateur(models.Model):
    """A dossier's expected contribution to an indicator of its measure, and the value its
    porteur reports as achieved."""

    projet = models.ForeignKey(
        "projets.Projet", on_delete=models.CASCADE, related_name="contributions_indicateurs"
    )
    indicateur = models.ForeignKey(
        Indicateur, on_delete=models.PROTECT, related_name="contributions"
    )
    valeur_attendue = models.DecimalField("contribution attendue", **VALEUR)
    valeur_realisee = models.DecimalField("valeur réalisée", **VALEUR, null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "contribution à un indicateur"
        verbose_name_plural = "contributions aux indicateurs"
        ordering = ["indicateur", "projet"]
        constraints = [
            models.UniqueConstraint(
                fields=["projet", "indicateur"], name="contribution_indicateur_unique"
            ),
            models.CheckConstraint(
                condition=Q(valeur_attendue__gte=0), name="contribution_attendue_positive"
            ),
            models.CheckConstraint(
                condition=Q(valeur_realisee__isnull=True) | Q(valeur_realisee__gte=0),
                name="contribution_realisee_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.projet} {self.indicateur}"


class JournalSuivi(models.Model):
    """Who did what in the follow-up (schedules, indicators, contributions): append-only."""

    quand = models.DateTimeField("quand", auto_now_add=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("action", max_length=40)
    objet = models.CharField("objet", max_length=200)
    detail = models.JSONField("détail", default=dict, blank=True)

    class Meta:
        verbose_name = "événement du suivi"
        verbose_name_plural = "journal du suivi"
        ordering = ["-quand", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.objet}"
