"""The territories' API: public, documented, exact decimal strings, field-keyed 400, 404."""

import yaml

from tests.factories.projets import DossierFactory

VDA = "59009"


def test_la_liste_des_territoires_est_publique_et_filtrable(client):
    reponse = client.get("/api/v1/territoires/")
    assert reponse.status_code == 200
    cles = [t["cle"] for t in reponse.json()]
    assert cles[:6] == [
        "region-32",
        "departement-02",
        "departement-59",
        "departement-60",
        "departement-62",
        "departement-80",
    ]
    assert "special-sat" in cles and "epci-200093201" in cles
    communes = client.get("/api/v1/territoires/", {"niveau": "commune"}).json()
    assert len(communes) == 3782
    assert {
        "cle": "commune-59350",
        "niveau": "commune",
        "code": "59350",
        "nom": "Lille",
    }.items() <= next(c for c in communes if c["code"] == "59350").items()
    refus = client.get("/api/v1/territoires/", {"niveau": "planete"})
    assert refus.status_code == 400 and "niveau" in refus.json()


def test_le_detail_d_un_territoire_donne_les_montants_au_centime(client):
    programme = DossierFactory(
        programme=True,
        communes=[(VDA, "Villeneuve-d'Ascq"), ("59350", "Lille"), ("59512", "Roubaix")],
    )
    brouillon = DossierFactory(titre="Brouillon", par=programme.cree_par)
    reponse = client.get("/api/v1/territoires/commune-59512/")
    assert reponse.status_code == 200
    donnees = reponse.json()
    region = next(f for f in donnees["par_financeur"] if f["code_financeur"] == "region")
    # 400 000 € split in three: 133 333,33 twice, the last commune (Roubaix, 59512) 133 333,34.
    assert region["montants"]["prevu"] == "133333.34"
    assert region["montants"]["programme"] == "133333.34"
    lille = client.get("/api/v1/territoires/commune-59350/").json()
    assert (
        next(f for f in lille["par_financeur"] if f["code_financeur"] == "region")["montants"][
            "programme"
        ]
        == "133333.33"
    )
    assert donnees["nombre_dossiers"] == 1
    dossiers = client.get("/api/v1/territoires/commune-59512/dossiers/").json()
    assert dossiers["count"] == 1
    assert [d["reference"] for d in dossiers["results"]] == [programme.reference]
    assert dossiers["results"][0]["communes"] == [VDA, "59350", "59512"]
    # Roubaix, last: 133 333,34 + 116 666,68 + 83 333,34 (each line's remainder cents).
    assert dossiers["results"][0]["montants"]["prevu"] == "333333.36"
    assert brouillon.reference not in str(dossiers)
    nord = client.get("/api/v1/territoires/departement-59/").json()
    assert nord["public"]["prevu"] == "1000000.00"
    assert nord["tenu"]["prevu"] == "0.00"
    assert [s["cle"] for s in nord["sous_territoires"]] == [
        "commune-59009",
        "commune-59350",
        "commune-59512",
    ]


def test_un_territoire_inconnu_repond_404(client):
    reponse = client.get("/api/v1/territoires/commune-99999/")
    assert reponse.status_code == 404 and set(reponse.json()) == {"detail"}
    assert client.get("/api/v1/territoires/planete-3/").status_code == 404


def test_l_api_des_territoires_est_dans_le_schema_avec_son_etiquette(client):
    chemins = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    for chemin in (
        "/api/v1/territoires/",
        "/api/v1/territoires/{cle}/",
        "/api/v1/territoires/{cle}/dossiers/",
    ):
        assert chemins[chemin]["get"]["tags"] == ["territoires"]  # ASCII, for generated clients
