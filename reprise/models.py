"""The import of the existing programming (« reprise de l'existant »): one row per uploaded
file, from its validation report to its application, and the dossiers it created.

`reprise` sits just above `gouvernance`: it writes only through the services of the apps below
(`projets` for dossiers and plans, `financement` for the ledger).
"""

from django.conf import settings
from django.db import models

from projets.models import Projet


class EtatImport(models.TextChoices):
    EN_ATTENTE = "en_attente", "en attente de vérification"
    VERIFICATION = "verification", "vérification en cours"
    ERREURS = "erreurs", "fichier à corriger"
    VALIDE = "valide", "fichier vérifié, prêt à être appliqué"
    APPLICATION = "application", "application en cours"
    APPLIQUE = "applique", "appliqué"
    ECHEC = "echec", "échec"


ETATS_EN_TRAVAIL = (EtatImport.EN_ATTENTE, EtatImport.VERIFICATION, EtatImport.APPLICATION)


class ImportProgrammation(models.Model):
    """One uploaded file of the existing programming and what became of it.

    The report (`erreurs`: row, column, French message) and the summary (`bilan`: what the file
    holds and what applying it writes) are kept with the job, whoever reads them later.
    """

    fichier = models.FileField(
        "fichier déposé", upload_to="reprise/", max_length=255
    )  # stored under a random name (`services.import_deposer`), never the uploaded one
    nom_fichier = models.CharField("nom du fichier", max_length=255)
    empreinte = models.CharField("empreinte SHA-256 du fichier", max_length=64)
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.PROTECT,
        related_name="imports_deposes",
    )
    depose_le = models.DateTimeField("déposé le", auto_now_add=True)
    etat = models.CharField(
        "état", max_length=20, choices=EtatImport.choices, default=EtatImport.EN_ATTENTE
    )
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    nombre_lignes = models.PositiveIntegerField("lignes du fichier", default=0)
    erreurs = models.JSONField("erreurs relevées", default=list, blank=True)
    bilan = models.JSONField("bilan", default=dict, blank=True)
    message_erreur = models.TextField("message d'erreur", blank=True)
    verifie_le = models.DateTimeField("vérifié le", null=True, blank=True)
    duree_verification = models.DecimalField(
        "durée de la vérification (s)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    applique_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="appliqué par",
        on_delete=models.PROTECT,
        related_name="imports_appliques",
        null=True,
        blank=True,
    )
    applique_le = models.DateTimeField("appliqué le", null=True, blank=True)
    duree_application = models.DecimalField(
        "durée de l'application (s)", max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "import de la programmation existante"
        verbose_name_plural = "imports de la programmation existante"
        ordering = ["-depose_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progression__lte=100), name="import_progression_max_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(etat="applique") | models.Q(applique_par__isnull=False),
                name="import_applique_par_quelqu_un",
            ),
        ]

    def __str__(self) -> str:
        return f"Import n° {self.pk} – {self.nom_fichier} ({self.get_etat_display()})"

    @property
    def est_en_travail(self) -> bool:
        return self.etat in ETATS_EN_TRAVAIL

    @property
    def peut_etre_applique(self) -> bool:
        return self.etat == EtatImport.VALIDE


class DossierRepris(models.Model):
    """A dossier the import created, and the identifier the partners gave it in their own
    spreadsheet: a second upload of the same file finds it again instead of creating it twice."""

    identifiant_origine = models.CharField("identifiant d'origine", max_length=100, unique=True)
    projet = models.OneToOneField(
        Projet, verbose_name="dossier", on_delete=models.PROTECT, related_name="reprise"
    )
    import_origine = models.ForeignKey(
        ImportProgrammation,
        verbose_name="import",
        on_delete=models.PROTECT,
        related_name="dossiers_repris",
    )

    class Meta:
        verbose_name = "dossier repris"
        verbose_name_plural = "dossiers repris"
        ordering = ["identifiant_origine"]

    def __str__(self) -> str:
        return f"{self.identifiant_origine} → {self.projet.reference}"
