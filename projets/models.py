"""Projects (opérations): the ones the contract names, and the ones filed under a measure."""

from django.db import models

from axes.models import Departement, Noeud, TerritoireSpecial
from comptes.models import Organisation
from cper.socle.montants import MONTANT


class Statut(models.TextChoices):
    INSCRIT_CONTRAT = "inscrit_contrat", "Inscrit au contrat"
    BROUILLON = "brouillon", "Brouillon"
    DEPOSE = "depose", "Déposé"
    INCOMPLET = "incomplet", "Incomplet"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    INSTRUIT = "instruit", "Instruit"
    INSCRIT_ORDRE_DU_JOUR = "inscrit_odj", "Inscrit à l'ordre du jour"
    RETENU = "retenu", "Retenu"
    REJETE = "rejete", "Rejeté"
    AJOURNE = "ajourne", "Ajourné"
    PROGRAMME = "programme", "Programmé"
    EN_COURS = "en_cours", "En cours"
    SOLDE = "solde", "Soldé"
    ABANDONNE = "abandonne", "Abandonné"


class Origine(models.TextChoices):
    CONTRAT = "contrat", "Opération inscrite au contrat"
    DEPOT = "depot", "Projet déposé au titre de la programmation"


class ProjetQuerySet(models.QuerySet):
    def avec_relations(self) -> "ProjetQuerySet":
        return self.select_related("mesure", "mesure__axe", "maitre_ouvrage").prefetch_related(
            "departements"
        )


class Projet(models.Model):
    reference = models.CharField("référence", max_length=30, unique=True)
    titre = models.CharField("titre", max_length=500)
    description = models.TextField("description", blank=True)
    mesure = models.ForeignKey(
        Noeud, verbose_name="mesure", on_delete=models.PROTECT, related_name="projets"
    )
    origine = models.CharField(
        "origine", max_length=10, choices=Origine.choices, default=Origine.DEPOT
    )
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.BROUILLON
    )
    maitre_ouvrage = models.ForeignKey(
        Organisation,
        verbose_name="maître d'ouvrage",
        on_delete=models.PROTECT,
        related_name="projets",
        null=True,
        blank=True,
    )
    maitre_ouvrage_texte = models.TextField(
        "maître d'ouvrage tel que le contrat le désigne", blank=True
    )
    territoire_texte = models.CharField("territoire tel que décrit", max_length=255, blank=True)
    departements = models.ManyToManyField(
        Departement, verbose_name="départements", related_name="projets", blank=True
    )
    territoires_speciaux = models.ManyToManyField(
        TerritoireSpecial,
        verbose_name="territoires spécifiques",
        related_name="projets",
        blank=True,
    )
    montant_mentionne = models.DecimalField(
        "montant cité par le contrat (€)",
        **MONTANT,
        null=True,
        blank=True,
        help_text="Seulement quand le texte signé énonce un montant.",
    )
    montant_mentionne_note = models.TextField("ce que dit le contrat du montant", blank=True)
    hors_cper = models.BooleanField(
        "financé hors CPER",
        default=False,
        help_text="Le contrat cite l'opération mais la finance par des crédits hors CPER.",
    )
    calendrier_texte = models.TextField("calendrier cité par le contrat", blank=True)
    note_contrat = models.TextField("remarque sur le texte du contrat", blank=True)
    identifiant_contrat = models.CharField(
        "identifiant de l'opération dans le contrat",
        max_length=20,
        unique=True,
        null=True,
        blank=True,
    )
    operation_parente = models.ForeignKey(
        "self",
        verbose_name="opération d'ensemble",
        on_delete=models.PROTECT,
        related_name="sous_operations",
        null=True,
        blank=True,
    )
    ligne_contrat = models.PositiveIntegerField("ligne du texte signé", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = ProjetQuerySet.as_manager()

    class Meta:
        verbose_name = "projet"
        verbose_name_plural = "projets"
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant_mentionne__gte=0) | models.Q(montant_mentionne=None),
                name="projet_montant_mentionne_positif",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.titre}"
