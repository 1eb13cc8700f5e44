"""Request plumbing shared by every page: log-in by default, a cap on the request size, and
the French page answering a business-rule error that a view lets escape."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from socle.erreurs import MESSAGES_API
from socle.exceptions import RegleMetierError
from socle.transactions import OperationsSimultanees, est_conflit_concurrent


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a login unless its view is marked `login_not_required`.

    The REST API is left to Django REST framework, whose permission classes answer 401/403 in
    JSON instead of redirecting a machine client to the log-in page.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LimiteTailleRequeteMiddleware:
    """Refuses with 413 a request whose announced body exceeds `TAILLE_MAXIMALE_REQUETE`,
    before anything reads it (the largest legitimate one is a 20 Mo attachment and its form).

    Django itself caps form fields (`DATA_UPLOAD_MAX_MEMORY_SIZE`, answered with 400) but not
    the total size of a multipart upload, which it would stream to disk first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        api = request.path_info.startswith("/api/")
        try:
            taille = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            if api:
                return JsonResponse({"detail": "Longueur de requête invalide."}, status=400)
            return HttpResponseBadRequest("Longueur de requête invalide.")
        if taille > settings.TAILLE_MAXIMALE_REQUETE:
            if api:  # the API answers JSON, always
                return JsonResponse({"detail": MESSAGES_API[413]}, status=413)
            return HttpResponse(
                "Requête trop volumineuse : 20 Mo au plus par document.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


MESSAGE_VALEUR_TROP_LONGUE = (
    "Une valeur saisie dépasse ce que le portail peut enregistrer (texte trop long ou nombre "
    "trop grand). Rien n’a été enregistré : corrigez-la et envoyez à nouveau."
)

TITRES_ERREUR_METIER = {
    400: "Demande refusée",
    403: "Action non autorisée",
    409: "Action impossible dans l’état actuel",
}


class RegleMetierMiddleware:
    """The HTML counterpart of the API's exception handler (`socle.api.exception_handler`): a
    business-rule error that a page lets escape is answered with a French page carrying the
    business message and the same status as the API (`ActionNonAutorisee` 403,
    `EtatIncompatible` 409, any other `RegleMetierError` 400), never with a 500.

    Views that catch these errors to show them next to the fields of a form keep doing so;
    this only answers for the others. The REST API keeps its own handler (JSON bodies).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path_info.startswith("/api/"):
            return None
        if isinstance(exception, DataError):
            # A value past a column's limit that no form caught: refused, never a 500.
            exception = RegleMetierError(MESSAGE_VALEUR_TROP_LONGUE)
        if est_conflit_concurrent(exception):
            exception = OperationsSimultanees()
        if not isinstance(exception, RegleMetierError):
            return None
        statut = exception.statut_http
        messages = [texte for textes in exception.erreurs.values() for texte in textes]
        return render(
            request,
            "erreur_metier.html",
            {
                "titre": TITRES_ERREUR_METIER.get(statut, TITRES_ERREUR_METIER[400]),
                "message": exception.message,
                "autres_messages": [m for m in messages if m != exception.message],
                "statut": statut,
                "fil_ariane": False,
            },
            status=statut,
        )
