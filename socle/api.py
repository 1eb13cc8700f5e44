"""API plumbing shared by the apps: pagination and the mapping of business errors."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from socle.exceptions import RegleMetierError


class Pagination(PageNumberPagination):
    """Pages of 50 rows with the total count; `?taille=` asks for up to 500."""

    page_query_param = "page"
    page_size_query_param = "taille"
    max_page_size = 500
    page_query_description = "Numéro de la page, à partir de 1."
    page_size_query_description = "Nombre de résultats par page (50 par défaut, 500 au plus)."

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        reponse = super().get_paginated_response_schema(schema)
        proprietes = reponse["properties"]
        proprietes["count"]["description"] = "Nombre total de résultats, toutes pages comprises."
        proprietes["next"]["description"] = "Adresse de la page suivante (null sur la dernière)."
        proprietes["previous"]["description"] = "Adresse de la page précédente (null sur la 1re)."
        proprietes["results"]["description"] = "Les résultats de cette page (50 par défaut)."
        return reponse


def corps_erreur(erreurs: dict[str, list[str]], message: str | None = None) -> dict[str, Any]:
    corps: dict[str, Any] = {
        ("non_field_errors" if champ == "__all__" else champ): textes
        for champ, textes in erreurs.items()
    }
    if message:
        corps["detail"] = message
    return corps


MESSAGE_VALEUR_TROP_LONGUE = (
    "Une valeur envoyée dépasse ce que le portail peut enregistrer (texte trop long ou nombre "
    "trop grand). Rien n’a été enregistré."
)
MESSAGE_CORPS_TROP_GROS = (
    "Requête trop volumineuse : 2,5 Mo au plus hors documents, 20 Mo au plus par document."
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """400 keyed by field, 403, 404 and 409 from the services' errors; never a 500."""
    if isinstance(exc, RegleMetierError):
        return Response(corps_erreur(exc.erreurs, exc.message), status=exc.statut_http)
    if isinstance(exc, DjangoValidationError):
        erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Response(corps_erreur(erreurs), status=400)
    if isinstance(exc, Http404):
        # Django's own text names the model (« No Projet matches the given query. »).
        return Response({"detail": "Ressource introuvable."}, status=404)
    if isinstance(exc, DataError):
        # The last guard: a value past a column's limit that no serializer caught. The whole
        # request is rolled back; the database's own words (and the column) are not shown.
        set_rollback()
        return Response({"detail": MESSAGE_VALEUR_TROP_LONGUE}, status=400)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": MESSAGE_CORPS_TROP_GROS}, status=413)
    return drf_exception_handler(exc, context)


# Path parameters are named alike across the API: one French description each.
DESCRIPTIONS_PARAMETRES = {
    "reference": "Référence du projet, par exemple HDF-2026-0042.",
    "id": "Identifiant numérique.",
    "numero": "Numéro de l'avenant.",
    "code": "Code du nœud du programme, par exemple IV.2.1.",
    "action": "Action du cycle de vie.",
    "departement": "Code INSEE du département (02, 59, 60, 62 ou 80).",
    "financeur": "Code d'un signataire présent dans le plan de financement.",
}


def decrire_parametres(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: describe in French the parameters that the
    views do not describe themselves."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parametre in operation.get("parameters", []):
                if not parametre.get("description"):
                    parametre["description"] = DESCRIPTIONS_PARAMETRES.get(parametre["name"], "")
    return result
