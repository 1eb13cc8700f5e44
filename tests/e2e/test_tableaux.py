"""Tables read without sideways scrolling (issue 15): at 1280 and 1440 px every table of the
measure page, the project list, the open-data page, the ledger, a signatory's ledger and a dossier
with its instruction grid fits its container; at 375 px none is wider than the screen, the wide
ones shown one card per row with each value under its column's name; every table container takes
the focus and has a name, and the pages pass axe at every width."""

import pytest

from gouvernance.selectors import etat_instruction
from gouvernance.services import evaluation_deposer
from projets.services import projet_transitionner
from projets.workflow import Action
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite
from tests.factories.gouvernance import agent_instructeur, notes
from tests.gouvernance.conftest import nouveau_projet  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]

COMMENTAIRE_LONG = (
    "Le dossier répond aux objectifs de la mesure ; la ligne est réservée tant que la "
    "délibération du conseil d'administration n'est pas jointe au dossier, avec le plan de "
    "situation et les devis détaillés des travaux de la deuxième tranche."
)
TITRE_LONG = (
    "Réhabilitation thermique et mise en accessibilité complète du bâtiment principal de la "
    "faculté des sciences, avec création d'un espace de travail partagé pour les étudiants"
)

# Each table of the page: its caption (or the id of its DSFR block), its width and the width of
# the box that holds it; the page's own width; whether its rows are stacked, and the label shown
# before its first labelled data cell (null when it has none, as a « nothing yet » row).
MESURE = """() => {
  const tableaux = [...document.querySelectorAll('table')].map((t) => {
    const boite = t.closest('.fr-table__container') || t.parentElement;
    const cellule = t.querySelector('tbody td[data-label]');
    return {
      nom: (t.querySelector('caption') || {}).textContent || t.closest('[id]').id,
      bloc: (t.closest('.fr-table') || {}).id || '',
      largeur: Math.round(t.getBoundingClientRect().width),
      boite: boite.clientWidth,
      empile: getComputedStyle(t.querySelector('tbody tr') || t).display === 'block',
      etiquette: cellule ? getComputedStyle(cellule, '::before').content : null,
    };
  });
  const conteneurs = [...document.querySelectorAll('.fr-table__container')].map((c) => ({
    tabindex: c.getAttribute('tabindex'),
    nom: c.getAttribute('aria-label')
      || (document.getElementById(c.getAttribute('aria-labelledby')) || {}).textContent || '',
  }));
  return {page: document.documentElement.scrollWidth, tableaux, conteneurs};
}"""

# The tables of the audit (issue 15) that must stack on a phone.
EMPILES = {
    "/programme/IV.2.1/": {"projets-du-noeud"},
    "/projets/": {"table-projets"},
    "/donnees/": {"colonnes-projets-programmes", "colonnes-scdl"},
    "/financement/": {"execution-signataires", "execution-axes", "execution-departements"},
    "dossier": {"table-plan", "avis-cofinanceurs", "notes-criteres"},
    "/financement/signataires/region/": {"execution-axes", "execution-annees", "lignes-signataire"},
}


@pytest.fixture
def dossier_instruit(nouveau_projet):  # noqa: F811
    """A dossier in instruction whose co-funders filed their grid with long comments (the
    comment column pushed the table 171 px past its box)."""
    projet = nouveau_projet(titre=TITRE_LONG)
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=projet.cree_par)
    cofinanceurs = [c.signataire.code for c in etat_instruction(projet=projet).cofinanceurs]
    projet_transitionner(
        projet=projet, action=Action.INSTRUIRE, par=agent_instructeur(cofinanceurs[0])
    )
    for code in cofinanceurs:
        evaluation_deposer(
            projet=projet,
            par=agent_instructeur(code),
            notes=notes(3, "Conforme à la mesure, sous réserve des pièces demandées."),
            avis="reserve",
            commentaire=COMMENTAIRE_LONG,
        )
    return projet


def test_les_tableaux_tiennent_a_1280_px_et_s_empilent_a_375_px(
    visite, administrateur, projet_programme, dossier_instruit
):
    page = visite.page
    se_connecter(page, visite.url_base, "admin", MOT_DE_PASSE)
    pages = {
        "/programme/IV.2.1/": "/programme/IV.2.1/",
        "/projets/": "/projets/",
        "/donnees/": "/donnees/",
        "/financement/": "/financement/",
        "dossier": f"/projets/{dossier_instruit.reference}/",
        "/financement/signataires/region/": "/financement/signataires/region/",
    }
    for largeur in (1280, 1440, 375):
        page.set_viewport_size({"width": largeur, "height": 900})
        for cle, chemin in pages.items():
            reponse = visite.ouvrir(chemin)
            assert reponse.status == 200, chemin
            mesure = page.evaluate(MESURE)
            blocs = {t["bloc"] for t in mesure["tableaux"]}
            assert EMPILES[cle] <= blocs, (chemin, blocs)
            assert mesure["page"] <= largeur, (largeur, chemin, mesure["page"])
            trop_larges = [t for t in mesure["tableaux"] if t["largeur"] > t["boite"]]
            assert not trop_larges, (largeur, chemin, trop_larges)
            for conteneur in mesure["conteneurs"]:
                assert conteneur["tabindex"] == "0", (chemin, conteneur)
                assert conteneur["nom"].strip(), (chemin, conteneur)
            for tableau in mesure["tableaux"]:
                if tableau["bloc"] in EMPILES[cle]:
                    # Stacked on a phone, and each value says which column it belongs to.
                    assert tableau["empile"] is (largeur == 375), (largeur, chemin, tableau)
                    if tableau["etiquette"] is None:
                        continue  # only a « nothing yet » row, across every column
                    assert (tableau["etiquette"] not in {"", "none", "normal"}) is (
                        largeur == 375
                    ), (largeur, chemin, tableau)
            verifier_accessibilite(page)
            visite.capture(f"{largeur}-{chemin.strip('/').replace('/', '-')}")


def test_a_375_px_les_valeurs_sont_nommees_par_leur_colonne(visite, administrateur):
    page = visite.page
    se_connecter(page, visite.url_base, "admin", MOT_DE_PASSE)
    page.set_viewport_size({"width": 375, "height": 900})
    visite.ouvrir("/financement/")
    premiere = page.locator("#execution-signataires tbody tr").first
    assert premiere.locator("th").inner_text() == "État"
    etiquettes = premiere.locator("td").evaluate_all(
        "(cs) => cs.map((c) => getComputedStyle(c, '::before').content)"
    )
    assert etiquettes == [
        '"Enveloppe\u00a0: "',
        '"Programmé\u00a0: "',
        '"Engagé\u00a0: "',
        '"Payé\u00a0: "',
        '"Disponible\u00a0: "',
        '"Taux programmé / engagé / payé\u00a0: "',
    ]
    # An amount never breaks: its text lies on one line, at 375 px as at 1280 px.
    lignes_des_montants = page.locator("#execution-signataires td.montant").evaluate_all(
        """(cs) => cs.map((c) => {
            const r = document.createRange(); r.selectNodeContents(c);
            return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size;
        })"""
    )
    assert lignes_des_montants and set(lignes_des_montants) == {1}
    assert premiere.locator("td.montant").first.inner_text() == "994\u202f262\u202f000,00\u00a0€"
    # The container is reached with the keyboard.
    page.focus("#execution-signataires .fr-table__container")
    assert page.evaluate("document.activeElement.getAttribute('aria-labelledby')") == (
        "execution-signataires-legende"
    )
