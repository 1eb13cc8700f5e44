"""Public programme pages: home, axis tree, one page per node."""

from django.urls import reverse


def test_l_accueil_montre_les_neuf_enveloppes_et_le_total(client):
    reponse = client.get("/")
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "2\u202f759,563\u00a0M€" in html
    assert "2\u202f759\u202f563\u202f000,00\u00a0€" in html
    assert "994\u202f262\u202f000,00\u00a0€" in html
    assert "28\u202f180\u202f000,00\u00a0€" in html
    for nom in (
        "État",
        "Région Hauts-de-France",
        "Département du Nord",
        "Département du Pas-de-Calais",
        "Département de l’Oise",
        "Département de la Somme",
        "Département de l’Aisne",
        "Métropole Européenne de Lille",
        "Communauté d’Agglomération d’Amiens Métropole",
    ):
        assert nom in html, nom
    assert 'lang="fr"' in html
    assert "fr-header" in html and "fr-footer" in html


def test_l_arbre_du_programme_liste_les_112_intitules(client):
    reponse = client.get(reverse("programme"))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    for code in ("I.3.2.a", "II.6", "IV.2.2.d", "V.3.5", "VI.2"):
        assert reverse("noeud", args=[code]) in html
    assert html.count('class="code-noeud"') == 112


def test_la_page_d_une_mesure_liste_ses_sous_mesures(client):
    reponse = client.get(reverse("noeud", args=["I.3.2"]))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Sous-mesures" in html
    for code in ("I.3.2.a", "I.3.2.b", "I.3.2.c", "I.3.2.d", "I.3.2.e"):
        assert reverse("noeud", args=[code]) in html
    # the measure's own words from the signed text, folded; no line number of an extraction
    assert 'id="texte-signe"' in html
    assert "Texte signé" in html
    assert "ligne 556" not in html
    assert "solutions fondées sur la nature" in html


def test_la_page_d_une_sous_mesure_liste_ses_operations(client):
    reponse = client.get(reverse("noeud", args=["IV.2.1.a"]))
    html = reponse.content.decode()
    assert "HDF-CPER-127" in html
    assert "1\u202f500\u202f000,00\u00a0€" in html
    assert "Université de Picardie Jules Verne" in html


def test_la_page_d_un_axe_compte_les_operations_de_ses_mesures(client):
    reponse = client.get(reverse("noeud", args=["V"]))
    html = reponse.content.decode()
    assert "Sous-axes" in html
    assert "hors CPER" in html  # the two Lille-access operations funded outside the contract


def test_un_code_inconnu_repond_404(client):
    assert client.get(reverse("noeud", args=["IX.9"])).status_code == 404


def test_les_pages_publiques_tiennent_en_peu_de_requetes(client, django_assert_max_num_queries):
    for url in ("/", reverse("programme"), reverse("noeud", args=["IV.2.1.a"])):
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200
