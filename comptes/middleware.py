"""Until a password log-in that owes a second factor has given it, the session reaches only
the second-factor pages, the log-out and the static files (the admin and the API included)."""

from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from comptes.double_facteur import session_en_attente


class DoubleFacteurMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if session_en_attente(request) and not self._permis(request.path_info):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Second facteur d'authentification attendu."}, status=403
                )
            cible = reverse("second_facteur")
            return redirect(f"{cible}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _permis(chemin: str) -> bool:
        # Exact pages only: the enrolment page's neighbours (new recovery codes) stay closed.
        pages = {reverse("second_facteur"), reverse("double_facteur"), reverse("deconnexion")}
        return chemin in pages or chemin.startswith("/static/")
