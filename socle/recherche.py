"""Text search as a French user expects it: « equipement » finds « Équipement », « saint
quentin » finds « Saint-Quentin », « OEUVRE » finds « œuvre ».

The same normalisation is applied to what is stored (a search column, maintained on save) and
to what is typed, in Python, so that PostgreSQL and the embedded SQLite give the same results:
the database only compares lower-case ASCII with `LIKE '%…%'` (on PostgreSQL with a GIN
trigram index, `pg_trgm`, so the comparison does not read every row).
"""

import re
import unicodedata

# Ligatures that the Unicode decomposition keeps as one letter.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})
# A word: letters and digits, with inner dots kept so that « IV.2.1 » stays one code.
_MOT = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")


def mots(texte: str) -> list[str]:
    """The words of a text, lower-case, without accents; hyphens, apostrophes and any other
    punctuation separate words (« l'Étang-Saint-Jean » → l, etang, saint, jean)."""
    minuscules = texte.lower().translate(_LIGATURES)
    decompose = unicodedata.normalize("NFKD", minuscules)
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    return _MOT.findall(sans_accents)


def normaliser(*textes: str | None) -> str:
    """The searchable form of some texts: their words, separated by single spaces."""
    return " ".join(mot for texte in textes if texte for mot in mots(texte))
