"""The ledger: Article 2 envelopes and what draws on them.

Programmé, engagé and payé are stored running totals kept by database triggers (see the
migration `0002_registre`), and CHECK constraints make it impossible for any writer — a
service, the admin, the shell, two simultaneous requests — to programme more than an
envelope, commit more than a programmed line, or pay more than a commitment.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from axes.models import Departement, Noeud, Signataire
from projets.models import Document, LignePlanFinancement, Projet
from projets.workflow import EN_EXECUTION
from socle.montants import MONTANT

# A dossier's lines can be committed and paid only while it is programmed or under way.
STATUTS_EXECUTABLES = EN_EXECUTION


def _positif(nom: str, champ: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{champ}__gte": 0}), name=nom)


class EnveloppeQuerySet(models.QuerySet["Enveloppe"]):
    def avec_signataire(self) -> "EnveloppeQuerySet":
        return self.select_related("signataire", "signataire__organisation")


class Enveloppe(models.Model):
    """What a signatory committed to the contract (Article 2), in euros, and its consumption.

    `montant` starts at the Article 2 amount and changes only through an avenant in force.
    """

    signataire = models.OneToOneField(
        Signataire, verbose_name="signataire", on_delete=models.PROTECT, related_name="enveloppe"
    )
    montant = models.DecimalField("montant en vigueur (€)", **MONTANT)
    montant_programme = models.DecimalField("programmé (€)", **MONTANT, default=0)
    montant_engage = models.DecimalField("engagé (€)", **MONTANT, default=0)
    montant_paye = models.DecimalField("payé (€)", **MONTANT, default=0)

    objects = EnveloppeQuerySet.as_manager()

    class Meta:
        verbose_name = "enveloppe"
        verbose_name_plural = "enveloppes"
        ordering = ["signataire__ordre"]
        constraints = [
            _positif("enveloppe_montant_positif", "montant"),
            _positif("enveloppe_paye_positif", "montant_paye"),
            models.CheckConstraint(
                condition=Q(montant_programme__lte=F("montant")),
                name="enveloppe_programme_dans_l_enveloppe",
            ),
            models.CheckConstraint(
                condition=Q(montant_engage__lte=F("montant_programme")),
                name="enveloppe_engage_dans_le_programme",
            ),
            models.CheckConstraint(
                condition=Q(montant_paye__lte=F("montant_engage")),
                name="enveloppe_paye_dans_l_engage",
            ),
        ]

    def __str__(self) -> str:
        return f"Enveloppe {self.signataire}"

    @property
    def disponible(self):
        return self.montant - self.montant_programme


class VersionEnveloppe(models.Model):
    """Each value an envelope has had, from a date: Article 2, then each avenant in force."""

    signataire = models.ForeignKey(
        Signataire, on_delete=models.PROTECT, related_name="versions_enveloppe"
    )
    montant = models.DecimalField("montant (€)", **MONTANT)
    depuis = models.DateField("en vigueur depuis")
    avenant = models.ForeignKey(
        "Avenant", on_delete=models.PROTECT, null=True, blank=True, related_name="versions"
    )

    class Meta:
        verbose_name = "version d'enveloppe"
        verbose_name_plural = "versions des enveloppes"
        ordering = ["signataire__ordre", "depuis", "pk"]
        constraints = [_positif("version_enveloppe_montant_positif", "montant")]

    def __str__(self) -> str:
        return f"{self.signataire} : {self.montant} € depuis le {self.depuis}"


class MaquetteLigne(models.Model):
    """A line of the maquette financière: a signatory's ceiling on a part of the programme.

    The contract refers to the maquette (l. 109) but the annex is not in the text: lines are
    imported (CSV) or created by administrators. Where a line exists, what the signatory
    programmes on that node and below it cannot exceed it.
    """

    signataire = models.ForeignKey(
        Signataire, on_delete=models.PROTECT, related_name="lignes_maquette"
    )
    noeud = models.ForeignKey(Noeud, on_delete=models.PROTECT, related_name="lignes_maquette")
    montant = models.DecimalField("montant (€)", **MONTANT)
    montant_programme = models.DecimalField("programmé (€)", **MONTANT, default=0)

    class Meta:
        verbose_name = "ligne de maquette"
        verbose_name_plural = "maquette financière"
        ordering = ["signataire__ordre", "noeud__position"]
        constraints = [
            models.UniqueConstraint(fields=["signataire", "noeud"], name="maquette_unique"),
            _positif("maquette_montant_positif", "montant"),
            _positif("maquette_programme_positif", "montant_programme"),
            models.CheckConstraint(
                condition=Q(montant_programme__lte=F("montant")),
                name="maquette_programme_dans_la_ligne",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signataire} × {self.noeud.code}"


class CreditsOuverts(models.Model):
    """Credits a signatory opened for the CPER in a budget year (loi de finances, budget).

    Article 2: commitments are « subordonnés à l'ouverture des moyens financiers nécessaires ».
    When a year has opened credits, that year's commitments cannot exceed them.
    """

    signataire = models.ForeignKey(
        Signataire, on_delete=models.PROTECT, related_name="credits_ouverts"
    )
    annee = models.PositiveSmallIntegerField("année budgétaire")
    montant = models.DecimalField("crédits ouverts (€)", **MONTANT)
    montant_engage = models.DecimalField("engagé sur l'année (€)", **MONTANT, default=0)

    class Meta:
        verbose_name = "crédits ouverts"
        verbose_name_plural = "crédits ouverts"
        ordering = ["signataire__ordre", "annee"]
        constraints = [
            models.UniqueConstraint(fields=["signataire", "annee"], name="credits_unique"),
            _positif("credits_montant_positif", "montant"),
            _positif("credits_engage_positif", "montant_engage"),
            models.CheckConstraint(
                condition=Q(montant_engage__lte=F("montant")), name="credits_engage_dans_l_ouvert"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signataire} {self.annee}"


class LigneProgrammee(models.Model):
    """The programmed amount of one CPER line of a dossier's financing plan."""

    ligne_plan = models.OneToOneField(
        LignePlanFinancement,
        verbose_name="ligne du plan de financement",
        on_delete=models.PROTECT,
        related_name="programmation",
    )
    projet = models.ForeignKey(Projet, on_delete=models.PROTECT, related_name="lignes_programmees")
    signataire = models.ForeignKey(
        Signataire, on_delete=models.PROTECT, related_name="lignes_programmees"
    )
    noeud = models.ForeignKey(
        Noeud,
        verbose_name="mesure",
        on_delete=models.PROTECT,
        related_name="lignes_programmees",
    )
    montant_programme = models.DecimalField("programmé (€)", **MONTANT)
    montant_engage = models.DecimalField("engagé (€)", **MONTANT, default=0)
    montant_paye = models.DecimalField("payé (€)", **MONTANT, default=0)
    montant_degage = models.DecimalField("dégagé (€)", **MONTANT, default=0)
    programme_le = models.DateTimeField("programmé le", auto_now_add=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "ligne programmée"
        verbose_name_plural = "lignes programmées"
        ordering = ["signataire__ordre", "projet__reference"]
        indexes = [
            # A signatory's programmed lines with nothing committed, oldest programming first
            # (its agents' dashboard, the weekly e-mail, the dormant late lines).
            models.Index(
                fields=["signataire", "programme_le", "id"],
                condition=Q(montant_engage=0, montant_programme__gt=0),
                name="ligne_sans_engagement_idx",
            ),
        ]
        constraints = [
            _positif("ligne_programmee_paye_positif", "montant_paye"),
            _positif("ligne_programmee_degage_positif", "montant_degage"),
            models.CheckConstraint(
                condition=Q(montant_engage__lte=F("montant_programme")),
                name="ligne_programmee_engage_dans_le_programme",
            ),
            models.CheckConstraint(
                condition=Q(montant_paye__lte=F("montant_engage")),
                name="ligne_programmee_paye_dans_l_engage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.projet.reference} – {self.signataire}"

    @property
    def reste_a_engager(self):
        return self.montant_programme - self.montant_engage


# --- Stored slices of the ledger (migration 0009) --------------------------------------------
# Kept by the same triggers' transaction as the rows they sum, so that the ledger pages read a
# few rows instead of aggregating every line, commitment or payment; the nightly check
# (`financement.verification`) recomputes each of them from the rows.
class TotalAxe(models.Model):
    """Σ of a signatory's programmed lines on the measures of one axis."""

    signataire = models.ForeignKey(Signataire, on_delete=models.CASCADE, related_name="+")
    axe = models.ForeignKey(Noeud, on_delete=models.CASCADE, related_name="+")
    montant_programme = models.DecimalField("programmé (€)", **MONTANT, default=0)
    montant_engage = models.DecimalField("engagé (€)", **MONTANT, default=0)
    montant_paye = models.DecimalField("payé (€)", **MONTANT, default=0)

    class Meta:
        verbose_name = "total d'un signataire sur un axe"
        verbose_name_plural = "totaux des signataires par axe"
        constraints = [
            models.UniqueConstraint(fields=["signataire", "axe"], name="total_axe_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.signataire} – axe {self.axe}"


class TotalDepartement(models.Model):
    """Σ of a signatory's programmed lines on the dossiers of one département (a dossier on
    several départements counts fully in each)."""

    signataire = models.ForeignKey(Signataire, on_delete=models.CASCADE, related_name="+")
    departement = models.ForeignKey(Departement, on_delete=models.CASCADE, related_name="+")
    montant_programme = models.DecimalField("programmé (€)", **MONTANT, default=0)
    montant_engage = models.DecimalField("engagé (€)", **MONTANT, default=0)
    montant_paye = models.DecimalField("payé (€)", **MONTANT, default=0)

    class Meta:
        verbose_name = "total d'un signataire dans un département"
        verbose_name_plural = "totaux des signataires par département"
        constraints = [
            models.UniqueConstraint(
                fields=["signataire", "departement"], name="total_departement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signataire} – {self.departement}"


class TotalAnnee(models.Model):
    """A signatory's commitments of one budget year and its payments of one calendar year."""

    signataire = models.ForeignKey(Signataire, on_delete=models.CASCADE, related_name="+")
    annee = models.PositiveSmallIntegerField("année")
    montant_engage = models.DecimalField("engagé sur l'année budgétaire (€)", **MONTANT, default=0)
    montant_paye = models.DecimalField("payé dans l'année (€)", **MONTANT, default=0)

    class Meta:
        verbose_name = "total d'un signataire sur une année"
        verbose_name_plural = "totaux des signataires par année"
        constraints = [
            models.UniqueConstraint(fields=["signataire", "annee"], name="total_annee_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.signataire} – {self.annee}"


class TypeActe(models.TextChoices):
    CONVENTION = "convention", "Convention"
    ARRETE = "arrete", "Arrêté"
    DELIBERATION_CP = "deliberation_cp", "Délibération de commission permanente"
    AUTRE = "autre", "Autre acte"


class Engagement(models.Model):
    """A legal commitment (engagement juridique) on a programmed line."""

    ligne = models.ForeignKey(LigneProgrammee, on_delete=models.PROTECT, related_name="engagements")
    signataire = models.ForeignKey(Signataire, on_delete=models.PROTECT, related_name="+")
    date_acte = models.DateField("date de l'acte")
    type_acte = models.CharField("nature de l'acte", max_length=20, choices=TypeActe.choices)
    reference = models.CharField("référence de l'acte", max_length=100)
    montant = models.DecimalField("montant (€)", **MONTANT)
    annee_budgetaire = models.PositiveSmallIntegerField("année budgétaire")
    montant_paye = models.DecimalField("payé (€)", **MONTANT, default=0)
    montant_degage = models.DecimalField("dégagé (€)", **MONTANT, default=0)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["ligne", "date_acte", "pk"]
        constraints = [
            _positif("engagement_montant_positif", "montant"),
            _positif("engagement_paye_positif", "montant_paye"),
            models.CheckConstraint(
                condition=Q(montant_paye__lte=F("montant")), name="engagement_paye_dans_l_engage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_acte_display()} {self.reference}"

    @property
    def reste_a_payer(self):
        return self.montant - self.montant_paye


class TypePaiement(models.TextChoices):
    AVANCE = "avance", "Avance"
    ACOMPTE = "acompte", "Acompte"
    SOLDE = "solde", "Solde"


class Paiement(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="paiements")
    date = models.DateField("date du paiement")
    montant = models.DecimalField("montant (€)", **MONTANT)
    type = models.CharField("nature", max_length=10, choices=TypePaiement.choices)
    reference = models.CharField("référence (mandat)", max_length=100, blank=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "paiement"
        verbose_name_plural = "paiements"
        ordering = ["engagement", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="paiement_montant_positif")
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} du {self.date}"


class StatutDemande(models.TextChoices):
    DEPOSEE = "deposee", "Déposée, à instruire"
    COMPLEMENTS = "complements", "Compléments demandés au porteur"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"


# A request still waiting for someone: the funder's agent, or the porteur's complements.
DEMANDES_OUVERTES = frozenset({StatutDemande.DEPOSEE, StatutDemande.COMPLEMENTS})


class DemandePaiement(models.Model):
    """A payment request of the porteur to one funder, on its programmed line (issue 16):
    an advance, an instalment or the balance, with its statement of expenses and documents.

    Instructed by the funder's agents (`financement.execution`); an accepted request becomes a
    payment on the funder's commitments through `paiement_enregistrer`, and an accepted balance
    closes the line (`cloture_ligne`)."""

    ligne = models.ForeignKey(
        LigneProgrammee, on_delete=models.PROTECT, related_name="demandes_paiement"
    )
    type = models.CharField("nature", max_length=10, choices=TypePaiement.choices)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutDemande.choices, default=StatutDemande.DEPOSEE
    )
    montant_demande = models.DecimalField("montant demandé (€)", **MONTANT)
    montant_accepte = models.DecimalField("montant accepté (€)", **MONTANT, null=True, blank=True)
    etat_final = models.BooleanField("état récapitulatif final des dépenses", default=False)
    commentaire = models.TextField("commentaire du porteur", blank=True)
    motif = models.TextField("motif de la décision", blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="demandes_paiement")
    paiements = models.ManyToManyField(Paiement, blank=True, related_name="demandes")
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    deposee_le = models.DateTimeField("déposée le", auto_now_add=True)
    instruite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    instruite_le = models.DateTimeField("instruite le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de paiement"
        verbose_name_plural = "demandes de paiement"
        ordering = ["ligne", "deposee_le", "pk"]
        constraints = [
            _positif("demande_montant_positif", "montant_demande"),
            models.CheckConstraint(
                condition=Q(montant_accepte__isnull=True)
                | (Q(montant_accepte__gte=0) & Q(montant_accepte__lte=F("montant_demande"))),
                name="demande_accepte_dans_le_demande",
            ),
            models.CheckConstraint(
                condition=~Q(statut="acceptee") | Q(montant_accepte__isnull=False),
                name="demande_acceptee_avec_montant",
            ),
            models.CheckConstraint(
                condition=~Q(type="solde") | Q(etat_final=True),
                name="demande_solde_avec_etat_final",
            ),
            # One balance accepted per line: it closes the line.
            models.UniqueConstraint(
                fields=["ligne"],
                condition=Q(type="solde", statut="acceptee"),
                name="demande_un_seul_solde_accepte",
            ),
            # One request at a time per funder line, waiting for its agent or the porteur.
            models.UniqueConstraint(
                fields=["ligne"],
                condition=Q(statut__in=["deposee", "complements"]),
                name="demande_une_seule_ouverte",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} n° {self.pk} – {self.ligne}"

    @property
    def est_ouverte(self) -> bool:
        return self.statut in DEMANDES_OUVERTES

    @property
    def acceptee_en_partie(self) -> bool:
        return (
            self.statut == StatutDemande.ACCEPTEE
            and self.montant_accepte is not None
            and self.montant_accepte < self.montant_demande
        )

    @property
    def libelle_statut(self) -> str:
        if self.acceptee_en_partie:
            return "Acceptée en partie"
        return self.get_statut_display()


class LigneDepense(models.Model):
    """One invoice of a request's statement of expenses."""

    demande = models.ForeignKey(DemandePaiement, on_delete=models.CASCADE, related_name="depenses")
    fournisseur = models.CharField("fournisseur", max_length=200)
    date_facture = models.DateField("date de la facture")
    reference = models.CharField("numéro de facture", max_length=100, blank=True)
    montant_ht = models.DecimalField("montant HT (€)", **MONTANT)
    montant_ttc = models.DecimalField("montant TTC (€)", **MONTANT)
    montant_eligible = models.DecimalField("montant éligible (€)", **MONTANT)

    class Meta:
        verbose_name = "dépense"
        verbose_name_plural = "état des dépenses"
        ordering = ["demande", "date_facture", "pk"]
        constraints = [
            _positif("depense_ht_positif", "montant_ht"),
            _positif("depense_eligible_positif", "montant_eligible"),
            models.CheckConstraint(
                condition=Q(montant_ttc__gte=F("montant_ht")), name="depense_ttc_au_moins_ht"
            ),
            models.CheckConstraint(
                condition=Q(montant_eligible__lte=F("montant_ttc")),
                name="depense_eligible_dans_le_ttc",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fournisseur} du {self.date_facture}"


class EtapeDemande(models.TextChoices):
    DEPOSEE = "deposee", "Demande déposée"
    COMPLEMENTS = "complements", "Compléments demandés"
    COMPLETEE = "completee", "Demande complétée"
    ACCEPTEE = "acceptee", "Demande acceptée"
    REFUSEE = "refusee", "Demande refusée"
    LIGNE_CLOTUREE = "ligne_cloturee", "Ligne soldée"


class EvenementDemande(models.Model):
    """The journal of a payment request: one row per step, who took it, with its amount."""

    demande = models.ForeignKey(
        DemandePaiement, on_delete=models.PROTECT, related_name="evenements"
    )
    etape = models.CharField("étape", max_length=20, choices=EtapeDemande.choices)
    montant = models.DecimalField("montant (€)", **MONTANT, null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "étape d'une demande de paiement"
        verbose_name_plural = "journal des demandes de paiement"
        ordering = ["demande", "le", "pk"]

    def __str__(self) -> str:
        return f"{self.get_etape_display()} ({self.demande_id})"


class StatutAvenant(models.TextChoices):
    BROUILLON = "brouillon", "En préparation"
    EN_APPROBATION = "en_approbation", "Soumis aux signataires"
    EN_VIGUEUR = "en_vigueur", "En vigueur"


class Avenant(models.Model):
    """A revision of the contract (Article 4): by mutual agreement, justified, approved by all."""

    numero = models.PositiveSmallIntegerField("numéro", unique=True)
    titre = models.CharField("titre", max_length=255)
    justification = models.TextField(
        "justification", help_text="Article 4 : la révision est subordonnée à la justification."
    )
    initie_par = models.ForeignKey(
        Signataire,
        verbose_name="partie qui l'a demandé",
        on_delete=models.PROTECT,
        related_name="+",
    )
    statut = models.CharField(
        "statut", max_length=20, choices=StatutAvenant.choices, default=StatutAvenant.BROUILLON
    )
    entre_en_vigueur_le = models.DateField("entré en vigueur le", null=True, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "avenant"
        verbose_name_plural = "avenants"
        ordering = ["numero"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(justification=""), name="avenant_justification_obligatoire"
            ),
            models.CheckConstraint(
                condition=~Q(statut="en_vigueur") | Q(entre_en_vigueur_le__isnull=False),
                name="avenant_en_vigueur_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Avenant n° {self.numero} – {self.titre}"

    @property
    def est_en_approbation(self) -> bool:
        return self.statut == StatutAvenant.EN_APPROBATION


class ModificationEnveloppe(models.Model):
    avenant = models.ForeignKey(Avenant, on_delete=models.CASCADE, related_name="modifications")
    signataire = models.ForeignKey(Signataire, on_delete=models.PROTECT, related_name="+")
    nouveau_montant = models.DecimalField("nouvelle enveloppe (€)", **MONTANT)

    class Meta:
        verbose_name = "modification d'enveloppe"
        verbose_name_plural = "modifications d'enveloppes"
        ordering = ["avenant", "signataire__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["avenant", "signataire"], name="modification_unique"),
            _positif("modification_montant_positif", "nouveau_montant"),
        ]

    def __str__(self) -> str:
        return f"{self.signataire} → {self.nouveau_montant} €"


class ModificationMaquette(models.Model):
    avenant = models.ForeignKey(
        Avenant, on_delete=models.CASCADE, related_name="modifications_maquette"
    )
    signataire = models.ForeignKey(Signataire, on_delete=models.PROTECT, related_name="+")
    noeud = models.ForeignKey(Noeud, on_delete=models.PROTECT, related_name="+")
    nouveau_montant = models.DecimalField("nouveau montant (€)", **MONTANT)

    class Meta:
        verbose_name = "modification de maquette"
        verbose_name_plural = "modifications de maquette"
        constraints = [
            models.UniqueConstraint(
                fields=["avenant", "signataire", "noeud"], name="modification_maquette_unique"
            ),
            _positif("modification_maquette_positif", "nouveau_montant"),
        ]

    def __str__(self) -> str:
        return f"{self.signataire} × {self.noeud.code} → {self.nouveau_montant} €"


class GenreModificationOperation(models.TextChoices):
    RECADRAGE = "recadrage", "Recadrage (titre ou mesure)"
    ABANDON = "abandon", "Abandon"


class ModificationOperation(models.Model):
    """What an avenant changes in an operation the contract lists: its title or its measure
    (the programmed lines move with it), or its abandonment (what it did not use goes back to
    the envelopes). Applied when the avenant enters into force, never before."""

    avenant = models.ForeignKey(Avenant, on_delete=models.CASCADE, related_name="operations")
    projet = models.ForeignKey(
        Projet, verbose_name="opération", on_delete=models.PROTECT, related_name="+"
    )
    genre = models.CharField("modification", max_length=20, choices=GenreModificationOperation)
    nouveau_titre = models.CharField("nouveau titre", max_length=500, blank=True)
    nouvelle_mesure = models.ForeignKey(
        Noeud,
        verbose_name="nouvelle mesure",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    ancien_titre = models.CharField("titre avant l'avenant", max_length=500, blank=True)
    ancienne_mesure = models.ForeignKey(
        Noeud,
        verbose_name="mesure avant l'avenant",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "modification d'opération"
        verbose_name_plural = "modifications d'opérations"
        ordering = ["avenant", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["avenant", "projet"], name="modification_operation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.projet} : {self.get_genre_display()}"


class ApprobationAvenant(models.Model):
    """One signatory's approval, by its own procedure (délibération, arrêté, mandat)."""

    avenant = models.ForeignKey(Avenant, on_delete=models.CASCADE, related_name="approbations")
    signataire = models.ForeignKey(Signataire, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date de l'acte")
    reference = models.CharField("référence de la délibération ou de l'acte", max_length=150)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enregistree_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "approbation d'avenant"
        verbose_name_plural = "approbations d'avenants"
        ordering = ["avenant", "signataire__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["avenant", "signataire"], name="approbation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.signataire} : {self.reference}"


class TypeMouvement(models.TextChoices):
    PROGRAMMATION = "programmation", "Programmation"
    ENGAGEMENT = "engagement", "Engagement"
    PAIEMENT = "paiement", "Paiement"
    DEGAGEMENT = "degagement", "Dégagement"
    CREDITS = "credits", "Ouverture de crédits"
    AVENANT = "avenant", "Entrée en vigueur d'un avenant"
    MAQUETTE = "maquette", "Maquette financière"


class JournalFinancier(models.Model):
    """Append-only journal of every change of an amount, written in the same transaction."""

    type = models.CharField("mouvement", max_length=20, choices=TypeMouvement.choices)
    signataire = models.ForeignKey(
        Signataire, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    projet = models.ForeignKey(
        Projet, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    montant = models.DecimalField("montant (€)", **MONTANT)
    details = models.JSONField("détails", default=dict, blank=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "mouvement du journal financier"
        verbose_name_plural = "journal financier"
        ordering = ["-le", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.montant} €"


class ResultatVerification(models.TextChoices):
    CONFORME = "conforme", "registre cohérent"
    ECARTS = "ecarts", "écarts détectés"


class VerificationRegistre(models.Model):
    """One run of the ledger check (`financement.verification`): the stored running totals
    recomputed from the rows.

    The triggers keep the totals; this run proves they still agree with the rows, and keeps
    the list of gaps it found (craft R1: the nightly invariant).
    """

    lancee_le = models.DateTimeField("lancée le", auto_now_add=True)
    duree = models.DecimalField("durée (s)", max_digits=8, decimal_places=3, default=0)
    resultat = models.CharField("résultat", max_length=20, choices=ResultatVerification.choices)
    nombre_ecarts = models.PositiveIntegerField("nombre d'écarts", default=0)
    ecarts = models.JSONField("écarts", default=list, blank=True)
    controles = models.PositiveIntegerField("totaux contrôlés", default=0)

    class Meta:
        verbose_name = "vérification du registre"
        verbose_name_plural = "vérifications du registre"
        ordering = ["-lancee_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(resultat="conforme") & models.Q(nombre_ecarts=0))
                | (models.Q(resultat="ecarts") & models.Q(nombre_ecarts__gt=0)),
                name="verification_resultat_coherent",
            )
        ]

    def __str__(self) -> str:
        return f"Vérification du {self.lancee_le:%d/%m/%Y %H:%M} : {self.get_resultat_display()}"
