"""Addresses for the rows of a long table, reversed once for the whole table."""

from collections.abc import Callable

from django.urls import reverse


def adresse_par_cle(nom: str) -> Callable[[int], str]:
    """The address of the URL `nom`, whose one argument is an object's key, for any key: the URL
    is reversed once (a `{% url %}` per row reverses it again on each of hundreds of rows)."""
    avant, _, apres = reverse(nom, args=[0]).rpartition("/0/")
    return lambda cle: f"{avant}/{int(cle)}/{apres}"
