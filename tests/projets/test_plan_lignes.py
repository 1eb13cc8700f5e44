"""The financing plan's table, one partial for the dossier's form and the re-balancing page:
the same rows, template row, « Ajouter une ligne » without scripts and running total; each
line's refusal shown beside the cell of its row, whoever refused it."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from axes.models import Signataire
from projets.forms import LignesFormSet
from projets.services import projet_creer
from projets.views import _appliquer_erreurs
from socle.exceptions import RegleMetierError
from tests.factories.projets import a_reequilibrer as reduit_par_le_comite


@pytest.fixture
def a_reequilibrer(porteur, donnees_completes):
    return reduit_par_le_comite(
        projet_creer(donnees=donnees_completes(), par=porteur), porteur=porteur
    )


def _table(html: str) -> str:
    return html[html.index('id="table-lignes"') : html.index('id="total-plan"')]


def test_les_deux_pages_rendent_la_meme_table_du_plan(client, porteur, a_reequilibrer):
    client.force_login(porteur)
    formulaire = client.get(reverse("projets:creer")).content.decode()
    reequilibrage = client.get(
        reverse("projets:reequilibrer", args=[a_reequilibrer.reference])
    ).content.decode()
    for html in (formulaire, reequilibrage):
        assert html.count('id="table-lignes"') == 1
        assert html.count('<template id="modele-lignes">') == 1
        assert html.count('data-ajouter="lignes">Ajouter une ligne</button>') == 1
        assert html.count('id="total-plan"') == 1
        assert 'name="lignes-TOTAL_FORMS"' in html
        entetes = re.findall(r'<th scope="col">([^<]+)</th>', _table(html))
        assert entetes == ["Financeur", "Nature", "Montant (€)", "Retirer"]
    assert "<caption>Lignes du plan de financement (une par financeur) *</caption>" in formulaire
    assert "<caption>Lignes hors signataires (elles remplacent" in reequilibrage
    # The re-balancing page's running total counts the signatories' lines the committee kept
    # (Région 400 000,00 € and État 250 000,00 €) and the current cost when none is typed.
    assert 'data-total-fixe="650000.00"' in reequilibrage
    assert 'data-cout-actuel="1000000.00"' in reequilibrage
    assert "data-total-fixe" not in formulaire


def test_sans_script_ajouter_une_ligne_au_reequilibrage_garde_la_saisie(
    client, porteur, a_reequilibrer
):
    client.force_login(porteur)
    url = reverse("projets:reequilibrer", args=[a_reequilibrer.reference])
    page = client.post(
        url,
        {
            "ajouter": "ligne",
            "lignes-TOTAL_FORMS": "1",
            "lignes-INITIAL_FORMS": "1",
            "lignes-MIN_NUM_FORMS": "0",
            "lignes-MAX_NUM_FORMS": "20",
            "lignes-0-financeur": "src:fonds_propres",
            "lignes-0-nature": "",
            "lignes-0-montant": "350 000,00",
        },
    )
    html = page.content.decode()
    assert 'id="id_lignes-1-financeur"' in html
    assert 'value="350 000,00"' in html
    assert "fr-error-text" not in _table(html)
    assert a_reequilibrer.lignes_financement.count() == 3  # nothing written


def _formset_lie():
    """Three rows typed, the first left empty: the service numbers the two it was given."""
    region, etat = Signataire.objects.get(code="region"), Signataire.objects.get(code="etat")
    lignes = LignesFormSet(
        {
            "lignes-TOTAL_FORMS": "3",
            "lignes-INITIAL_FORMS": "0",
            "lignes-MIN_NUM_FORMS": "0",
            "lignes-MAX_NUM_FORMS": "40",
            "lignes-0-financeur": "",
            "lignes-0-montant": "",
            "lignes-1-financeur": f"sig:{region.pk}",
            "lignes-1-montant": "400000",
            "lignes-2-financeur": f"sig:{etat.pk}",
            "lignes-2-montant": "350000",
        },
        prefix="lignes",
    )
    assert lignes.is_valid()
    return lignes


def test_l_erreur_d_une_ligne_refusee_par_un_service_va_dans_sa_cellule():
    lignes = _formset_lie()
    erreur = RegleMetierError(
        erreurs={"lignes": ["Le plan de financement n'est pas équilibré."]},
        rangees={
            "lignes": [
                {},
                {
                    "montant": ["Le montant doit être supérieur à zéro."],
                    "signataire": ["Choisissez soit un signataire, soit une autre source."],
                },
            ]
        },
    )
    _appliquer_erreurs(erreur, None, lignes, None)
    # The service's line 2 is the page's third row (the empty first row is not sent).
    assert lignes.forms[0].errors == {} and lignes.forms[1].errors == {}
    assert lignes.forms[2].errors == {
        "montant": ["Le montant doit être supérieur à zéro."],
        "financeur": ["Choisissez soit un signataire, soit une autre source."],
    }
    assert lignes.non_form_errors() == ["Le plan de financement n'est pas équilibré."]
    html = render_to_string(
        "projets/_plan_lignes.html",
        {"lignes": lignes, "legende": "Plan", "region": "Plan"},
    )
    rangees = _table(html).split("<tr>")[2:]  # the header row first
    assert "fr-error-text" not in rangees[0] + rangees[1]
    assert (
        '<p class="fr-error-text" id="id_lignes-2-montant-erreur">'
        "Le montant doit être supérieur à zéro.</p>" in rangees[2]
    )
    assert 'id="id_lignes-2-financeur-erreur">Choisissez soit' in rangees[2]
    assert 'aria-invalid="true"' in rangees[2]
    assert "<p>Le plan de financement n&#x27;est pas équilibré.</p>" in html


def test_une_ligne_sans_rangee_a_l_ecran_est_signalee_sur_le_tableau():
    lignes = _formset_lie()
    erreur = RegleMetierError(
        rangees={"lignes": [{}, {}, {"nature": ["Seule une ligne d'un signataire est CPER."]}]}
    )
    _appliquer_erreurs(erreur, None, lignes, None)
    assert lignes.non_form_errors() == ["Ligne 3 : seule une ligne d'un signataire est CPER."]
