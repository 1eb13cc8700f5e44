"""The bar chart helper: one scale for every bar, exact figures in the labels."""

from decimal import Decimal

import pytest

from socle.graphiques import LARGEUR_LIBELLES, Serie, barres_horizontales

SERIES = [Serie("Enveloppe", "enveloppe"), Serie("Engagé", "engage")]


def test_les_barres_partagent_une_echelle_de_zero_au_maximum():
    g = barres_horizontales(
        [("État", [Decimal("994262000"), Decimal("497131000")]), ("Somme", [Decimal(0), None])],
        series=SERIES,
        titre="t",
        description="d",
    )
    etat, somme = g.groupes
    pleine = etat.barres[0].largeur
    assert etat.barres[0].x == LARGEUR_LIBELLES
    assert etat.barres[1].largeur == pleine // 2
    assert etat.barres[0].texte == "994,262\u00a0M€"
    assert [b.largeur for b in somme.barres] == [0]  # None draws nothing, zero is flat
    assert etat.barres[1].y > etat.barres[0].y
    assert somme.barres[0].y > etat.barres[1].y
    assert g.hauteur > somme.barres[0].y


def test_une_ligne_sans_une_valeur_par_serie_est_refusee():
    with pytest.raises(ValueError, match="1 valeurs pour 2 séries"):
        barres_horizontales([("État", [Decimal(1)])], series=SERIES, titre="t", description="d")


def test_le_graphique_des_enveloppes_est_sur_l_accueil(client):
    html = client.get("/").content.decode()
    assert 'role="img"' in html
    assert "Enveloppe de chaque signataire (article 2)</title>" in html
    assert html.count('class="graphique-barres__barre graphique-barres__barre--enveloppe"') == 9
