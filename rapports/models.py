"""Documents produced in the background (bilans) and the jobs that build them.

`rapports` reads the apps below it; only the top floor (`tableau_de_bord`) reads it.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models

from comptes.models import Utilisateur


class TypeTravail(models.TextChoices):
    BILAN_EXECUTION = "bilan_execution", "Bilan d'exécution du CPER"
    BILAN_SIGNATAIRE = "bilan_signataire", "Bilan d'exécution d'un signataire"
    FICHE_PROJET = "fiche_projet", "Fiche projet"
    PROCES_VERBAL = "proces_verbal", "Procès-verbal de séance"


class EtatTravail(models.TextChoices):
    EN_ATTENTE = "en_attente", "en attente"
    EN_COURS = "en_cours", "en cours"
    PRET = "pret", "prêt"
    ECHEC = "echec", "échec"


ETATS_TERMINES = (EtatTravail.PRET, EtatTravail.ECHEC)


class TravailQuerySet(models.QuerySet["Travail"]):
    def visibles_par(self, utilisateur: Utilisateur | AnonymousUser) -> "TravailQuerySet":
        """A job is seen by whoever asked for it, and by the CPER secretariat (administrators)."""
        if not utilisateur.is_authenticated:
            return self.none()
        if utilisateur.est_administrateur:
            return self
        return self.filter(demandeur=utilisateur)


class Travail(models.Model):
    """One request for a document, from the click to the file (or to a message in French)."""

    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.CASCADE,
        related_name="travaux",
    )
    type = models.CharField("document", max_length=30, choices=TypeTravail.choices)
    parametres = models.JSONField("paramètres", default=dict, blank=True)
    etat = models.CharField(
        "état", max_length=20, choices=EtatTravail.choices, default=EtatTravail.EN_ATTENTE
    )
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    fichier = models.FileField("fichier produit", upload_to="rapports/", blank=True)
    message_erreur = models.TextField("message d'erreur", blank=True)
    cree_le = models.DateTimeField("demandé le", auto_now_add=True)
    demarre_le = models.DateTimeField("commencé le", null=True, blank=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)
    celery_task_id = models.CharField("identifiant de la tâche Celery", max_length=255, blank=True)
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)

    objects = TravailQuerySet.as_manager()

    class Meta:
        verbose_name = "travail en arrière-plan"
        verbose_name_plural = "travaux en arrière-plan"
        ordering = ["-cree_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progression__lte=100), name="travail_progression_max_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(etat="pret") | ~models.Q(fichier=""),
                name="travail_pret_a_un_fichier",
            ),
        ]
        indexes = [models.Index(fields=["etat", "demarre_le"], name="travail_etat_demarre")]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.get_etat_display()})"

    @property
    def libelle(self) -> str:
        """What the user asked for, in words: « Bilan d'exécution — Région Hauts-de-France »."""
        nom = self.parametres.get("signataire_nom") or self.parametres.get("projet_libelle")
        return f"{self.get_type_display()} — {nom}" if nom else self.get_type_display()

    @property
    def est_termine(self) -> bool:
        return self.etat in ETATS_TERMINES

    @property
    def est_pret(self) -> bool:
        return self.etat == EtatTravail.PRET

    @property
    def est_en_echec(self) -> bool:
        return self.etat == EtatTravail.ECHEC

    @property
    def est_en_cours(self) -> bool:
        return self.etat == EtatTravail.EN_COURS
