"""Texts shortened for a table's cell, as the template filter `truncatechars` does."""

import unicodedata

from django.utils.text import Truncator


def titre_court(titre: str, longueur: int) -> str:
    """`{{ titre|truncatechars:longueur }}`, without building a `Truncator` for the titles that
    are short enough (nearly all of them): a text of at most `longueur` characters is never cut,
    and comes back NFC-normalised, as `Truncator` gives it."""
    texte = unicodedata.normalize("NFC", str(titre))
    if len(texte) <= longueur:
        return texte
    return Truncator(texte).chars(longueur)
