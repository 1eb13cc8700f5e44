"""Co-financing scenarios of the Mobilités programming (axis V), before any dossier exists.

Each mobility sub-axis describes the same procedure (seed l. 3526-3537): the characteristics
of the operations envisaged (calendar, socio-economic criteria, costs), then « construction de
scénarios de co-financements », then a negotiation that « visera à arbitrer les choix ». A
candidate operation is recorded for a sub-axis; a scenario splits each retained candidate's
cost between the nine signatories and other funders, over the years of its phasing; each
signatory states its position; the secretariat adopts one scenario at a session. Adoption
drafts an avenant and the dossiers (`scenarios.services.scenario_adopter`); nothing here
moves money.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from axes.models import Departement, Noeud, Signataire
from comptes.models import Organisation
from financement.models import Avenant
from gouvernance.models import Comite, Seance
from projets.models import Projet, SourceFinancement
from socle.montants import MONTANT


class CritereComite(models.Model):
    """A socio-economic criterion a committee asks of its candidate operations (free text,
    set per committee: the contract lists none)."""

    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="criteres_candidats")
    code = models.SlugField("code", max_length=50)
    libelle = models.CharField("libellé", max_length=255)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "critère socio-économique"
        verbose_name_plural = "critères socio-économiques"
        ordering = ["comite", "ordre", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comite", "code"], name="critere_candidat_unique")
        ]

    def __str__(self) -> str:
        return self.libelle


class OperationCandidate(models.Model):
    """An operation envisaged for a sub-axis (Étape 2), before any dossier exists."""

    sous_axe = models.ForeignKey(
        Noeud, verbose_name="sous-axe", on_delete=models.PROTECT, related_name="candidates"
    )
    intitule = models.CharField("intitulé", max_length=255)
    maitre_ouvrage = models.ForeignKey(
        Organisation,
        verbose_name="maître d'ouvrage",
        on_delete=models.PROTECT,
        related_name="operations_candidates",
    )
    territoire = models.CharField("territoire", max_length=255, blank=True)
    departements = models.ManyToManyField(
        Departement, verbose_name="départements", related_name="+", blank=True
    )
    annee_debut = models.PositiveSmallIntegerField("première année")
    annee_fin = models.PositiveSmallIntegerField("dernière année")
    cout = models.DecimalField("coût estimé HT (€)", **MONTANT)
    criteres = models.JSONField("critères socio-économiques", default=dict, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cree_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    historique = HistoricalRecords(verbose_name="historique des opérations candidates")

    class Meta:
        verbose_name = "opération candidate"
        verbose_name_plural = "opérations candidates"
        ordering = ["sous_axe__position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cout__gt=0), name="candidate_cout_positif"),
            models.CheckConstraint(
                condition=Q(annee_fin__gte=models.F("annee_debut")),
                name="candidate_annees_ordonnees",
            ),
        ]

    def __str__(self) -> str:
        return self.intitule


class StatutScenario(models.TextChoices):
    BROUILLON = "brouillon", "En discussion"
    ADOPTE = "adopte", "Adopté"


class Scenario(models.Model):
    sous_axe = models.ForeignKey(
        Noeud, verbose_name="sous-axe", on_delete=models.PROTECT, related_name="scenarios"
    )
    nom = models.CharField("nom", max_length=150)
    description = models.TextField("description", blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutScenario.choices, default=StatutScenario.BROUILLON
    )
    seance = models.ForeignKey(
        Seance,
        verbose_name="séance qui l'a adopté",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scenarios_adoptes",
    )
    avenant = models.ForeignKey(
        Avenant,
        verbose_name="avenant préparé",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scenarios",
    )
    adopte_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopte_le = models.DateTimeField("adopté le", null=True, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    # When its name, operations or shares last changed: a position given before speaks for an
    # earlier version (`scenarios.calculs.LigneSignataire.perimee`).
    version_du = models.DateTimeField("version du", default=timezone.now)

    historique = HistoricalRecords(verbose_name="historique des scénarios")

    class Meta:
        verbose_name = "scénario de cofinancement"
        verbose_name_plural = "scénarios de cofinancement"
        ordering = ["sous_axe__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sous_axe", "nom"], name="scenario_nom_unique"),
            models.CheckConstraint(
                condition=Q(statut="brouillon")
                | (Q(seance__isnull=False) & Q(avenant__isnull=False) & Q(adopte_le__isnull=False)),
                name="scenario_adopte_complet",
            ),
            models.UniqueConstraint(
                fields=["sous_axe"], condition=Q(statut="adopte"), name="scenario_un_adopte"
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def est_adopte(self) -> bool:
        return self.statut == StatutScenario.ADOPTE


class OperationScenario(models.Model):
    """A candidate operation in a scenario: retained or left out, and its phasing."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="operations")
    operation = models.ForeignKey(
        OperationCandidate, on_delete=models.PROTECT, related_name="dans_scenarios"
    )
    incluse = models.BooleanField("retenue", default=True)
    annee_debut = models.PositiveSmallIntegerField("première année")
    annee_fin = models.PositiveSmallIntegerField("dernière année")
    projet = models.OneToOneField(
        Projet,
        verbose_name="dossier créé à l'adoption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scenario_origine",
    )

    historique = HistoricalRecords(verbose_name="historique des opérations d'un scénario")

    class Meta:
        verbose_name = "opération d'un scénario"
        verbose_name_plural = "opérations d'un scénario"
        ordering = ["scenario", "operation__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "operation"], name="operation_scenario_unique"
            ),
            models.CheckConstraint(
                condition=Q(annee_fin__gte=models.F("annee_debut")),
                name="operation_scenario_annees_ordonnees",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} – {self.operation}"


class PartScenario(models.Model):
    """One funder's share of an operation's cost in a scenario, in euros (a percentage typed
    by the user is turned into euros to the cent when saved)."""

    operation_scenario = models.ForeignKey(
        OperationScenario, on_delete=models.CASCADE, related_name="parts"
    )
    signataire = models.ForeignKey(
        Signataire, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(
        "autre financeur", max_length=30, choices=SourceFinancement.choices, blank=True
    )
    montant = models.DecimalField("montant (€)", **MONTANT)

    historique = HistoricalRecords(verbose_name="historique des parts")

    class Meta:
        verbose_name = "part d'un financeur"
        verbose_name_plural = "parts des financeurs"
        ordering = ["operation_scenario", "signataire__ordre", "source"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="part_montant_positif"),
            models.CheckConstraint(
                condition=(Q(signataire__isnull=False) & Q(source=""))
                | (Q(signataire__isnull=True) & ~Q(source="")),
                name="part_un_financeur",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signataire or self.get_source_display()} : {self.montant} €"


class Avis(models.TextChoices):
    ACCORD = "accord", "D'accord"
    ACCORD_PLAFONNE = "accord_plafonne", "D'accord dans la limite d'un plafond"
    REFUS = "refus", "Refuse"


class Position(models.Model):
    """A signatory's position on a scenario, recorded by one of its agents."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="positions")
    signataire = models.ForeignKey(Signataire, on_delete=models.PROTECT, related_name="+")
    avis = models.CharField("position", max_length=20, choices=Avis.choices)
    plafond = models.DecimalField("plafond (€)", **MONTANT, null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField("le", auto_now=True)

    historique = HistoricalRecords(verbose_name="historique des positions")

    class Meta:
        verbose_name = "position d'un signataire"
        verbose_name_plural = "positions des signataires"
        ordering = ["scenario", "signataire__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "signataire"], name="position_unique"),
            models.CheckConstraint(
                condition=(Q(avis="accord_plafonne") & Q(plafond__gte=0))
                | (~Q(avis="accord_plafonne") & Q(plafond__isnull=True)),
                name="position_plafond_coherent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signataire} : {self.get_avis_display()}"


class JournalScenario(models.Model):
    """Who did what on a scenario, and when (the rows' values are kept by their history)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="journal")
    action = models.CharField("action", max_length=50)
    resume = models.CharField("résumé", max_length=500)
    details = models.JSONField("détails", default=dict, blank=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "entrée du journal d'un scénario"
        verbose_name_plural = "journal des scénarios"
        ordering = ["-le", "-pk"]

    def __str__(self) -> str:
        return self.resume
