"""Committees, sessions, the analysis grid, votes and decisions (Article 3, part VI.2).

The contract names the bodies that select projects (VI.2, l. 4446-4453) and the technical
committees of the mobility programming (l. 3521-4216), but its governance charter is not in the
text we have: quorum and majority rules are therefore settings of each committee, with the
defaults of the issue (quorum: more than half of the voting members present or represented;
decision: simple majority of the votes cast, a tie adjourns).

Written only by `gouvernance.services`; the database guards what concurrency could break (one
vote per member and item, one decision per item, one presence per member and session).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from axes.models import Noeud, Signataire
from comptes.models import Organisation
from projets.models import LignePlanFinancement, Projet
from projets.workflow import MandatComite
from socle.montants import MONTANT


class TypeComite(models.TextChoices):
    PROGRAMMATION = "programmation", "Comité de programmation"
    TECHNIQUE = "technique", "Comité technique de suivi"
    GESTION = "gestion", "Comité de gestion"
    TERRITORIAL = "territorial", "Comité territorial"
    PROJETS_TERRITOIRES = "projets_territoires", "Comité des projets des territoires"


class RegleQuorum(models.TextChoices):
    MOITIE = "moitie", "plus de la moitié des membres votants, présents ou représentés"
    TIERS = "tiers", "au moins un tiers des membres votants, présents ou représentés"
    DEUX_TIERS = "deux_tiers", "au moins deux tiers des membres votants, présents ou représentés"
    AUCUN = "aucun", "pas de quorum"


class RegleMajorite(models.TextChoices):
    SIMPLE = "simple", "majorité simple des suffrages exprimés (plus de « pour » que de « contre »)"
    ABSOLUE = "absolue", "majorité absolue des votes (abstentions comprises)"
    DEUX_TIERS = "deux_tiers", "deux tiers des suffrages exprimés"


class RegleEgalite(models.TextChoices):
    AJOURNE = "ajourne", "le dossier est ajourné"
    REJETE = "rejete", "le dossier est rejeté"


class Comite(models.Model):
    code = models.SlugField("code", max_length=60, unique=True)
    nom = models.CharField("nom", max_length=255)
    type = models.CharField("type", max_length=30, choices=TypeComite.choices)
    portee = models.TextField("ce que fait le comité", blank=True)
    pilotes = models.ManyToManyField(
        Organisation, verbose_name="organisations pilotes", related_name="comites_pilotes"
    )
    pilotage = models.CharField("pilotage tel que le contrat le décrit", max_length=255, blank=True)
    mesures = models.ManyToManyField(
        Noeud,
        verbose_name="mesures couvertes",
        related_name="comites",
        help_text="Le comité couvre chaque nœud choisi et tout ce qui est en dessous.",
    )
    ligne = models.PositiveIntegerField("ligne du texte signé", null=True, blank=True)
    autres_lignes = models.CharField("autres lignes citées", max_length=100, blank=True)
    note = models.TextField("remarque sur le texte du contrat", blank=True)
    regle_quorum = models.CharField(
        "règle de quorum", max_length=20, choices=RegleQuorum.choices, default=RegleQuorum.MOITIE
    )
    regle_majorite = models.CharField(
        "règle de majorité",
        max_length=20,
        choices=RegleMajorite.choices,
        default=RegleMajorite.SIMPLE,
    )
    regle_egalite = models.CharField(
        "en cas d'égalité",
        max_length=20,
        choices=RegleEgalite.choices,
        default=RegleEgalite.AJOURNE,
    )
    pouvoir_programmer = models.BooleanField(
        "pouvoir de programmer",
        default=False,
        help_text="Un comité qui a ce pouvoir retient et programme les dossiers ; les autres "
        "rendent des avis, sans toucher aux enveloppes. Réglage fixé par le secrétariat (par "
        "défaut : le seul comité de programmation).",
    )
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "comité"
        verbose_name_plural = "comités"
        ordering = ["ordre", "nom"]

    def __str__(self) -> str:
        return self.nom

    def clean(self) -> None:
        """The power to programme does not change while a session with an agenda is not closed:
        its dossiers were put on it (or not) as the power then stood."""
        if self.pk is None:
            return
        avant = Comite.objects.filter(pk=self.pk).values_list("pouvoir_programmer", flat=True)
        if avant.first() == self.pouvoir_programmer:
            return
        if self.seances.exclude(etat=EtatSeance.CLOSE).filter(points__isnull=False).exists():
            raise ValidationError(
                {
                    "pouvoir_programmer": "Une séance de ce comité a un ordre du jour et n'est pas "
                    "close : le pouvoir de programmer change une fois ses séances closes."
                }
            )


class RoleMembre(models.TextChoices):
    PRESIDENT = "president", "Président"
    CO_PRESIDENT = "co_president", "Co-président"
    VOTANT = "votant", "Membre votant"
    ASSOCIE = "associe", "Membre associé (sans voix délibérative)"
    SECRETARIAT = "secretariat", "Secrétariat"


ROLES_VOTANTS = frozenset({RoleMembre.PRESIDENT, RoleMembre.CO_PRESIDENT, RoleMembre.VOTANT})


class MembreQuerySet(models.QuerySet):
    def actifs_le(self, jour) -> "MembreQuerySet":
        return self.filter(debut__lte=jour).filter(
            models.Q(fin__isnull=True) | models.Q(fin__gte=jour)
        )

    def votants(self) -> "MembreQuerySet":
        return self.filter(role__in=ROLES_VOTANTS)


class Membre(models.Model):
    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="membres")
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        on_delete=models.PROTECT,
        related_name="mandats",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation représentée",
        on_delete=models.PROTECT,
        related_name="membres_comites",
    )
    role = models.CharField("rôle", max_length=20, choices=RoleMembre.choices)
    qualite = models.CharField(
        "qualité",
        max_length=200,
        blank=True,
        help_text="La fonction au titre de laquelle la personne siège (« Préfet de région », "
        "« Vice-présidente chargée des transports ») : elle figure au procès-verbal.",
    )
    debut = models.DateField("début du mandat")
    fin = models.DateField("fin du mandat", null=True, blank=True)

    objects = MembreQuerySet.as_manager()

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        ordering = ["comite", "role", "utilisateur__last_name", "utilisateur__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__isnull=True) | models.Q(fin__gte=models.F("debut")),
                name="membre_periode_ordonnee",
            ),
            models.UniqueConstraint(
                fields=["comite", "utilisateur"],
                condition=models.Q(fin__isnull=True),
                name="membre_un_mandat_ouvert",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.utilisateur} ({self.get_role_display()}, {self.organisation})"

    @property
    def nom(self) -> str:
        """How an official document names the member: the person, never the log-in."""
        return self.utilisateur.get_full_name() or self.utilisateur.username

    @property
    def designation(self) -> str:
        """« Camille Martin, Préfète de région (Préfecture de région) »."""
        qualite = f", {self.qualite}" if self.qualite else ""
        return f"{self.nom}{qualite} ({self.organisation})"

    @property
    def a_voix_deliberative(self) -> bool:
        return self.role in ROLES_VOTANTS


class GrilleAnalyse(models.Model):
    """The « grille d'analyse et de formalisation des actions » (VI.2, l. 4446-4453), versioned:
    an evaluation keeps the version it was made with."""

    version = models.PositiveSmallIntegerField("version", unique=True)
    libelle = models.CharField("libellé", max_length=255)
    active = models.BooleanField("en vigueur", default=False)
    source = models.TextField("source", blank=True)
    creee_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "grille d'analyse"
        verbose_name_plural = "grilles d'analyse"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="grille_une_seule_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.libelle} (version {self.version})"


class Critere(models.Model):
    grille = models.ForeignKey(GrilleAnalyse, on_delete=models.CASCADE, related_name="criteres")
    code = models.SlugField("code", max_length=50)
    libelle = models.CharField("libellé", max_length=255)
    description = models.TextField("ce que l'on évalue", blank=True)
    echelle_max = models.PositiveSmallIntegerField("note maximale", default=4)
    poids = models.DecimalField("poids", max_digits=5, decimal_places=2, default=1)
    ordre = models.PositiveSmallIntegerField("ordre")

    class Meta:
        verbose_name = "critère"
        verbose_name_plural = "critères"
        ordering = ["grille", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["grille", "code"], name="critere_code_unique"),
            models.CheckConstraint(condition=models.Q(echelle_max__gt=0), name="critere_echelle"),
            models.CheckConstraint(condition=models.Q(poids__gt=0), name="critere_poids_positif"),
        ]

    def __str__(self) -> str:
        return self.libelle


class Avis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVE = "reserve", "Réservé"
    DEFAVORABLE = "defavorable", "Défavorable"


class Evaluation(models.Model):
    """One co-funder's instruction of one dossier with one grid: its marks and its opinion on
    its own line of the plan, filled by an agent of that signatory (or by the secretariat on
    its behalf); filed once (`deposee_le`). The agents of a signatory share its evaluation:
    `instructeur` is the last person who wrote it."""

    projet = models.ForeignKey(Projet, on_delete=models.PROTECT, related_name="evaluations")
    grille = models.ForeignKey(GrilleAnalyse, on_delete=models.PROTECT, related_name="evaluations")
    signataire = models.ForeignKey(
        Signataire,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name="cofinanceur",
        help_text="Le signataire cofinanceur dont c'est l'instruction.",
    )
    instructeur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations"
    )
    avis = models.CharField("avis", max_length=20, choices=Avis.choices, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    deposee_le = models.DateTimeField("déposée le", null=True, blank=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "évaluation"
        verbose_name_plural = "évaluations"
        ordering = ["projet", "deposee_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["projet", "grille", "signataire"], name="evaluation_une_par_cofinanceur"
            ),
            models.CheckConstraint(
                condition=models.Q(deposee_le__isnull=True) | ~models.Q(avis=""),
                name="evaluation_deposee_avec_avis",
            ),
        ]

    def __str__(self) -> str:
        return f"Évaluation de {self.projet.reference} pour {self.signataire}"


class NoteCritere(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="notes")
    critere = models.ForeignKey(Critere, on_delete=models.PROTECT, related_name="notes")
    note = models.PositiveSmallIntegerField("note")
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "note"
        verbose_name_plural = "notes"
        ordering = ["evaluation", "critere__ordre"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "critere"], name="note_unique_par_critere"
            )
        ]

    def __str__(self) -> str:
        return f"{self.critere} : {self.note}"


class EtatSeance(models.TextChoices):
    PLANIFIEE = "planifiee", "Planifiée"
    OUVERTE = "ouverte", "Ouverte"
    CLOSE = "close", "Close"


class Seance(models.Model):
    comite = models.ForeignKey(Comite, on_delete=models.PROTECT, related_name="seances")
    date = models.DateTimeField("date et heure")
    lieu = models.CharField("lieu", max_length=255, blank=True)
    lien_visio = models.URLField("lien de visioconférence", blank=True)
    etat = models.CharField(
        "état", max_length=20, choices=EtatSeance.choices, default=EtatSeance.PLANIFIEE
    )
    convoquee_le = models.DateTimeField("convoquée le", null=True, blank=True)
    ouverte_le = models.DateTimeField("ouverte le", null=True, blank=True)
    close_le = models.DateTimeField("close le", null=True, blank=True)
    votants_attendus = models.PositiveSmallIntegerField(
        "membres votants (à la clôture)", null=True, blank=True
    )
    votants_presents = models.PositiveSmallIntegerField(
        "membres votants présents ou représentés (à la clôture)", null=True, blank=True
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seances_creees"
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(lieu="") | ~models.Q(lien_visio=""),
                name="seance_lieu_ou_visio",
            ),
            models.CheckConstraint(
                condition=models.Q(etat="planifiee")
                | (models.Q(etat="ouverte") & models.Q(ouverte_le__isnull=False))
                | (
                    models.Q(etat="close")
                    & models.Q(close_le__isnull=False)
                    & models.Q(votants_presents__isnull=False)
                ),
                name="seance_etat_coherent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comite} – séance du {self.date:%d/%m/%Y}"

    def mandat(self) -> MandatComite:
        """What entitles the session's secretariat to put dossiers on its agenda."""
        return MandatComite(comite=self.comite.code, seance_id=self.pk)


class PointOrdreDuJour(models.Model):
    seance = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="points")
    projet = models.ForeignKey(Projet, on_delete=models.PROTECT, related_name="points_odj")
    ordre = models.PositiveSmallIntegerField("rang")

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["seance", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["seance", "projet"], name="point_projet_unique"),
            models.UniqueConstraint(fields=["seance", "ordre"], name="point_rang_unique"),
        ]

    def __str__(self) -> str:
        return f"Point {self.ordre} : {self.projet.reference}"


class StatutPresence(models.TextChoices):
    PRESENT = "present", "Présent"
    EXCUSE = "excuse", "Excusé"
    REPRESENTE = "represente", "Représenté"


class Presence(models.Model):
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="presences")
    membre = models.ForeignKey(Membre, on_delete=models.PROTECT, related_name="presences")
    statut = models.CharField("présence", max_length=20, choices=StatutPresence.choices)
    mandataire = models.ForeignKey(
        Membre,
        verbose_name="pouvoir donné à",
        on_delete=models.PROTECT,
        related_name="pouvoirs",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        constraints = [
            models.UniqueConstraint(fields=["seance", "membre"], name="presence_unique"),
            models.CheckConstraint(
                condition=(models.Q(statut="represente") & models.Q(mandataire__isnull=False))
                | (~models.Q(statut="represente") & models.Q(mandataire__isnull=True)),
                name="presence_mandataire_si_represente",
            ),
            models.CheckConstraint(
                condition=~models.Q(mandataire=models.F("membre")),
                name="presence_pas_de_pouvoir_a_soi_meme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membre.utilisateur} : {self.get_statut_display()}"


class ChoixVote(models.TextChoices):
    POUR = "pour", "Pour"
    CONTRE = "contre", "Contre"
    ABSTENTION = "abstention", "Abstention"


class Vote(models.Model):
    """One ballot of one member on one item; a change while the session is open updates it."""

    point = models.ForeignKey(PointOrdreDuJour, on_delete=models.PROTECT, related_name="votes")
    membre = models.ForeignKey(Membre, on_delete=models.PROTECT, related_name="votes")
    exprime_par = models.ForeignKey(
        Membre,
        verbose_name="exprimé par",
        on_delete=models.PROTECT,
        related_name="votes_exprimes",
        help_text="Le membre lui-même, ou son mandataire quand il est représenté.",
    )
    choix = models.CharField("choix", max_length=20, choices=ChoixVote.choices)
    cree_le = models.DateTimeField("exprimé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "vote"
        verbose_name_plural = "votes"
        ordering = ["point", "membre"]
        constraints = [
            models.UniqueConstraint(fields=["point", "membre"], name="vote_un_par_membre_et_point"),
            models.CheckConstraint(
                condition=models.Q(choix__in=ChoixVote.values), name="vote_choix_valide"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membre.utilisateur} : {self.get_choix_display()}"


class Recusation(models.Model):
    """A member who may not vote on an item (conflict of interest), recorded as such."""

    point = models.ForeignKey(
        PointOrdreDuJour, on_delete=models.PROTECT, related_name="recusations"
    )
    membre = models.ForeignKey(Membre, on_delete=models.PROTECT, related_name="recusations")
    motif = models.CharField("motif", max_length=255)
    le = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "récusation"
        verbose_name_plural = "récusations"
        constraints = [
            models.UniqueConstraint(fields=["point", "membre"], name="recusation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.membre.utilisateur} récusé(e) : {self.motif}"


class Resultat(models.TextChoices):
    RETENU = "retenu", "Retenu"
    REJETE = "rejete", "Rejeté"
    AJOURNE = "ajourne", "Ajourné"


LIBELLES_AVIS = {
    Resultat.RETENU: "Avis favorable",
    Resultat.REJETE: "Avis défavorable",
    Resultat.AJOURNE: "Pas d'avis (examen ajourné)",
}


class Decision(models.Model):
    """The committee's decision on one item, computed when the session closes; read-only."""

    point = models.OneToOneField(
        PointOrdreDuJour, on_delete=models.PROTECT, related_name="decision"
    )
    resultat = models.CharField("décision", max_length=20, choices=Resultat.choices)
    pour = models.PositiveSmallIntegerField("pour")
    contre = models.PositiveSmallIntegerField("contre")
    abstention = models.PositiveSmallIntegerField("abstentions")
    quorum_atteint = models.BooleanField("quorum atteint")
    avis = models.BooleanField(
        "avis seulement",
        default=False,
        help_text="Rendue par un comité sans pouvoir de programmer : un avis, qui ne retient ni "
        "ne programme le dossier.",
    )
    motif = models.TextField("motif")
    programme = models.BooleanField("programmé dans la foulée", default=False)
    motif_non_programmation = models.TextField("pourquoi il n'a pas été programmé", blank=True)
    decidee_le = models.DateTimeField("décidée le", auto_now_add=True)

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["point__seance", "point__ordre"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(programme=True) | models.Q(resultat="retenu"),
                name="decision_programme_si_retenu",
            ),
            models.CheckConstraint(
                condition=~models.Q(programme=True) | models.Q(avis=False),
                name="decision_avis_jamais_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point} : {self.libelle}"

    @property
    def libelle(self) -> str:
        """« Retenu », or for an opinion « Avis favorable » / « Avis défavorable » / « Pas
        d'avis (ajourné) »."""
        if not self.avis:
            return self.get_resultat_display()
        return LIBELLES_AVIS[Resultat(self.resultat)]

    def mandat(self) -> MandatComite:
        """What entitles the move of the dossier the committee decided on (and its programming,
        when retained)."""
        seance = self.point.seance
        return MandatComite(comite=seance.comite.code, seance_id=seance.pk, decision_id=self.pk)


class IssueLigne(models.TextChoices):
    """What the committee decides on one co-funder's line of a retained dossier."""

    PROGRAMMEE = "programmee", "Programmée au montant demandé"
    REDUITE = "reduite", "Réduite"
    REFUSEE = "refusee", "Refusée"


class ArbitrageLigne(models.Model):
    """A co-funder's proposal to the committee on its own line of a dossier on the agenda,
    before the session closes: reduce it (to `montant`) or refuse it, with the reason. A line
    with no proposal is programmed as asked. Read when the committee retains the dossier."""

    point = models.ForeignKey(PointOrdreDuJour, on_delete=models.CASCADE, related_name="arbitrages")
    ligne = models.ForeignKey(
        LignePlanFinancement,
        verbose_name="ligne du plan",
        on_delete=models.CASCADE,
        related_name="arbitrages",
    )
    issue = models.CharField(
        "proposition",
        max_length=20,
        choices=[(c, lib) for c, lib in IssueLigne.choices if c != IssueLigne.PROGRAMMEE],
    )
    montant = models.DecimalField("montant retenu (€)", **MONTANT)
    motif = models.TextField("motif")
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField("le", auto_now=True)

    class Meta:
        verbose_name = "proposition sur une ligne"
        verbose_name_plural = "propositions sur les lignes"
        ordering = ["point", "ligne__ordre", "ligne"]
        constraints = [
            models.UniqueConstraint(fields=["point", "ligne"], name="arbitrage_unique"),
            models.CheckConstraint(
                condition=(models.Q(issue="refusee") & models.Q(montant=0))
                | (models.Q(issue="reduite") & models.Q(montant__gt=0)),
                name="arbitrage_montant_coherent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point} : {self.ligne.financeur} {self.get_issue_display().lower()}"


class DecisionLigne(models.Model):
    """The committee's decision on one co-funder's line of the dossier it retained, written
    when the session closes; read-only. The ledger programmes `montant_retenu`."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="lignes")
    signataire = models.ForeignKey(Signataire, on_delete=models.PROTECT, related_name="+")
    issue = models.CharField("décision", max_length=20, choices=IssueLigne.choices)
    montant_demande = models.DecimalField("montant demandé (€)", **MONTANT)
    montant_retenu = models.DecimalField("montant retenu (€)", **MONTANT)
    motif = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "décision sur une ligne"
        verbose_name_plural = "décisions sur les lignes"
        ordering = ["decision", "signataire__ordre", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant_retenu__gte=0)
                & models.Q(montant_retenu__lte=models.F("montant_demande")),
                name="decision_ligne_dans_la_demande",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.point} : {self.signataire} {self.get_issue_display().lower()}"

    @property
    def montant_retire(self) -> Decimal:
        return self.montant_demande - self.montant_retenu


class JournalGouvernance(models.Model):
    """One row per write of the governance services, in the same transaction."""

    seance = models.ForeignKey(
        Seance, on_delete=models.PROTECT, related_name="journal", null=True, blank=True
    )
    projet = models.ForeignKey(
        Projet, on_delete=models.PROTECT, related_name="journal_gouvernance", null=True, blank=True
    )
    action = models.CharField("action", max_length=40)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="journal_gouvernance"
    )
    le = models.DateTimeField("le", auto_now_add=True)
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "entrée du journal de gouvernance"
        verbose_name_plural = "journal de gouvernance"
        ordering = ["-le", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} par {self.par} le {self.le:%d/%m/%Y %H:%M}"
