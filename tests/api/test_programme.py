"""Read-only API of the programme."""

from decimal import Decimal

from tests.axes.test_chargement import ENVELOPPES_ARTICLE_2


def compter(branches):
    return sum(1 + compter(b["enfants"]) for b in branches)


def test_les_neuf_signataires_avec_leurs_enveloppes_en_chaines_decimales(client):
    reponse = client.get("/api/v1/signataires/")
    assert reponse.status_code == 200
    signataires = reponse.json()
    assert len(signataires) == 9
    for s in signataires:
        assert isinstance(s["enveloppe"], str)
        assert s["enveloppe"] == str(ENVELOPPES_ARTICLE_2[s["code"]])
        assert s["montant_article_2"] == s["enveloppe"]
    etat = signataires[0]
    assert etat["code"] == "etat"
    assert etat["enveloppe"] == "994262000.00"
    assert sum(Decimal(s["enveloppe"]) for s in signataires) == Decimal("2759563000.00")


def test_l_arbre_des_axes_porte_les_112_intitules_numerotes(client):
    reponse = client.get("/api/v1/axes/")
    assert reponse.status_code == 200
    axes = reponse.json()
    assert [a["code"] for a in axes] == ["I", "II", "III", "IV", "V", "VI"]
    assert sum(compter(a["enfants"]) for a in axes) == 112
    axe_1 = axes[0]
    i3 = next(e for e in axe_1["enfants"] if e["code"] == "I.3")
    i32 = next(e for e in i3["enfants"] if e["code"] == "I.3.2")
    assert [e["code"] for e in i32["enfants"]] == [
        "I.3.2.a",
        "I.3.2.b",
        "I.3.2.c",
        "I.3.2.d",
        "I.3.2.e",
    ]
    ii = axes[1]
    ii6 = next(e for e in ii["enfants"] if e["code"] == "II.6")
    assert ii6["enfants"] == []
    assert ii6["ligne"] == 1354


def test_la_liste_des_mesures_est_paginee_et_filtrable(client):
    reponse = client.get("/api/v1/mesures/")
    donnees = reponse.json()
    assert donnees["count"] == 112
    assert len(donnees["results"]) == 50
    assert donnees["results"][0]["code"] == "I.1"
    sous_mesures_iv = client.get("/api/v1/mesures/?axe=IV&niveau=4").json()
    assert sous_mesures_iv["count"] == 15
    assert {m["axe"] for m in sous_mesures_iv["results"]} == {"IV"}
    enfants = client.get("/api/v1/mesures/?parent=V.3").json()
    assert [m["code"] for m in enfants["results"]] == [
        "V.3.1",
        "V.3.2",
        "V.3.3",
        "V.3.4",
        "V.3.5",
    ]


def test_un_filtre_invalide_repond_400_et_non_500(client):
    reponse = client.get("/api/v1/mesures/?niveau=9")
    assert reponse.status_code == 400
    assert "niveau" in reponse.json()


def test_une_mesure_par_son_code(client):
    reponse = client.get("/api/v1/mesures/I.3.2.a/")
    assert reponse.status_code == 200
    mesure = reponse.json()
    assert mesure["parent"] == "I.3.2"
    assert mesure["axe"] == "I"
    assert mesure["niveau"] == 4
    assert client.get("/api/v1/mesures/IX.1/").status_code == 404


def test_le_contrat_et_ses_cinq_articles(client):
    contrat = client.get("/api/v1/contrat/").json()
    assert contrat["date_signature"] == "2023-01-09"
    assert contrat["montant_total_article_2"] == "2759563000.00"
    assert [a["numero"] for a in contrat["articles"]] == [1, 2, 3, 4, 5]


def test_le_schema_openapi_decrit_les_points_d_entree(client):
    reponse = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert reponse.status_code == 200
    schema = reponse.json()
    for chemin in ("/api/v1/signataires/", "/api/v1/axes/", "/api/v1/mesures/"):
        assert chemin in schema["paths"]
    assert schema["info"]["title"].startswith("API du portail CPER")


def test_la_documentation_n_appelle_aucune_ressource_exterieure(client):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "https://" not in html.split("<body")[0]


def test_la_documentation_se_presente_en_francais(client):
    """The page's chrome and intro are French; Swagger UI's labels are translated by the
    portal's own script (a file, no inline code beyond the nonce'd start-up), which names
    the labels it translates."""
    from django.contrib.staticfiles import finders

    html = client.get("/api/docs/").content.decode()
    assert "<title>Documentation de l’API" in html
    assert "Mode d’emploi" in html and "« Essayer » remplit la requête" in html
    assert 'src="/static/js/swagger_fr.js"' in html
    with open(finders.find("js/swagger_fr.js"), encoding="utf-8") as fichier:
        script = fichier.read()
    for anglais, francais in (
        ("Authorize", "Autoriser"),
        ("Try it out", "Essayer"),
        ("Execute", "Exécuter"),
        ("Cancel", "Annuler"),
        ("Parameters", "Paramètres"),
        ("Responses", "Réponses"),
    ):
        assert f'"{anglais}": "{francais}"' in script
    with open(finders.find("css/api-docs.css"), encoding="utf-8") as fichier:
        assert 'content: "obligatoire"' in fichier.read()


def test_les_listes_de_l_api_tiennent_en_peu_de_requetes(client, django_assert_max_num_queries):
    for url in ("/api/v1/signataires/", "/api/v1/axes/", "/api/v1/mesures/?taille=200"):
        with django_assert_max_num_queries(4):
            assert client.get(url).status_code == 200
