"""API plumbing shared by the apps: pagination and the mapping of business errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cper.socle.exceptions import RegleMetierError


class Pagination(PageNumberPagination):
    """Pages of 50 rows with the total count; `?taille=` asks for up to 500."""

    page_query_param = "page"
    page_size_query_param = "taille"
    max_page_size = 500


def corps_erreur(erreurs: dict[str, list[str]], message: str | None = None) -> dict:
    corps = {
        ("non_field_errors" if champ == "__all__" else champ): textes
        for champ, textes in erreurs.items()
    }
    if message:
        corps["detail"] = message
    return corps


def exception_handler(exc, context):
    """400 keyed by field, 403, 404 and 409 from the services' errors; never a 500."""
    if isinstance(exc, RegleMetierError):
        return Response(corps_erreur(exc.erreurs, exc.message), status=exc.statut_http)
    if isinstance(exc, DjangoValidationError):
        erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Response(corps_erreur(erreurs), status=400)
    return drf_exception_handler(exc, context)
