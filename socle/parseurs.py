"""The API's JSON parser: a French 400 for a malformed body, and a cap on nesting.

A body nested thousands of levels deep (`[[[[…]]]]`) made Python's decoder overflow its stack
(a 500); one nested a few hundred levels would parse and then reach the serializers. No input
of the API goes deeper than a few levels (a dossier, its plan lines, their fields): past
`PROFONDEUR_MAXIMALE` the body is refused, before any serializer sees it.
"""

import codecs
import json
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

PROFONDEUR_MAXIMALE = 32

MESSAGE_MALFORME = "Le corps de la requête n’est pas un JSON valide (UTF-8)."
MESSAGE_PROFONDEUR = (
    f"Le corps de la requête est trop imbriqué : {PROFONDEUR_MAXIMALE} niveaux au plus."
)
MESSAGE_CONSTANTE = "Le corps de la requête contient une valeur non permise (NaN ou Infinity)."


def profondeur(valeur: Any, limite: int = PROFONDEUR_MAXIMALE) -> int:
    """The nesting depth of a decoded JSON value (walked without recursion), stopping just past
    `limite`."""
    plus_profond = 0
    pile: list[tuple[Any, int]] = [(valeur, 1)]
    while pile:
        courant, niveau = pile.pop()
        if not isinstance(courant, dict | list):
            continue
        plus_profond = max(plus_profond, niveau)
        if plus_profond > limite:
            return plus_profond
        enfants = courant.values() if isinstance(courant, dict) else courant
        pile.extend((enfant, niveau + 1) for enfant in enfants)
    return plus_profond


def _constante_refusee(nom: str) -> Any:
    raise ParseError(MESSAGE_CONSTANTE)


class JsonParser(JSONParser):
    """DRF's JSON parser, with French messages and a depth limit; NaN and Infinity refused."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encodage = (parser_context or {}).get("encoding") or "utf-8"
        try:
            texte = codecs.getreader(encodage)(stream).read()
            donnees = json.loads(texte, parse_constant=_constante_refusee)
        except RecursionError as erreur:
            raise ParseError(MESSAGE_PROFONDEUR) from erreur
        except (ValueError, LookupError) as erreur:
            raise ParseError(MESSAGE_MALFORME) from erreur
        if profondeur(donnees) > PROFONDEUR_MAXIMALE:
            raise ParseError(MESSAGE_PROFONDEUR)
        return donnees
