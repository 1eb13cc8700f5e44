"""The map helper: five départements, five shade classes, figures formatted the French way."""

from decimal import Decimal

from projets.models import Projet
from socle.carte import carte_departements, classe_de, formes
from tests.factories.projets import DossierFactory


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


def test_les_classes_de_la_legende_ne_se_chevauchent_pas():
    textes = [
        c.texte for c in carte_departements(
            {"59": Decimal(100)}, titre="t", url="/", formater=lambda v: f"{v:.0f} €"
        ).legende
    ]  # fmt: skip
    assert textes[0] == "de 0 € à moins de 20 €"
    assert textes[-1] == "de 80 € à 100 €"


def test_des_nombres_entiers_forment_des_classes_entieres_sans_chevauchement():
    valeurs = {"02": Decimal(4), "59": Decimal(29), "60": Decimal(9), "62": Decimal(14)}
    carte = carte_departements(valeurs, titre="t", url="/", formater=str, entiers=True)
    textes = [c.texte for c in carte.legende]
    assert textes == ["de 0 à 5", "de 6 à 11", "de 12 à 17", "de 18 à 23", "de 24 à 29"]
    # each value falls in the class the legend gives it
    zones = {z.code: z for z in carte.zones}
    assert (zones["60"].classe, zones["62"].classe, zones["59"].classe) == (2, 3, 5)


def test_chaque_nom_est_place_dans_son_departement():
    carte = carte_departements({}, titre="t", url="/", formater=str)
    largeur, hauteur = (float(v) for v in carte.viewbox.split()[2:])
    for zone in carte.zones:
        assert 0 < zone.x_nom < largeur and 0 < zone.y_nom < hauteur
    noms = {z.code: (z.x_nom, z.y_nom) for z in carte.zones}
    assert (
        noms["62"][1] < noms["80"][1] < noms["60"][1]
    )  # Pas-de-Calais, Somme, Oise: north to south


def test_la_carte_de_l_accueil_mene_chaque_departement_a_sa_page(client):
    html = client.get("/").content.decode()
    # Each zone leads to the département's territory page (issue 18) ...
    for code in ("02", "59", "60", "62", "80"):
        assert f'href="/territoires/departement/{code}/"' in html
    assert ">Nord</text>" in html
    territoire = client.get("/territoires/departement/59/").content.decode()
    assert "<h1>Nord (59)</h1>" in territoire
    # ... which links to the list of the département's operations and dossiers.
    assert 'href="/departements/59/"' in territoire
    page = client.get("/departements/59/")
    assert page.status_code == 200
    texte = page.content.decode()
    assert "<h1>Nord (59)</h1>" in texte
    assert "déduit des lieux que le texte signé cite" in texte
    assert client.get("/departements/99/").status_code == 404


def test_la_page_d_un_departement_ne_montre_que_le_public(client):
    brouillon = DossierFactory()
    programme = DossierFactory(programme=True)
    assert brouillon.departements.filter(code_insee="59").exists()
    html = client.get("/departements/59/").content.decode()
    assert programme.reference in html
    assert brouillon.reference not in html
    assert Projet.objects.publics().filter(departements__code_insee="59").count() >= 2
