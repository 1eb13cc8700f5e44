"""The error answers of the API, documented on every operation (drf-spectacular hook).

Every refusal has one of two shapes, whatever the endpoint:
- 400: the fields in error, each with its French messages (`{"montant": ["…"]}`; a field made
  of rows, such as a plan's lines, lists the errors of each row at its index, one entry per
  row sent, `{}` for a row without error: `{"lignes": [{}, {"montant": ["…"]}]}`, whether DRF
  or a service refused it), plus `non_field_errors` for what concerns no single field or the
  rows as a whole (« le plan n'est pas équilibré ») and `detail` for a summary;
- 401, 403, 404, 409, 429: `{"detail": "…"}`, one French sentence.
"""

from typing import Any

ERREUR_SIMPLE = {
    "type": "object",
    "description": "Un refus : une phrase en français dans `detail`.",
    "properties": {"detail": {"type": "string", "description": "La raison du refus."}},
    "required": ["detail"],
}
ERREURS_DE_LIGNES = {
    "type": "array",
    "description": (
        "Les erreurs des lignes du plan de financement, une entrée par ligne envoyée, dans "
        "l'ordre (index à partir de 0) : `{}` pour une ligne sans erreur, sinon chaque champ "
        "de la ligne en erreur avec ses messages en français. Ce qui concerne le plan entier "
        "(équilibre, part du maître d'ouvrage, liste mal formée) est dans `non_field_errors`."
    ),
    "items": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "example": [{}, {"montant": ["Le montant doit être supérieur à zéro."]}],
}
ERREUR_DE_SAISIE = {
    "type": "object",
    "description": (
        "Une saisie refusée : chaque champ en erreur avec ses messages en français ; "
        "`non_field_errors` pour ce qui ne tient pas à un seul champ ; `detail` résume."
    ),
    "properties": {
        "detail": {"type": "string", "description": "Le résumé du refus, s'il y en a un."},
        "non_field_errors": {
            "type": "array",
            "items": {"type": "string"},
            "description": (
                "Les refus qui ne tiennent pas à un seul champ, dont ceux du plan de "
                "financement entier (« le plan n'est pas équilibré »)."
            ),
        },
        "lignes": {
            "allOf": [{"$ref": "#/components/schemas/ErreursDeLignes"}],
            "description": (
                "Les erreurs des lignes du plan de financement, une entrée par ligne envoyée "
                "(`{}` pour une ligne sans erreur)."
            ),
        },
    },
    "additionalProperties": {
        "description": (
            "Les messages en français du champ en erreur ; pour un champ qui contient des "
            "rangées (les lignes d'un plan de financement), les erreurs de chaque rangée, "
            "par numéro de rangée à partir de 0."
        ),
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "array", "items": {"$ref": "#/components/schemas/ErreurDeSaisie"}},
            {"$ref": "#/components/schemas/ErreurDeSaisie"},
        ],
    },
}
REPONSES = {
    "400": ("ErreurDeSaisie", "Saisie ou paramètre refusé ; rien n'a été enregistré."),
    "401": ("ErreurSimple", "Authentification absente ou invalide (session ou jeton)."),
    "403": ("ErreurSimple", "Vous n'avez pas le droit d'effectuer cette action sur cet objet."),
    "404": ("ErreurSimple", "Ressource introuvable (ou invisible pour vous)."),
    "409": ("ErreurSimple", "Action impossible dans l'état actuel de l'objet ; rien n'a changé."),
    "429": ("ErreurSimple", "Trop de requêtes : réessayez plus tard (en-tête Retry-After)."),
}
ECRITURES = {"post", "put", "patch", "delete"}


def _codes(methode: str, chemin: str, operation: dict[str, Any]) -> list[str]:
    codes = ["429"]
    anonyme_permis = {} in operation.get("security", [{}])
    if not anonyme_permis:
        codes += ["401", "403"]
    if methode in ECRITURES or operation.get("parameters"):
        codes.append("400")
    if "{" in chemin:
        codes.append("404")
    if methode in ECRITURES:
        codes.append("409")
    return sorted(codes)


def documenter_erreurs(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """Post-processing hook: the error bodies as components, referenced by every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErreurSimple"] = ERREUR_SIMPLE
    schemas["ErreurDeSaisie"] = ERREUR_DE_SAISIE
    schemas["ErreursDeLignes"] = ERREURS_DE_LIGNES
    for chemin, operations in result.get("paths", {}).items():
        for methode, operation in operations.items():
            reponses = operation.setdefault("responses", {})
            for code in _codes(methode, chemin, operation):
                if code in reponses:
                    continue
                composant, description = REPONSES[code]
                reponses[code] = {
                    "description": description,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{composant}"}
                        }
                    },
                }
    return result
