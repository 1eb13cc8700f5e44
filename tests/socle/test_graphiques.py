"""The bar chart helper: one scale for every bar, exact figures in the labels."""

from decimal import Decimal

import pytest

from socle.graphiques import (
    LARGEUR_JAUGE,
    LARGEUR_LIBELLES,
    LONGUEUR_LIBELLE,
    Serie,
    barres_horizontales,
    jauge,
)

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


def test_une_part_de_0_1_pour_cent_n_est_jamais_une_barre_pleine():
    g = barres_horizontales(
        [("État", [Decimal("0.1")]), ("Région", [Decimal("0.05")])],
        series=SERIES[:1],
        titre="t",
        description="d",
        echelle=Decimal(100),
    )
    zone = g.groupes[0].barres[0]
    assert zone.largeur < 5  # 0,1 % of the bar's 400 units, drawn as a sliver
    assert g.groupes[1].barres[0].largeur >= 1


def test_un_libelle_long_est_coupe_et_garde_entier_ailleurs():
    long = "Axe IV – Enseignement supérieur, recherche et innovation, culture et patrimoine"
    g = barres_horizontales([(long, [Decimal(1)])], series=SERIES[:1], titre="t", description="d")
    groupe = g.groupes[0]
    assert groupe.libelle.endswith("…") and len(groupe.libelle) <= LONGUEUR_LIBELLE
    assert groupe.libelle_complet == long


def test_la_jauge_dessine_chaque_montant_a_l_echelle_de_l_enveloppe():
    series = [Serie("Programmé", "programme"), Serie("Engagé", "engage"), Serie("Payé", "paye")]
    barres = jauge(
        Decimal("995212000.00"),
        list(zip(series, [Decimal("1000000.00"), Decimal("200000.00"), Decimal(0)], strict=True)),
    )
    assert [b.part for b in barres] == ["0,1\u00a0%", "moins de 0,1\u00a0%", "0,0\u00a0%"]
    # To the written share (1 000 000 / 995 212 000 = 0,1005 %: a thousandth of the track),
    # and an amount under 0,1 % draws that same thousandth, so that it shows; never full.
    assert barres[0].largeur == Decimal("1.0") and barres[1].largeur == Decimal("1.0")
    assert barres[2].largeur == 0
    # To a tenth of the unit, not truncated: 12,46 % is drawn 124,6 thousandths long.
    douze = jauge(Decimal("1000.00"), [(series[0], Decimal("124.60"))])[0]
    assert douze.largeur == Decimal("124.6") and douze.part == "12,5\u00a0%"
    moitie = jauge(Decimal("1000.00"), [(series[0], Decimal("500.00"))])[0]
    assert moitie.largeur == LARGEUR_JAUGE // 2 and moitie.part == "50,0\u00a0%"
