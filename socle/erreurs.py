"""The pages a visitor meets when a request fails: French, in the State's design system, with
a way back — and, under `/api/`, a French JSON body instead of a page.

Django's own 400/403/404/500 answers are English and bare; these replace them (`handler400`
… in `cper.urls`, `CSRF_FAILURE_VIEW` in the settings). A reason is shown only when the code
that refused wrote it for people (a `PermissionDenied("…")` raised by a view of the portal);
Django's own messages (« No Projet matches the given query. ») never reach a page.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.template.exceptions import TemplateDoesNotExist
from django.views.decorators.csrf import requires_csrf_token

TITRES = {
    400: "Demande incorrecte",
    413: "Demande trop volumineuse",
    403: "Accès refusé",
    404: "Page introuvable",
    500: "Erreur inattendue",
}
EXPLICATIONS = {
    400: "La demande envoyée au portail est incomplète ou mal formée. Rien n’a été enregistré.",
    403: "Vous n’avez pas le droit d’effectuer cette action ou d’afficher cette page. "
    "Rien n’a été enregistré.",
    404: "La page que vous cherchez n’existe pas, a été déplacée ou ne vous est pas accessible.",
    413: "La demande envoyée dépasse la taille permise : 2,5 Mo au plus hors documents, 20 Mo "
    "au plus par document. Rien n’a été enregistré.",
    500: "Le portail a rencontré un problème. Rien n’a été enregistré ; l’équipe technique en est "
    "informée. Réessayez dans quelques minutes.",
}
MESSAGES_API = {
    400: "Requête incorrecte.",
    403: "Vous n’avez pas la permission d’effectuer cette action.",
    404: "Ressource introuvable.",
    413: "Requête trop volumineuse : 2,5 Mo au plus hors documents, 20 Mo au plus par document.",
    500: "Erreur interne du portail. Rien n’a été enregistré.",
}
CSRF = (
    "Le formulaire a expiré ou a été envoyé depuis une autre page (vérification de sécurité). "
    "Revenez à la page précédente, rechargez-la, puis envoyez le formulaire à nouveau."
)


def _raison(exception: Exception | None) -> str:
    """The reason a view of the portal wrote for people; never Django's own wording."""
    if exception is None or not exception.args:
        return ""
    texte = str(exception.args[0])
    if not texte or texte.startswith(("No ", "Resolver404", "{")) or "matches the given" in texte:
        return ""
    return texte


def _reponse(request: HttpRequest, statut: int, raison: str = "") -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": raison or MESSAGES_API[statut]}, status=statut)
    contexte = {
        "statut": statut,
        "titre": TITRES[statut],
        "explication": EXPLICATIONS[statut],
        "raison": raison,
        "fil_ariane": False,
    }
    try:
        # A 500 renders without the database or the user: its page extends nothing that asks.
        gabarit = loader.get_template(
            f"erreurs/{statut}.html" if statut == 500 else "erreurs/page.html"
        )
        corps = gabarit.render(contexte, None if statut == 500 else request)
    except TemplateDoesNotExist:  # pragma: no cover - the templates ship with the portal
        corps = f"{TITRES[statut]} ({statut})"
    return HttpResponse(corps, status=statut)


@requires_csrf_token
def page_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        # The API says 413 with the limits; a page keeps its 400 and says why.
        if request.path_info.startswith("/api/"):
            return _reponse(request, 413)
        return _reponse(request, 400, EXPLICATIONS[413])
    return _reponse(request, 400)


@requires_csrf_token
def page_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _reponse(request, 403, _raison(exception))


@requires_csrf_token
def page_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _reponse(request, 404)


@requires_csrf_token
def page_500(request: HttpRequest) -> HttpResponse:
    return _reponse(request, 500)


def echec_csrf(request: HttpRequest, reason: str = "") -> HttpResponse:
    """`CSRF_FAILURE_VIEW`: the form's token was missing or stale."""
    return _reponse(request, 403, CSRF)
