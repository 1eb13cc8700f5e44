from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpResponse, HttpResponseBadRequest


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a login unless its view is marked `login_not_required`.

    The REST API is left to Django REST framework, whose permission classes answer 401/403 in
    JSON instead of redirecting a machine client to the log-in page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LimiteTailleRequeteMiddleware:
    """Refuses with 413 a request whose announced body exceeds `TAILLE_MAXIMALE_REQUETE`,
    before anything reads it (the largest legitimate one is a 20 Mo attachment and its form).

    Django itself caps form fields (`DATA_UPLOAD_MAX_MEMORY_SIZE`, answered with 400) but not
    the total size of a multipart upload, which it would stream to disk first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            taille = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest("Longueur de requête invalide.")
        if taille > settings.TAILLE_MAXIMALE_REQUETE:
            return HttpResponse(
                "Requête trop volumineuse : 20 Mo au plus par document.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
