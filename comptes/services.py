"""Write use-cases of accounts: personal API tokens."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from comptes.models import JetonApi, Utilisateur
from socle.exceptions import EtatIncompatible, RegleMetierError

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
