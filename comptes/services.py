"""Write use-cases of accounts: personal API tokens, requests for access."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from comptes.models import (
    DemandeAcces,
    IdentiteProConnect,
    JetonApi,
    Organisation,
    Role,
    StatutDemande,
    Utilisateur,
)
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError

JETONS_ACTIFS_MAXIMUM = 20


def empreinte_cle(cle: str) -> str:
    """SHA-256 of a key. The keys are 256-bit random values, so a plain (unsalted) hash is
    enough: nobody can guess a key from its hash, nor try keys one by one."""
    return hashlib.sha256(cle.encode()).hexdigest()


@transaction.atomic
def jeton_creer(*, utilisateur: Utilisateur, nom: str) -> tuple[JetonApi, str]:
    """Create a personal API token and return it with its key, which is never stored."""
    nom = nom.strip()
    if not nom:
        raise RegleMetierError(erreurs={"nom": ["Donnez un nom au jeton."]})
    Utilisateur.objects.select_for_update().get(pk=utilisateur.pk)
    if utilisateur.jetons_api.actifs().count() >= JETONS_ACTIFS_MAXIMUM:
        raise RegleMetierError(
            erreurs={
                "nom": [
                    f"Vous avez déjà {JETONS_ACTIFS_MAXIMUM} jetons actifs : "
                    "révoquez-en un avant d'en créer un autre."
                ]
            }
        )
    cle = "cper_" + secrets.token_urlsafe(32)
    jeton = JetonApi.objects.create(
        utilisateur=utilisateur, nom=nom[:100], prefixe=cle[:8], empreinte=empreinte_cle(cle)
    )
    return jeton, cle


@transaction.atomic
def jeton_revoquer(*, jeton: JetonApi, par: Utilisateur) -> JetonApi:
    """Revoke a token for good; only its owner does it (others never see it: 404 upstream)."""
    jeton = JetonApi.objects.select_for_update().get(pk=jeton.pk)
    if jeton.utilisateur_id != par.pk:
        raise RegleMetierError("Ce jeton n'est pas le vôtre.")
    if jeton.revoque_le is not None:
        raise EtatIncompatible("Ce jeton est déjà révoqué.")
    jeton.revoque_le = timezone.now()
    jeton.save(update_fields=["revoque_le"])
    return jeton


# --- Requests for access (ProConnect) ------------------------------------------------------


def _secretariat_seulement(par: Utilisateur) -> None:
    if not par.est_administrateur:
        raise ActionNonAutorisee("Seul le secrétariat du CPER traite les demandes d'accès.")


@transaction.atomic
def demande_approuver(
    *, demande: DemandeAcces, par: Utilisateur, organisation: Organisation, role: str
) -> Utilisateur:
    """The secretariat approves a request: the account of its address (created if none) gets
    the role and the organisation chosen here — never those the token claimed — and the
    ProConnect identity is linked to it."""
    _secretariat_seulement(par)
    demande = DemandeAcces.objects.select_for_update().get(pk=demande.pk)
    if demande.statut != StatutDemande.EN_ATTENTE:
        raise EtatIncompatible("Cette demande d'accès est déjà traitée.")
    if role not in Role.values:
        raise RegleMetierError(erreurs={"role": ["Choisissez un rôle de la liste."]})
    if IdentiteProConnect.objects.filter(emetteur=demande.emetteur, sujet=demande.sujet).exists():
        raise EtatIncompatible("Cette identité ProConnect est déjà liée à un compte.")
    utilisateur = Utilisateur.objects.filter(email__iexact=demande.email).first()
    if utilisateur is not None and hasattr(utilisateur, "identite_proconnect"):
        raise EtatIncompatible(
            "Le compte de cette adresse est déjà lié à une autre identité ProConnect."
        )
    if utilisateur is None:
        utilisateur = compte_proconnect_creer(
            email=demande.email,
            prenom=demande.prenom,
            nom=demande.nom,
            organisation_id=organisation.pk,
            role=role,
        )
    else:
        utilisateur.organisation = organisation
        utilisateur.role = role
        utilisateur.save(update_fields=["organisation", "role"])
    IdentiteProConnect.objects.create(
        utilisateur=utilisateur, emetteur=demande.emetteur, sujet=demande.sujet
    )
    demande.statut = StatutDemande.APPROUVEE
    demande.traitee_par = par
    demande.traitee_le = timezone.now()
    demande.utilisateur = utilisateur
    demande.save(update_fields=["statut", "traitee_par", "traitee_le", "utilisateur"])
    return utilisateur


@transaction.atomic
def demande_refuser(*, demande: DemandeAcces, par: Utilisateur) -> DemandeAcces:
    _secretariat_seulement(par)
    demande = DemandeAcces.objects.select_for_update().get(pk=demande.pk)
    if demande.statut != StatutDemande.EN_ATTENTE:
        raise EtatIncompatible("Cette demande d'accès est déjà traitée.")
    demande.statut = StatutDemande.REFUSEE
    demande.traitee_par = par
    demande.traitee_le = timezone.now()
    demande.save(update_fields=["statut", "traitee_par", "traitee_le"])
    return demande


def compte_proconnect_creer(
    *, email: str, prenom: str, nom: str, organisation_id: int, role: str
) -> Utilisateur:
    """An account that logs in with ProConnect only (no usable password)."""
    base = email.split("@")[0][:140] or "agent"
    identifiant, n = base, 1
    while Utilisateur.objects.filter(username=identifiant).exists():
        n += 1
        identifiant = f"{base}{n}"
    utilisateur = Utilisateur(
        username=identifiant,
        email=email,
        first_name=str(prenom)[:150],
        last_name=str(nom)[:150],
        organisation_id=organisation_id,
        role=role,
    )
    utilisateur.set_unusable_password()
    utilisateur.save()
    return utilisateur
