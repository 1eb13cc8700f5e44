"""Projects (opérations): the ones the contract names, and the ones filed under a measure.

A dossier carries its financing plan (one line per funder), its territory, its calendar and the
applicant's answers on the contract's three cross-cutting principles (VI.2, l. 4450-4451). Its
lifecycle is driven only by `projets.services` (see `projets.workflow`).
"""

import uuid
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from axes.models import Departement, Noeud, Signataire, TerritoireSpecial
from comptes.models import Organisation, Role, Utilisateur
from socle.montants import MONTANT

FIN_CONTRAT = date(2027, 12, 31)


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


class Appreciation(models.TextChoices):
    """The applicant's own rating of the project against one cross-cutting principle."""

    TRES_FAVORABLE = "tres_favorable", "Impact très favorable"
    FAVORABLE = "favorable", "Impact favorable"
    NEUTRE = "neutre", "Sans impact notable"
    DEFAVORABLE = "defavorable", "Impact défavorable"


def voit_tous_les_projets(utilisateur: Utilisateur | AnonymousUser) -> bool:
    """Every role but the porteur sees every dossier; a porteur sees its organisation's.

    The scoping rule of every list and page (`ProjetQuerySet.visibles_par`); the predicates of
    `projets.permissions` ask it too."""
    return isinstance(utilisateur, Utilisateur) and (
        utilisateur.est_administrateur or utilisateur.role != Role.PORTEUR
    )


# The columns whose words the search column holds (with the communes' names and codes).
CHAMPS_CHERCHES = frozenset(
    {"reference", "titre", "maitre_ouvrage", "maitre_ouvrage_texte", "mesure"}
)


class ProjetQuerySet(models.QuerySet):
    def visibles_par(self, utilisateur) -> "ProjetQuerySet":
        """A porteur sees its own organisation's dossiers; every other role sees them all."""
        if not utilisateur.is_authenticated:
            return self.none()
        if voit_tous_les_projets(utilisateur):
            return self
        return self.filter(maitre_ouvrage_id=utilisateur.organisation_id)

    def publics(self) -> "ProjetQuerySet":
        """What anyone may see, without an account: dossiers programmed and later, and the
        operations the contract lists (`projets.workflow.PUBLICS`); never a draft nor a
        dossier under instruction."""
        from projets.workflow import PUBLICS  # the lifecycle table imports this module

        return self.filter(
            models.Q(statut__in=PUBLICS) | models.Q(identifiant_contrat__isnull=False)
        )

    def visibles_en_public_par(self, utilisateur) -> "ProjetQuerySet":
        """On a public page: what is public, plus what the person may see once logged in."""
        if voit_tous_les_projets(utilisateur):
            return self
        publics = self.publics()
        if utilisateur.is_authenticated and utilisateur.role == Role.PORTEUR:
            return publics | self.filter(maitre_ouvrage_id=utilisateur.organisation_id)
        return publics

    def pour_liste(self) -> "ProjetQuerySet":
        return self.select_related("mesure", "maitre_ouvrage").prefetch_related(
            "departements",
            models.Prefetch(
                "lignes_financement",
                queryset=LignePlanFinancement.objects.select_related("signataire"),
            ),
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
    contact_nom = models.CharField("nom du contact", max_length=150, blank=True)
    contact_courriel = models.EmailField("courriel du contact", blank=True)
    contact_telephone = models.CharField("téléphone du contact", max_length=30, blank=True)

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

    date_debut = models.DateField("date de début", null=True, blank=True)
    date_fin = models.DateField("date de fin", null=True, blank=True)
    justification_fin_tardive = models.TextField(
        "justification d'une fin après le 31 décembre 2027", blank=True
    )
    cout_total_ht = models.DecimalField(
        "coût total éligible HT (€)",
        **MONTANT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    decarbonation = models.CharField(
        "décarbonation", max_length=20, choices=Appreciation.choices, blank=True
    )
    decarbonation_justification = models.TextField("justification (décarbonation)", blank=True)
    impact_environnemental = models.CharField(
        "impact environnemental", max_length=20, choices=Appreciation.choices, blank=True
    )
    impact_environnemental_justification = models.TextField(
        "justification (impact environnemental)", blank=True
    )
    egalite_femmes_hommes = models.CharField(
        "égalité femmes-hommes", max_length=20, choices=Appreciation.choices, blank=True
    )
    egalite_femmes_hommes_justification = models.TextField(
        "justification (égalité femmes-hommes)", blank=True
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

    motif_abandon = models.TextField("motif de l'abandon", blank=True)
    montant_a_reequilibrer = models.DecimalField(
        "montant à rééquilibrer (€)",
        **MONTANT,
        default=0,
        help_text="Ce que la décision du comité a retiré du plan (lignes réduites ou refusées), "
        "à couvrir par un autre financeur, les fonds propres ou un coût réduit.",
    )
    depose_le = models.DateTimeField("déposé le", null=True, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.PROTECT,
        related_name="projets_crees",
        null=True,
        blank=True,
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    # What the text search reads (`projets.recherche`): the words of the reference, title,
    # maître d'ouvrage, communes and measure, lower-case and without accents, kept on save.
    recherche = models.TextField("texte cherché", blank=True, default="", editable=False)
    recherche_titre = models.TextField("titre cherché", blank=True, default="", editable=False)

    historique = HistoricalRecords(
        verbose_name="historique du projet",
        m2m_fields=[departements, territoires_speciaux],
        excluded_fields=["recherche", "recherche_titre"],
    )
    objects = ProjetQuerySet.as_manager()

    class Meta:
        verbose_name = "projet"
        verbose_name_plural = "projets"
        ordering = ["reference"]
        indexes = [
            # (statut, id): a list filtered by status joins the dossiers' identifiers to those
            # of a département or a financeur without reading the table (index-only, issue 14).
            models.Index(fields=["statut", "id"]),
            models.Index(fields=["maitre_ouvrage"]),
            # The dashboards' lists, oldest first: the dossiers to instruct (deposited or under
            # instruction) and the operations in execution past their planned end.
            models.Index(
                fields=["depose_le"],
                condition=models.Q(statut__in=[Statut.DEPOSE, Statut.EN_INSTRUCTION]),
                name="projet_a_instruire_idx",
            ),
            models.Index(
                fields=["date_fin"],
                condition=models.Q(statut__in=[Statut.PROGRAMME, Statut.EN_COURS]),
                name="projet_en_execution_fin_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant_mentionne__gte=0) | models.Q(montant_mentionne=None),
                name="projet_montant_mentionne_positif",
            ),
            models.CheckConstraint(
                condition=models.Q(cout_total_ht__gte=0) | models.Q(cout_total_ht=None),
                name="projet_cout_positif",
            ),
            models.CheckConstraint(
                condition=models.Q(date_fin__gte=models.F("date_debut"))
                | models.Q(date_debut=None)
                | models.Q(date_fin=None),
                name="projet_dates_ordonnees",
            ),
            models.CheckConstraint(
                condition=~models.Q(statut="abandonne") | ~models.Q(motif_abandon=""),
                name="projet_abandon_motive",
            ),
            models.CheckConstraint(
                condition=models.Q(montant_a_reequilibrer__gte=0),
                name="projet_reequilibrage_positif",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.titre}"

    def save(self, *args, **kwargs) -> None:
        from projets.recherche import textes_du_projet  # it reads the communes of this module

        champs = kwargs.get("update_fields")
        if champs is None:
            self.recherche, self.recherche_titre = textes_du_projet(self)
        elif CHAMPS_CHERCHES.intersection(champs):
            self.recherche, self.recherche_titre = textes_du_projet(self)
            kwargs["update_fields"] = {*champs, "recherche", "recherche_titre"}
        super().save(*args, **kwargs)


class TypePhase(models.TextChoices):
    ETUDES = "etudes", "Études"
    MAITRISE_OEUVRE = "maitrise_oeuvre", "Désignation de la maîtrise d'œuvre"
    TRAVAUX = "travaux", "Travaux"
    EQUIPEMENT = "equipement", "Équipement"
    RECEPTION = "reception", "Réception"
    AUTRE = "autre", "Autre"


class Phase(models.Model):
    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="phases")
    type = models.CharField("phase", max_length=20, choices=TypePhase.choices)
    libelle = models.CharField("précision", max_length=150, blank=True)
    annee_debut = models.PositiveSmallIntegerField("année de début")
    annee_fin = models.PositiveSmallIntegerField("année de fin")

    historique = HistoricalRecords(verbose_name="historique des phases")

    class Meta:
        verbose_name = "phase"
        verbose_name_plural = "phases"
        ordering = ["projet", "annee_debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annee_fin__gte=models.F("annee_debut")),
                name="phase_annees_ordonnees",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.annee_debut}-{self.annee_fin}"


class CommuneProjet(models.Model):
    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="communes")
    code_insee = models.CharField(
        "code INSEE",
        max_length=5,
        validators=[
            RegexValidator(
                r"^(?:[0-9]{2}|2A|2B)[0-9]{3}$",
                "Un code INSEE de commune a cinq caractères, par exemple 59350.",
            )
        ],
    )
    nom = models.CharField("nom", max_length=150, blank=True)

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["code_insee"]
        constraints = [
            models.UniqueConstraint(fields=["projet", "code_insee"], name="commune_unique")
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code_insee})" if self.nom else self.code_insee


class SourceFinancement(models.TextChoices):
    """Funders other than the nine signatories (domain-rules §10)."""

    FONDS_EUROPEENS = "fonds_europeens", "FEDER / fonds européens"
    PLAN_RELANCE = "plan_relance", "Plan de relance"
    ADEME = "ademe", "ADEME"
    AGENCES_EAU = "agences_eau", "Agences de l'eau"
    ANRU = "anru", "ANRU"
    BANQUE_TERRITOIRES = "banque_territoires", "Banque des Territoires"
    ANCT = "anct", "ANCT"
    DSIL = "dsil", "DSIL"
    FONDS_PROPRES = "fonds_propres", "Fonds propres du maître d'ouvrage"
    AUTRE_PUBLIC = "autre_public", "Autre financement public"
    PRIVE = "prive", "Financement privé"


class NatureFinancement(models.TextChoices):
    CPER = "cper", "CPER (compte sur l'enveloppe du signataire)"
    VALORISE = "valorise", "Crédits valorisés (à côté du contrat)"
    HORS_CPER = "hors_cper", "Hors CPER"


class LignePlanFinancement(models.Model):
    """One funder's share in a dossier's financing plan.

    A CPER line names one of the nine signatories and will count against its envelope; valued
    credits and other sources never do.
    """

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="lignes_financement")
    signataire = models.ForeignKey(
        Signataire,
        verbose_name="signataire",
        on_delete=models.PROTECT,
        related_name="lignes_financement",
        null=True,
        blank=True,
    )
    source = models.CharField(
        "autre source", max_length=30, choices=SourceFinancement.choices, blank=True
    )
    nature = models.CharField("nature", max_length=10, choices=NatureFinancement.choices)
    montant = models.DecimalField("montant (€)", **MONTANT)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    historique = HistoricalRecords(verbose_name="historique du plan de financement")

    class Meta:
        verbose_name = "ligne du plan de financement"
        verbose_name_plural = "lignes du plan de financement"
        ordering = ["projet", "ordre", "pk"]
        # The dossiers one signatory co-finances, without reading the lines (the list's
        # « financeur » filter, index-only, issue 14).
        indexes = [models.Index(fields=["signataire", "projet"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant__gt=0), name="ligne_plan_montant_positif"
            ),
            models.CheckConstraint(
                condition=(models.Q(signataire__isnull=False) & models.Q(source=""))
                | (models.Q(signataire__isnull=True) & ~models.Q(source="")),
                name="ligne_plan_un_seul_financeur",
            ),
            models.CheckConstraint(
                condition=~models.Q(nature="cper") | models.Q(signataire__isnull=False),
                name="ligne_plan_cper_signataire",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.financeur} : {self.montant} €"

    @property
    def financeur(self) -> str:
        return self.signataire.nom if self.signataire is not None else self.get_source_display()

    @property
    def compte_sur_enveloppe(self) -> bool:
        return self.nature == NatureFinancement.CPER


def chemin_document(instance: "Document", nom: str) -> str:
    # Never the uploaded name: a random name in a per-project folder outside the web root.
    return f"projets/{instance.projet_id}/{uuid.uuid4().hex}"


class TypePiece(models.TextChoices):
    """What a document is to the dossier: chosen by whoever joins it, asked at filing per
    measure (`projets.pieces`), asked again by an instructor after filing."""

    DELIBERATION = "deliberation", "Délibération de l'organe compétent"
    PLAN_SITUATION = "plan_situation", "Plan de situation"
    DEVIS = "devis", "Devis ou estimation"
    PLAN_FINANCEMENT = "plan_financement", "Plan de financement signé"
    NOTE_PRESENTATION = "note_presentation", "Note de présentation"
    NON_COMMENCEMENT = "non_commencement", "Attestation de non-commencement"
    AUTRE = "autre", "Autre pièce"


class Document(models.Model):
    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="documents")
    type_piece = models.CharField(
        "type de pièce", max_length=20, choices=TypePiece.choices, default=TypePiece.AUTRE
    )
    fichier = models.FileField("fichier", upload_to=chemin_document, max_length=255)
    nom = models.CharField("nom du fichier", max_length=255)
    type_mime = models.CharField("type", max_length=100)
    taille = models.PositiveIntegerField("taille (octets)")
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents_deposes"
    )
    depose_le = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["projet", "-depose_le"]

    def __str__(self) -> str:
        return self.nom


class DemandePieces(models.Model):
    """An instructor's request for more pieces after filing: the porteur may then join those
    types (only those) though the dossier is filed; closed once every type is provided."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="demandes_pieces")
    types = models.JSONField("pièces demandées", default=list)
    message = models.TextField("message au porteur", blank=True)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.PROTECT,
        related_name="demandes_pieces",
    )
    demande_le = models.DateTimeField("demandé le", auto_now_add=True)
    close_le = models.DateTimeField("close le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de pièces complémentaires"
        verbose_name_plural = "demandes de pièces complémentaires"
        ordering = ["projet", "-demande_le", "-pk"]
        indexes = [models.Index(fields=["projet", "close_le"])]

    def __str__(self) -> str:
        return f"{self.projet_id} : {', '.join(self.libelles)}"

    @property
    def libelles(self) -> list[str]:
        return [TypePiece(t).label for t in self.types if t in TypePiece.values]

    @property
    def ouverte(self) -> bool:
        return self.close_le is None


class GenreEvenementPiece(models.TextChoices):
    AJOUT = "ajout", "Pièce ajoutée"
    REMPLACEMENT = "remplacement", "Pièce remplacée"
    RETRAIT = "retrait", "Pièce retirée"
    DEMANDE = "demande", "Pièces complémentaires demandées"
    DEMANDE_CLOSE = "demande_close", "Pièces complémentaires fournies"


class EvenementPiece(models.Model):
    """The dossier's journal of its pieces: one row per upload, replacement, withdrawal,
    request and closed request, with who acted; it outlives the document it names."""

    projet = models.ForeignKey(Projet, on_delete=models.PROTECT, related_name="evenements_pieces")
    genre = models.CharField("événement", max_length=20, choices=GenreEvenementPiece.choices)
    detail = models.TextField("détail")
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        on_delete=models.PROTECT,
        related_name="evenements_pieces",
    )
    le = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "événement des pièces"
        verbose_name_plural = "journal des pièces"
        ordering = ["projet", "le", "pk"]

    def __str__(self) -> str:
        return f"{self.get_genre_display()} : {self.detail}"


class TransitionProjet(models.Model):
    """Journal of the lifecycle: one row per transition, written in the same transaction."""

    projet = models.ForeignKey(Projet, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField("action", max_length=30)
    de_statut = models.CharField("statut de départ", max_length=20, choices=Statut.choices)
    vers_statut = models.CharField("statut d'arrivée", max_length=20, choices=Statut.choices)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        on_delete=models.PROTECT,
        related_name="transitions_projets",
    )
    le = models.DateTimeField("le", auto_now_add=True)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "transition"
        verbose_name_plural = "journal des transitions"
        ordering = ["projet", "le", "pk"]
        indexes = [
            # When each dossier's instruction began (the co-funders' late grids).
            models.Index(
                fields=["projet", "le"],
                condition=models.Q(action="instruire"),
                name="transition_instruire_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.projet.reference} : {self.de_statut} → {self.vers_statut}"


class ParametreMesure(models.Model):
    """Rules of a measure that the contract sets case by case or not at all ([GAP]).

    The minimum own share of the maître d'ouvrage applies to the node and everything below it;
    without a parameter the portal's default (`PROJETS_TAUX_AUTOFINANCEMENT_MINIMUM`) applies.
    """

    noeud = models.OneToOneField(
        Noeud, verbose_name="nœud", on_delete=models.CASCADE, related_name="parametre"
    )
    taux_autofinancement_minimum = models.DecimalField(
        "part minimale du maître d'ouvrage (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    organisations_exemptees = models.ManyToManyField(
        Organisation,
        verbose_name="maîtres d'ouvrage dispensés de part minimale",
        blank=True,
        related_name="+",
    )
    source = models.TextField("fondement", blank=True)

    class Meta:
        verbose_name = "paramètre de mesure"
        verbose_name_plural = "paramètres des mesures"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(taux_autofinancement_minimum__gte=0)
                & models.Q(taux_autofinancement_minimum__lte=100),
                name="parametre_taux_entre_0_et_100",
            )
        ]

    def __str__(self) -> str:
        return f"Paramètres de {self.noeud.code}"


class CompteurReference(models.Model):
    """Last number given per year, for references such as HDF-2026-0042."""

    annee = models.PositiveSmallIntegerField(primary_key=True)
    dernier = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur de références"
        verbose_name_plural = "compteurs de références"

    def __str__(self) -> str:
        return f"{self.annee} : {self.dernier}"


class EtapeRealisation(models.TextChoices):
    """Where the works of a programmed dossier stand, as its porteur declares it."""

    ETUDES = "etudes", "Études"
    CONSULTATION = "consultation", "Consultation des entreprises"
    TRAVAUX = "travaux", "Travaux en cours"
    RECEPTION = "reception", "Réception des travaux"
    ACHEVEE = "achevee", "Opération achevée"


class DeclarationAvancement(models.Model):
    """One declaration of progress by the porteur of a programmed dossier (issue 16).

    Append-only: each declaration is a new row, so the rows are the journal of the progress."""

    projet = models.ForeignKey(Projet, on_delete=models.PROTECT, related_name="avancements")
    etape = models.CharField("étape atteinte", max_length=20, choices=EtapeRealisation.choices)
    pourcentage_travaux = models.PositiveSmallIntegerField("avancement des travaux (%)")
    date_debut_reelle = models.DateField("date réelle de début", null=True, blank=True)
    date_fin_prevue = models.DateField("date de fin prévue", null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField("déclaré le", auto_now_add=True)

    class Meta:
        verbose_name = "déclaration d'avancement"
        verbose_name_plural = "déclarations d'avancement"
        ordering = ["projet", "-le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pourcentage_travaux__lte=100),
                name="avancement_pourcentage_au_plus_100",
            ),
            models.CheckConstraint(
                condition=models.Q(date_fin_prevue__gte=models.F("date_debut_reelle"))
                | models.Q(date_debut_reelle=None)
                | models.Q(date_fin_prevue=None),
                name="avancement_dates_ordonnees",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.projet} : {self.get_etape_display()} ({self.pourcentage_travaux} %)"
