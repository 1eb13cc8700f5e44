"""French grammar for names put in sentences: « l’enveloppe de l’État », « du Département du
Nord », « d’Amiens Métropole » — never « de État »."""

import unicodedata

_FEMININS = ("Région", "Métropole", "Communauté", "Commune", "Ville", "Université", "Préfecture")
_MASCULINS = ("Département", "Conseil", "Syndicat", "Pôle")


def _commence_par_une_voyelle(nom: str) -> bool:
    premiere = unicodedata.normalize("NFD", nom[:1])[:1].lower()
    return premiere in "aeiouyh"


def de(nom: str) -> str:
    """The complement « de » + the name, with its article and elision."""
    if nom == "État":
        return "de l’État"
    premier_mot = nom.split(" ", 1)[0]
    if premier_mot in _FEMININS:
        return f"de la {nom}"
    if premier_mot in _MASCULINS:
        return f"du {nom}"
    if _commence_par_une_voyelle(nom):
        return f"d’{nom}"
    return f"de {nom}"


def a(nom: str) -> str:
    """The complement « à » + the name, with its article: « à l’État », « au Département du
    Nord », « à la Région Hauts-de-France », « à Amiens »."""
    complement = de(nom)
    if complement.startswith("du "):
        return "au " + complement[3:]
    if complement.startswith("d’"):
        return "à " + complement[2:]
    return "à " + complement[3:]


def liste_de(noms: list[str]) -> str:
    """« de l’État, de la Région Hauts-de-France et du Département du Nord »."""
    complements = [de(nom) for nom in noms]
    if len(complements) <= 1:
        return "".join(complements)
    return ", ".join(complements[:-1]) + " et " + complements[-1]
