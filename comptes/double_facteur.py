"""Second factor of staff logged in with a password: a TOTP application (django-otp) and
recovery codes, each usable once, of which only a keyed hash is stored.

Who must use it: the roles of `COMPTES_DOUBLE_FACTEUR_ROLES` (administrators and agents in
production), and anyone who enrolled. A ProConnect log-in is exempt: the provider does its own.
Wrong codes count in the log-in lockout (comptes.connexion), with the password attempts.
"""

import hmac
import secrets
from hashlib import sha256

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes.models import CodeSecours, CodesSecours, Role, Utilisateur

BACKEND_PROCONNECT = "comptes.oidc.ProConnectBackend"
ALPHABET_CODES = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def role_exige(utilisateur: Utilisateur) -> bool:
    roles = set(settings.COMPTES_DOUBLE_FACTEUR_ROLES)
    if utilisateur.is_superuser and Role.ADMINISTRATEUR in roles:
        return True
    return utilisateur.role in roles


def a_un_second_facteur(utilisateur: Utilisateur) -> bool:
    return TOTPDevice.objects.filter(user=utilisateur, confirmed=True).exists()


def exige_second_facteur(utilisateur: Utilisateur) -> bool:
    """True when this person, logging in with a password, must give a second factor."""
    return role_exige(utilisateur) or a_un_second_facteur(utilisateur)


CLE_SESSION = "comptes_second_facteur_attendu"


def session_en_attente(request) -> bool:
    """A password log-in that still owes its second factor. Decided at the log-in and kept in
    the session (no query on the following pages), until the factor is given; a session opened
    before this rule existed is decided at its first request."""
    utilisateur = request.user
    if not utilisateur.is_authenticated:
        return False
    attendu = request.session.get(CLE_SESSION)
    if attendu is None:
        attendu = request.session.get(
            BACKEND_SESSION_KEY
        ) != BACKEND_PROCONNECT and exige_second_facteur(utilisateur)
        request.session[CLE_SESSION] = attendu
    if attendu and request.session.get(DEVICE_ID_SESSION_KEY) and utilisateur.is_verified():
        request.session[CLE_SESSION] = attendu = False
    return bool(attendu)


def decider_a_la_connexion(sender, request, user, **kwargs) -> None:
    """At each log-in (receiver of `user_logged_in`), decide whether this session owes a
    second factor, so that the following pages cost no query."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[CLE_SESSION] = request.session.get(
        BACKEND_SESSION_KEY
    ) != BACKEND_PROCONNECT and exige_second_facteur(user)


def second_facteur_donne(request, appareil) -> None:
    otp_login(request, appareil)
    request.session[CLE_SESSION] = False


# --- Recovery codes ------------------------------------------------------------------------


def empreinte_code(code: str, *, cle: str | None = None) -> str:
    normalise = code.strip().lower().replace("-", "").replace(" ", "")
    secret = (cle or settings.SECRET_KEY).encode()
    return hmac.new(secret, b"comptes.code_secours:" + normalise.encode(), sha256).hexdigest()


def _nouveau_code() -> str:
    brut = "".join(secrets.choice(ALPHABET_CODES) for _ in range(12))
    return f"{brut[:4]}-{brut[4:8]}-{brut[8:]}"


@transaction.atomic
def codes_secours_generer(*, utilisateur: Utilisateur) -> list[str]:
    """New recovery codes (the previous ones stop working); returned once, never stored."""
    dispositif, _ = CodesSecours.objects.get_or_create(
        user=utilisateur, defaults={"name": "Codes de secours", "confirmed": True}
    )
    dispositif.codes.all().delete()
    codes = [_nouveau_code() for _ in range(settings.COMPTES_CODES_SECOURS_NOMBRE)]
    CodeSecours.objects.bulk_create(
        [CodeSecours(dispositif=dispositif, empreinte=empreinte_code(c)) for c in codes]
    )
    return codes


@transaction.atomic
def code_secours_utiliser(*, dispositif: CodesSecours, code: str) -> bool:
    """Consume one unused code, under a row lock (two simultaneous uses: one succeeds)."""
    cles = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    empreintes = {empreinte_code(code, cle=c) for c in cles}
    trouve = (
        CodeSecours.objects.select_for_update()
        .filter(dispositif=dispositif, empreinte__in=empreintes, utilise_le__isnull=True)
        .first()
    )
    if trouve is None:
        return False
    trouve.utilise_le = timezone.now()
    trouve.save(update_fields=["utilise_le"])
    return True


def codes_secours_restants(utilisateur: Utilisateur) -> int:
    return CodeSecours.objects.filter(dispositif__user=utilisateur, utilise_le__isnull=True).count()


# --- Verification --------------------------------------------------------------------------


def verifier_code(utilisateur: Utilisateur, code: str) -> TOTPDevice | CodesSecours | None:
    """The device that accepts this code (a 6-digit TOTP or a recovery code), or None."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    if code.isdigit():
        for totp in TOTPDevice.objects.filter(user=utilisateur, confirmed=True):
            if totp.verify_token(code):
                return totp
        return None
    secours = CodesSecours.objects.filter(user=utilisateur, confirmed=True).first()
    if secours and secours.verify_token(code):
        return secours
    return None


def totp_a_confirmer(utilisateur: Utilisateur) -> TOTPDevice:
    """The TOTP device being enrolled (one at a time, unconfirmed until a first good code)."""
    appareil = TOTPDevice.objects.filter(user=utilisateur, confirmed=False).first()
    if appareil is None:
        appareil = TOTPDevice.objects.create(
            user=utilisateur, name="Application d'authentification", confirmed=False
        )
    return appareil


@transaction.atomic
def totp_confirmer(*, appareil: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the enrolled device with its first code: other TOTP devices of that person
    are removed, and new recovery codes returned (to be shown once). None if the code is
    wrong."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or not appareil.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=appareil.user).exclude(pk=appareil.pk).delete()
    appareil.confirmed = True
    appareil.save(update_fields=["confirmed"])
    return codes_secours_generer(utilisateur=appareil.user)
