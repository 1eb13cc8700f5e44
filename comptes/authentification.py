"""Authentication of REST clients by a personal API token, and their throttling."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.throttling import UserRateThrottle

from comptes.models import JetonApi
from comptes.services import empreinte_cle

# Writing the last use at every request would put a write on every read; once a minute is
# precise enough to tell an unused token.
PRECISION_DERNIER_USAGE = timedelta(minutes=1)


class JetonAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <clé>` (or `Token <clé>`) with a key created on /compte/.

    Being first in the list, it also makes DRF answer 401 with `WWW-Authenticate` (instead
    of 403) to a request without credentials.
    """

    mots_cles = ("bearer", "token")

    def authenticate(self, request):
        entete = authentication.get_authorization_header(request).split()
        if not entete or entete[0].decode(errors="replace").lower() not in self.mots_cles:
            return None
        if len(entete) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête Authorization invalide : « Bearer <clé> » attendu."
            )
        try:
            cle = entete[1].decode()
        except UnicodeDecodeError as erreur:
            raise exceptions.AuthenticationFailed("Clé d'API invalide.") from erreur
        jeton = (
            JetonApi.objects.actifs()
            .select_related("utilisateur", "utilisateur__organisation")
            .filter(empreinte=empreinte_cle(cle))
            .first()
        )
        if jeton is None or not jeton.utilisateur.is_active:
            raise exceptions.AuthenticationFailed("Clé d'API inconnue ou révoquée.")
        maintenant = timezone.now()
        if jeton.dernier_usage_le is None or (
            maintenant - jeton.dernier_usage_le > PRECISION_DERNIER_USAGE
        ):
            JetonApi.objects.filter(pk=jeton.pk).update(dernier_usage_le=maintenant)
        return jeton.utilisateur, jeton

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class JetonThrottle(UserRateThrottle):
    """Per-user rate of token clients (`API_DEBIT_JETON`, 1000/hour by default); browser
    sessions are not throttled here."""

    scope = "jeton"

    def allow_request(self, request, view):
        if not isinstance(request.auth, JetonApi):
            return True
        return super().allow_request(request, view)
