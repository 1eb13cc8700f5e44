"""The map helper: five départements, five shade classes, figures formatted the French way."""

from decimal import Decimal

from socle.carte import carte_departements, classe_de, formes


def test_les_formes_sont_les_cinq_departements_des_hauts_de_france():
    donnees = formes()
    assert [d["code"] for d in donnees["departements"]] == ["02", "59", "60", "62", "80"]
    assert all(d["d"].startswith("M") and d["d"].endswith("Z") for d in donnees["departements"])
    assert "CC-BY-4.0" in donnees["source"]


def test_cinq_classes_d_egale_amplitude_entre_le_minimum_et_le_maximum():
    bas, haut = Decimal(0), Decimal(100)
    assert [classe_de(Decimal(v), bas, haut) for v in (0, 19, 20, 50, 79, 80, 100)] == [
        1, 1, 2, 3, 4, 5, 5,
    ]  # fmt: skip
    assert classe_de(Decimal(7), Decimal(7), Decimal(7)) == 1


def test_la_carte_donne_a_chaque_departement_sa_teinte_son_chiffre_et_son_lien():
    carte = carte_departements(
        {"59": Decimal("12345678"), "62": Decimal("6000000"), "80": Decimal("0.5")},
        titre="Montants",
        url=lambda code: f"/projets/?departement={code}",
    )
    zones = {z.code: z for z in carte.zones}
    assert zones["59"].titre == "Nord (59) : 12\u202f345\u202f678,00\u00a0€"
    assert zones["02"].valeur == Decimal(0)  # absent: zero
    assert zones["02"].texte == "0,00\u00a0€"
    assert (zones["02"].classe, zones["62"].classe, zones["59"].classe) == (1, 3, 5)
    assert zones["80"].url == "/projets/?departement=80"
    assert [c.classe for c in carte.legende] == [1, 2, 3, 4, 5]
    assert carte.legende[0].texte.startswith("de 0,00\u00a0€ à ")
    assert carte.legende[-1].texte.endswith("à 12\u202f345\u202f678,00\u00a0€")


def test_une_url_unique_vaut_pour_toutes_les_zones():
    carte = carte_departements({}, titre="Vide", url="/programme/", formater=str)
    assert {z.url for z in carte.zones} == {"/programme/"}
    assert len(carte.legende) == 1
