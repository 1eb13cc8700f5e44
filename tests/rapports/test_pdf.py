"""The PDF helper fetches only our static files, and the bilan reads like a document."""

import base64
import re
import time

import pytest
from django.utils import translation
from weasyprint.urls import FatalURLFetchingError

from axes.selectors import contrat_courant
from rapports.pdf import ORIGINE_DOCUMENT, FetcherStatique, RessourceRefusee, document_pdf
from rapports.selectors import donnees_bilan
from tests.rapports.outils import nombre_pages, texte_pdf

POLICE = f"{ORIGINE_DOCUMENT}/static/dsfr/dist/fonts/Marianne-Regular.woff2"


def test_le_fetcher_sert_la_police_marianne_des_fichiers_statiques():
    reponse = FetcherStatique().fetch(POLICE)
    contenu = reponse.read()
    assert contenu[:4] == b"wOF2"  # a WOFF2 font, read from django-dsfr's static files
    assert len(contenu) > 10_000


def test_le_fetcher_decode_les_uri_data():
    donnees = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    reponse = FetcherStatique().fetch(f"data:image/svg+xml;base64,{donnees}")
    assert reponse.read().startswith(b"<svg")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/portail.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        f"file://{__file__}",
        f"{ORIGINE_DOCUMENT}/static/../cper/settings.py",
        f"{ORIGINE_DOCUMENT}/static/%2e%2e/cper/settings.py",
        f"{ORIGINE_DOCUMENT}/static/css/..%2f..%2fmanage.py",
        f"{ORIGINE_DOCUMENT}/static//etc/passwd",
        f"{ORIGINE_DOCUMENT}/rapports/1/telecharger/",
        f"{ORIGINE_DOCUMENT}/static/css/inexistant.css",
        "ftp://example.org/fichier",
    ],
)
def test_le_fetcher_refuse_tout_ce_qui_n_est_pas_un_fichier_statique(url):
    with pytest.raises(RessourceRefusee):
        FetcherStatique().fetch(url)


def test_un_gabarit_qui_pointe_vers_l_exterieur_ne_produit_aucun_pdf(settings, tmp_path):
    gabarit = tmp_path / "exterieur.html"
    gabarit.write_text('<p>Bonjour</p><img src="https://example.org/pixel.png">')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(FatalURLFetchingError):
        document_pdf(gabarit="exterieur.html", contexte={})


@pytest.fixture(scope="module")
def bilan_pdf(django_db_blocker):
    with django_db_blocker.unblock(), translation.override("fr"):
        donnees = donnees_bilan(contrat=contrat_courant())
        return document_pdf(gabarit="rapports/bilan_execution.html", contexte={"bilan": donnees})


def test_le_bilan_numerote_ses_pages_page_n_sur_m(bilan_pdf):
    texte = texte_pdf(bilan_pdf)
    total = nombre_pages(bilan_pdf)
    assert total >= 5
    for numero in range(1, total + 1):
        assert f"Page {numero} / {total}" in texte


def test_le_bilan_a_un_sommaire_avec_les_numeros_de_page(bilan_pdf):
    texte = texte_pdf(bilan_pdf)
    sommaire = re.findall(r"(\d)\. ([^\n]+?) \.{3,} ?(\d+)", texte)
    titres = {titre.strip(): int(page) for _, titre, page in sommaire}
    assert list(titres) == [
        "Les engagements des neuf signataires",
        "L'exécution des enveloppes",
        "Par signataire et par axe",
        "Par axe",
        "Par département",
        "Par année",
        "La parité État-Région du Canal Seine-Nord Europe",
        "Le programme par axe",
        "Sources et limites des données",
    ]
    assert titres["Les engagements des neuf signataires"] == 3
    pages = list(titres.values())
    assert pages == sorted(pages) and pages[-1] < nombre_pages(bilan_pdf) + 1
    for page, (numero, titre) in zip(pages, enumerate(titres, start=1), strict=True):
        # the chapter title is printed on the page the table of contents announces
        assert f"{numero}. {titre}" in texte.split(f"Page {page} / ")[0].rsplit("Page ", 1)[-1]


def test_le_bilan_donne_les_neuf_enveloppes_et_le_total_au_centime(bilan_pdf):
    texte = texte_pdf(bilan_pdf)
    assert "Bilan d'exécution du CPER" in texte
    assert "Total du contrat (9 signataires) 2 759 563 000,00 € 2 759 563 000,00 €" in texte
    assert "État 994 262 000,00 € 994 262 000,00 € 36,0 %" in texte
    assert "Département de l'Aisne 28 180 000,00 € 28 180 000,00 € 1,0 %" in texte
    assert "Généré le " in texte


def test_le_bilan_compte_les_operations_par_axe_et_un_registre_vide_a_zero(bilan_pdf):
    texte = texte_pdf(bilan_pdf)
    assert "95 au total, dont 2 financées hors CPER" in texte
    for code in ("I ", "II ", "III ", "IV ", "V ", "VI "):
        assert f"Axe {code.strip()} — " in texte
    # Nothing is programmed in the loaded contract: every ledger total is zero, none invented.
    assert "Total 95 0,00 € 0,00 € 0,00 €" in texte
    assert "Total du contrat 2 759 563 000,00 € 0,00 € 0,00 € 0,00 € 2 759 563 000,00 €" in texte
    assert "Aucun montant n'est encore programmé sur le Canal Seine-Nord Europe." in texte


@pytest.mark.lent
def test_le_bilan_se_produit_en_moins_de_0_6_seconde_par_page():
    """Target P5 of docs/craft.md on the 2-core build machine (measured 0.09-0.22 s/page)."""
    debut = time.perf_counter()
    with translation.override("fr"):
        donnees = donnees_bilan(contrat=contrat_courant())
        pdf = document_pdf(gabarit="rapports/bilan_execution.html", contexte={"bilan": donnees})
    duree = time.perf_counter() - debut
    assert duree / nombre_pages(pdf) < 0.6
