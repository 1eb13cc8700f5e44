"""API plumbing shared by the apps: pagination and the mapping of business errors."""

import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, models
from django.http import Http404
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from socle.exceptions import RegleMetierError
from socle.montants import CENTIME
from socle.transactions import OperationsSimultanees, est_conflit_concurrent


class Pagination(PageNumberPagination):
    """Pages of 50 rows with the total count; `?taille=` asks for up to 500."""

    page_query_param = "page"
    page_size_query_param = "taille"
    max_page_size = 500
    page_query_description = "Numéro de la page, à partir de 1."
    page_size_query_description = (
        "Nombre de résultats par page : un entier de 1 à 500 (50 par défaut ; au-delà de 500, "
        "500). Laissé vide, 50 ; une autre valeur est refusée (400)."
    )

    def get_page_size(self, request: Any) -> int | None:
        """An empty `taille` is the default, like every empty filter; an invalid one is a 400
        (it was silently ignored)."""
        texte = request.query_params.get(self.page_size_query_param, "")
        if texte == "":
            return self.page_size
        if not texte.isascii() or not texte.isdigit() or int(texte) < 1:
            raise serializers.ValidationError(
                {
                    self.page_size_query_param: [
                        "Indiquez un nombre entier de résultats, de 1 à 500."
                    ]
                }
            )
        return min(int(texte), self.max_page_size or int(texte))

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parametres = super().get_schema_operation_parameters(view)
        for parametre in parametres:
            if parametre["name"] == self.page_query_param:
                parametre["schema"] = {"type": "integer", "minimum": 1}
            if parametre["name"] == self.page_size_query_param:
                parametre["schema"] = {"type": "integer", "minimum": 1}
        return parametres

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        reponse = super().get_paginated_response_schema(schema)
        proprietes = reponse["properties"]
        proprietes["count"]["description"] = "Nombre total de résultats, toutes pages comprises."
        proprietes["next"]["description"] = "Adresse de la page suivante (null sur la dernière)."
        proprietes["previous"]["description"] = "Adresse de la page précédente (null sur la 1re)."
        proprietes["results"]["description"] = "Les résultats de cette page (50 par défaut)."
        return reponse


# The fields made of rows whose errors the API nests by row: one shape for a plan's lines,
# whether DRF or a service refused them (`socle.schema_erreurs.ERREURS_DE_RANGEES`).
CHAMPS_EN_RANGEES = ("lignes",)


def corps_erreur(
    erreurs: dict[str, list[str]],
    message: str | None = None,
    rangees: dict[str, list[dict[str, list[str]]]] | None = None,
) -> dict[str, Any]:
    """A service's refusal as the API answers it: each field with its messages, a table's rows
    nested by index (`{"lignes": [{}, {"montant": ["…"]}]}`), what concerns a table as a
    whole (« le plan n'est pas équilibré ») or no single field in `non_field_errors`."""
    corps: dict[str, Any] = {}
    generales: list[str] = list(erreurs.get("__all__", []))
    for champ, textes in erreurs.items():
        if champ == "__all__":
            continue
        if champ in CHAMPS_EN_RANGEES:
            generales.extend(textes)
        else:
            corps[champ] = textes
    for champ, lignes in (rangees or {}).items():
        corps[champ] = [dict(erreurs_de_la_ligne) for erreurs_de_la_ligne in lignes]
    if generales:
        corps["non_field_errors"] = generales
    if message:
        corps["detail"] = message
    return corps


def _rangees_a_la_forme_commune(corps: Any) -> Any:
    """DRF's own refusal of a table of rows, in the one shape: the rows' errors as a list by
    index (a `ListField` gives a dict keyed by index), a refusal of the table as a whole
    (« not a list ») in `non_field_errors`."""
    if not isinstance(corps, dict):
        return corps
    for champ in CHAMPS_EN_RANGEES:
        valeur = corps.get(champ)
        if isinstance(valeur, dict) and valeur and all(str(k).isdigit() for k in valeur):
            taille = max(int(k) for k in valeur) + 1
            corps[champ] = [valeur.get(i, valeur.get(str(i), {})) for i in range(taille)]
        elif isinstance(valeur, dict):
            corps.pop(champ)
            textes = [t for liste in valeur.values() for t in liste]
            corps.setdefault("non_field_errors", []).extend(textes)
        elif isinstance(valeur, list) and valeur and not all(isinstance(v, dict) for v in valeur):
            corps.pop(champ)
            corps.setdefault("non_field_errors", []).extend(
                str(v) for v in valeur if not isinstance(v, dict)
            )
    return corps


MESSAGE_VALEUR_TROP_LONGUE = (
    "Une valeur envoyée dépasse ce que le portail peut enregistrer (texte trop long ou nombre "
    "trop grand). Rien n’a été enregistré."
)
MESSAGE_CORPS_TROP_GROS = (
    "Requête trop volumineuse : 2,5 Mo au plus hors documents, 20 Mo au plus par document."
)


MESSAGE_CSRF = (
    "Requête refusée : le jeton de sécurité (CSRF) de votre session manque ou ne correspond "
    "pas. Rechargez la page du portail, ou, pour un programme, utilisez un jeton d’API "
    "(en-tête Authorization). Rien n’a été enregistré."
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """400 keyed by field, 403, 404 and 409 from the services' errors; never a 500."""
    if isinstance(exc, RegleMetierError):
        return Response(corps_erreur(exc.erreurs, exc.message, exc.rangees), status=exc.statut_http)
    if isinstance(exc, DjangoValidationError):
        erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Response(corps_erreur(erreurs), status=400)
    if isinstance(exc, Http404):
        # Django's own text names the model (« No Projet matches the given query. »).
        return Response({"detail": "Ressource introuvable."}, status=404)
    if est_conflit_concurrent(exc):
        # A deadlock with a simultaneous transaction, outside a use-case that retries it.
        set_rollback()
        erreur = OperationsSimultanees()
        return Response(corps_erreur(erreur.erreurs, erreur.message), status=409)
    if isinstance(exc, DataError):
        # The last guard: a value past a column's limit that no serializer caught. The whole
        # request is rolled back; the database's own words (and the column) are not shown.
        set_rollback()
        return Response({"detail": MESSAGE_VALEUR_TROP_LONGUE}, status=400)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": MESSAGE_CORPS_TROP_GROS}, status=413)
    if isinstance(exc, PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        # DRF's session check says it in English (« CSRF Failed: CSRF cookie not set. »).
        return Response({"detail": MESSAGE_CSRF}, status=403)
    reponse = drf_exception_handler(exc, context)
    if reponse is not None and isinstance(exc, ValidationError):
        reponse.data = _rangees_a_la_forme_commune(reponse.data)
    return reponse


# Path parameters are named alike across the API: one French description each.
DESCRIPTIONS_PARAMETRES = {
    "reference": "Référence du projet, par exemple HDF-2026-0042.",
    "id": "Identifiant numérique.",
    "numero": "Numéro de l'avenant.",
    "code": "Code du nœud du programme, par exemple IV.2.1.",
    "action": "Action du cycle de vie.",
    "departement": "Code INSEE du département (02, 59, 60, 62 ou 80).",
    "financeur": "Code d'un signataire présent dans le plan de financement.",
    "annee": "Année, un entier de 2000 à 2100 (une autre valeur est refusée, 400).",
    "maitre_ouvrage": "Identifiant (entier) de l'organisation maître d'ouvrage.",
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


# An amount as the API accepts it: ASCII digits, at most one decimal point and two decimals,
# never negative, never an exponent (`1e3`) nor other digits (`١٠٠٠`), which `Decimal` reads.
MOTIF_MONTANT = r"^[0-9]{1,12}(?:\.[0-9]{1,2})?$"


# The same, never zero: at least one cent.
MOTIF_MONTANT_POSITIF = r"^(?!0+(?:\.0+)?$)[0-9]{1,12}(?:\.[0-9]{1,2})?$"


class MontantSerializerField(serializers.DecimalField):
    """The API's input amount (`MONTANT`'s 14 digits, 2 decimals): a string of ASCII digits
    (or a JSON integer), refused with a French message otherwise."""

    default_error_messages = {
        "invalid": "Écrivez un montant en euros avec des chiffres et un point décimal, par "
        "exemple « 1234567.89 ».",
        "negatif": "Le montant ne peut pas être négatif.",
        "centimes": "Un montant a au plus deux décimales (les centimes).",
        "max_whole_digits": "Le montant a au plus {max_whole_digits} chiffres avant la virgule.",
    }

    def __init__(self, *args: Any, positif: bool = False, **kwargs: Any) -> None:
        """`positif`: zero is refused too (at least one cent), as the schema says."""
        self.positif = positif
        if positif:
            kwargs["min_value"] = CENTIME
            kwargs.setdefault("error_messages", {}).setdefault(
                "min_value", "Le montant doit être supérieur à zéro."
            )
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        texte = str(data).strip()
        if texte.startswith("-") and re.fullmatch(r"-[0-9]+(?:\.[0-9]+)?", texte):
            self.fail("negatif")
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", texte):
            self.fail("centimes")
        if not re.fullmatch(r"[0-9]+(?:\.[0-9]{1,2})?", texte):
            self.fail("invalid")
        valeur: Decimal = super().to_internal_value(texte)
        return valeur


class MontantSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """An input amount in the schema: a decimal string with its pattern and its true minimum
    (0,01 € when zero is refused, 0 otherwise)."""

    target_class = MontantSerializerField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        champ = self.target
        positif = champ.positif or (champ.min_value is not None and champ.min_value > 0)
        schema: dict[str, Any] = {
            "type": "string",
            "format": "decimal",
            "pattern": MOTIF_MONTANT_POSITIF if positif else MOTIF_MONTANT,
            "example": "1234567.89",
            "description": "Montant en euros : chiffres ASCII, un point décimal, deux décimales "
            + (
                "au plus, 0.01 au moins (zéro est refusé)."
                if positif
                else "au plus, jamais négatif."
            ),
        }
        if champ.min_value is not None:
            schema["minimum"] = float(champ.min_value)
        if champ.max_value is not None:
            schema["maximum"] = float(champ.max_value)
        return schema


def _nom_ascii(libelle: str) -> str:
    """« Données ouvertes » → `donnees-ouvertes`."""
    sans_accents = unicodedata.normalize("NFKD", libelle).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", sans_accents.lower()).strip("-")


def etiquettes_ascii(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: ASCII tag names (`donnees-ouvertes`) and
    operation ids, so that generated clients get clean module and function names, the French
    label kept as each tag's description (Swagger UI shows both)."""
    libelles: dict[str, str] = {}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "tags" in operation:
                noms = []
                for libelle in operation["tags"]:
                    nom = _nom_ascii(libelle)
                    libelles.setdefault(nom, libelle)
                    noms.append(nom)
                operation["tags"] = noms
            if isinstance(operation, dict) and "operationId" in operation:
                # `exports_lignes.csv_retrieve` → `exports_lignes_csv_retrieve`.
                operation["operationId"] = re.sub(r"[^A-Za-z0-9_]", "_", operation["operationId"])
    result["tags"] = [
        {"name": nom, "description": libelle} for nom, libelle in sorted(libelles.items())
    ]
    return result


class ListeEcrite(serializers.ListSerializer[Any]):
    """A list serializer that writes its rows itself (`ecrire`), the very output of the fields
    its serializer declares: DRF's walk over every field of every object costs more than the
    page's queries (issue 14). Only for the serializer that names it in its own `Meta`: a
    subclass of that serializer (which may add fields) is walked the DRF way."""

    def ecrire(self, objets: list[Any]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def to_representation(self, data: Any) -> list[Any]:
        meta = vars(type(self.child)).get("Meta")
        if getattr(meta, "list_serializer_class", None) is not type(self):
            return super().to_representation(data)
        objets = data.all() if isinstance(data, models.manager.BaseManager) else data
        return self.ecrire(list(objets))
