"""Names in sentences: never « de État », « à Région », « moyenne des 1 cofinanceur »."""

import pytest

from socle.francais import a, de, liste_de


@pytest.mark.parametrize(
    ("nom", "avec_de", "avec_a"),
    [
        ("État", "de l’État", "à l’État"),
        ("Région Hauts-de-France", "de la Région Hauts-de-France", "à la Région Hauts-de-France"),
        ("Département du Nord", "du Département du Nord", "au Département du Nord"),
        ("Métropole de Lille", "de la Métropole de Lille", "à la Métropole de Lille"),
        ("Amiens Métropole", "d’Amiens Métropole", "à Amiens Métropole"),
        ("Paris", "de Paris", "à Paris"),
    ],
)  # fmt: skip
def test_de_et_a_avec_l_article_et_l_elision(nom, avec_de, avec_a):
    assert (de(nom), a(nom)) == (avec_de, avec_a)


def test_une_liste_de_noms_repete_la_preposition():
    assert liste_de(["État"]) == "de l’État"
    assert liste_de(["État", "Région Hauts-de-France", "Département du Nord"]) == (
        "de l’État, de la Région Hauts-de-France et du Département du Nord"
    )
