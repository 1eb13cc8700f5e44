"""Organisations and the people who act for them.

Every user belongs to exactly one organisation: a signatory of the contract (État, Région,
Départements, MEL, Amiens Métropole) or another body (university, commune, operator, …).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_otp.models import Device


def valider_siret(valeur: str) -> None:
    """A SIRET has 14 digits and passes the Luhn check (La Poste's SIRET excepted)."""
    if not valeur.isdigit() or len(valeur) != 14:
        raise ValidationError("Le SIRET doit comporter exactement 14 chiffres.")
    if valeur.startswith("356000000"):  # La Poste: the sum of digits is a multiple of 5
        if sum(int(c) for c in valeur) % 5:
            raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle incorrecte).")
        return
    total = 0
    for rang, chiffre in enumerate(reversed(valeur)):
        n = int(chiffre) * (2 if rang % 2 else 1)
        total += n - 9 if n > 9 else n
    if total % 10:
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle incorrecte).")


class TypeOrganisation(models.TextChoices):
    ETAT = "etat", "État"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    METROPOLE = "metropole", "Métropole"
    AGGLOMERATION = "agglomeration", "Communauté d'agglomération"
    EPCI = "epci", "Autre intercommunalité"
    COMMUNE = "commune", "Commune"
    ENSEIGNEMENT_RECHERCHE = "enseignement_recherche", "Enseignement supérieur et recherche"
    OPERATEUR = "operateur", "Opérateur ou établissement public"
    ASSOCIATION = "association", "Association"
    ENTREPRISE = "entreprise", "Entreprise"
    AUTRE = "autre", "Autre organisme"


class Organisation(models.Model):
    nom = models.CharField("nom", max_length=255, unique=True)
    sigle = models.CharField("sigle", max_length=50, blank=True)
    type = models.CharField(
        "type", max_length=30, choices=TypeOrganisation.choices, default=TypeOrganisation.AUTRE
    )
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[valider_siret],
        help_text="Facultatif ; vérifié quand il est saisi.",
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class Role(models.TextChoices):
    ADMINISTRATEUR = "administrateur", "Administrateur (secrétariat du CPER)"
    AGENT = "agent", "Agent d'un signataire"
    MEMBRE_COMITE = "membre_comite", "Membre de comité"
    PORTEUR = "porteur", "Porteur de projet"
    LECTEUR = "lecteur", "Lecteur"


class UtilisateurManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATEUR)
        if "organisation" not in extra_fields and "organisation_id" not in extra_fields:
            extra_fields["organisation"], _ = Organisation.objects.get_or_create(
                nom="Secrétariat du CPER", defaults={"type": TypeOrganisation.ETAT}
            )
        return super().create_superuser(username, email, password, **extra_fields)


class Utilisateur(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp is untyped
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        related_name="utilisateurs",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.LECTEUR)

    objects = UtilisateurManager()  # type: ignore[misc]  # django-stubs types it as a class variable

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["username"]

    def __str__(self) -> str:
        nom = self.get_full_name()
        return f"{nom} ({self.username})" if nom else self.username

    @property
    def est_administrateur(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATEUR


class TentativeConnexion(models.Model):
    """Failed log-ins of one identifier from one address, and the lock they led to.

    `echecs` counts the attempts since the last success (an attempt is counted before the
    password is checked, so that simultaneous tries cannot pass the limit); at
    `CONNEXION_ECHECS_MAX` the pair is locked until `verrouille_jusqu_au`.
    """

    identifiant = models.CharField("identifiant (normalisé)", max_length=150)
    adresse_ip = models.GenericIPAddressField("adresse IP")
    echecs = models.PositiveIntegerField("échecs consécutifs", default=0)
    dernier_essai_le = models.DateTimeField("dernier essai le")
    verrouille_le = models.DateTimeField("verrouillé le", null=True, blank=True)
    verrouille_jusqu_au = models.DateTimeField("verrouillé jusqu'au", null=True, blank=True)
    verrouillages = models.PositiveIntegerField("verrouillages", default=0)

    class Meta:
        verbose_name = "tentative de connexion"
        verbose_name_plural = "tentatives de connexion"
        ordering = ["-dernier_essai_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifiant", "adresse_ip"], name="tentative_connexion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identifiant} depuis {self.adresse_ip}"


class JetonApiQuerySet(models.QuerySet):
    def actifs(self) -> "JetonApiQuerySet":
        return self.filter(revoque_le__isnull=True)


class JetonApi(models.Model):
    """A personal API token. Only the SHA-256 of the key is stored: the key itself is shown
    once, when the token is created, and can never be read back."""

    utilisateur = models.ForeignKey(
        Utilisateur,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="jetons_api",
    )
    nom = models.CharField("nom", max_length=100, help_text="Pour reconnaître le jeton.")
    prefixe = models.CharField(
        "début de la clé", max_length=8, help_text="Les 8 premiers caractères, pour la repérer."
    )
    empreinte = models.CharField("empreinte SHA-256 de la clé", max_length=64, unique=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    dernier_usage_le = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = JetonApiQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-cree_le", "-pk"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.prefixe}…)"

    @property
    def actif(self) -> bool:
        return self.revoque_le is None


# --- ProConnect: invitations, identities, requests for access ------------------------------


def invitation_expiration() -> datetime:
    return timezone.now() + timedelta(days=settings.COMPTES_INVITATION_DUREE_JOURS)


class Invitation(models.Model):
    """The secretariat invites an e-mail address: the first ProConnect log-in with that
    address links to the account of that address (or creates it with this role and this
    organisation). Without an invitation, a first log-in only files a request for access."""

    email = models.EmailField("adresse électronique")
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    invitee_par = models.ForeignKey(
        Utilisateur,
        verbose_name="invitée par",
        on_delete=models.PROTECT,
        related_name="invitations_envoyees",
        null=True,
        blank=True,
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    expire_le = models.DateTimeField("valable jusqu'au", default=invitation_expiration)
    utilisee_le = models.DateTimeField("utilisée le", null=True, blank=True)
    utilisateur = models.ForeignKey(
        Utilisateur,
        verbose_name="compte rattaché",
        on_delete=models.SET_NULL,
        related_name="invitations",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"


class IdentiteProConnect(models.Model):
    """The link between an account and a ProConnect identity (`sub` of the provider)."""

    utilisateur = models.OneToOneField(
        Utilisateur,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="identite_proconnect",
    )
    emetteur = models.CharField("fournisseur (issuer)", max_length=255)
    sujet = models.CharField("identifiant chez le fournisseur (sub)", max_length=255)
    liee_le = models.DateTimeField("liée le", auto_now_add=True)
    derniere_connexion_le = models.DateTimeField("dernière connexion", null=True, blank=True)

    class Meta:
        verbose_name = "identité ProConnect"
        verbose_name_plural = "identités ProConnect"
        constraints = [
            models.UniqueConstraint(fields=["emetteur", "sujet"], name="identite_proconnect_unique")
        ]

    def __str__(self) -> str:
        return f"{self.utilisateur} ↔ {self.sujet}"


class StatutDemande(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    APPROUVEE = "approuvee", "Approuvée"
    REFUSEE = "refusee", "Refusée"


class DemandeAcces(models.Model):
    """A ProConnect identity that no invitation announced asks for an account; the secretariat
    approves it (choosing the role and the organisation) or refuses it."""

    emetteur = models.CharField("fournisseur (issuer)", max_length=255)
    sujet = models.CharField("identifiant chez le fournisseur (sub)", max_length=255)
    email = models.EmailField("adresse électronique")
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField("nom", max_length=150, blank=True)
    siret = models.CharField("SIRET déclaré", max_length=14, blank=True)
    statut = models.CharField(
        "statut", max_length=12, choices=StatutDemande.choices, default=StatutDemande.EN_ATTENTE
    )
    cree_le = models.DateTimeField("demandée le", auto_now_add=True)
    traitee_le = models.DateTimeField("traitée le", null=True, blank=True)
    traitee_par = models.ForeignKey(
        Utilisateur,
        verbose_name="traitée par",
        on_delete=models.PROTECT,
        related_name="demandes_traitees",
        null=True,
        blank=True,
    )
    utilisateur = models.ForeignKey(
        Utilisateur,
        verbose_name="compte créé",
        on_delete=models.SET_NULL,
        related_name="demandes_acces",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "demande d'accès"
        verbose_name_plural = "demandes d'accès"
        ordering = ["-cree_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["emetteur", "sujet"],
                condition=models.Q(statut="en_attente"),
                name="demande_acces_une_en_attente",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_statut_display()})"


# --- Second factor: recovery codes ---------------------------------------------------------


class CodesSecours(Device):
    """The recovery codes of one person, as a django-otp device: each code works once. Only a
    keyed hash (HMAC-SHA256 with the SECRET_KEY) of each code is stored."""

    class Meta:
        verbose_name = "codes de secours"
        verbose_name_plural = "codes de secours"

    def verify_token(self, token) -> bool:
        from comptes.double_facteur import code_secours_utiliser

        return code_secours_utiliser(dispositif=self, code=str(token))


class CodeSecours(models.Model):
    dispositif = models.ForeignKey(
        CodesSecours, on_delete=models.CASCADE, related_name="codes", verbose_name="dispositif"
    )
    empreinte = models.CharField("empreinte", max_length=64)
    utilise_le = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "code de secours"
        verbose_name_plural = "codes de secours"

    def __str__(self) -> str:
        return f"code de secours de {self.dispositif.user}"
