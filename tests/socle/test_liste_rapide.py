"""`ListeRapide` writes the same `<select>` as Django's templates, only faster (issue 14)."""

import re

from django import forms

from socle.formulaires import ListeRapide

CHOIX = [("", "Tous"), ("59", "Nord (59)"), ("80", "Somme & <Picardie>")]


def sans_blancs(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_meme_balisage_que_django_avec_la_valeur_choisie_et_les_attributs():
    attributs = {"class": "fr-select", "id": "id_departement", "aria-describedby": "aide"}
    for valeur in ("", "80", None, "inconnue"):
        rapide = ListeRapide(choices=CHOIX).render("departement", valeur, attributs)
        django = forms.Select(choices=CHOIX).render("departement", valeur, attributs)
        assert rapide == sans_blancs(django), valeur
    assert 'value="80" selected>Somme &amp; &lt;Picardie&gt;</option>' in ListeRapide(
        choices=CHOIX
    ).render("departement", "80")


def test_les_groupes_d_options():
    choix = [("Hauts-de-France", [("59", "Nord"), ("62", "Pas-de-Calais")]), ("", "Aucun")]
    rapide = ListeRapide(choices=choix).render("d", "62")
    assert rapide == sans_blancs(forms.Select(choices=choix).render("d", "62"))
    assert '<optgroup label="Hauts-de-France">' in rapide
