"""Tables on a phone (issue 15, second part): at 375 × 800 the territory pages (region,
département, intercommunality, commune, special territory, comparison) and the meeting pages
(committee, session with its attendance sheet, agenda item, live vote count, closing page,
minutes), and the ledger's, forecasts' and review's pages never scroll sideways: every table
fits its box, and each value of a stacked table is preceded by its column's name. At 1280 px
the same tables keep their columns, and every page passes axe at both widths."""

from datetime import date
from decimal import Decimal

import pytest

from financement.services import engagement_enregistrer, paiement_enregistrer
from gouvernance.services import seance_clore, vote_enregistrer
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite
from tests.factories.comptes import UtilisateurFactory
from tests.factories.projets import DossierFactory
from tests.gouvernance.conftest import comitologie, instruire, nouveau_projet  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]

# Every visible table of the page: its block's id, its width and its box's, whether its rows are
# stacked and its header row is shown; and, for each shown data cell that spans one column,
# the text drawn before it (its column's name on a phone).
MESURE = """() => {
  const visible = (e) => e.offsetParent !== null && getComputedStyle(e).display !== 'none';
  const tableaux = [...document.querySelectorAll('main table')].filter(visible).map((t) => {
    const boite = t.closest('.fr-table__container') || t.parentElement;
    const tete = t.querySelector('thead');
    const cellules = [...t.querySelectorAll('tbody td, tfoot td')]
      .filter((c) => visible(c) && !c.hasAttribute('colspan') && c.textContent.trim())
      .map((c) => ({
        texte: c.textContent.trim().slice(0, 40),
        etiquette: getComputedStyle(c, '::before').content,
        attendue: c.getAttribute('data-label'),
      }));
    return {
      bloc: (t.closest('.fr-table') || {}).id || (t.querySelector('caption') || {}).textContent,
      largeur: t.scrollWidth,
      largeur_boite: boite.clientWidth,
      boite_defile: boite.scrollWidth > boite.clientWidth,
      empile: getComputedStyle(t.querySelector('tbody tr') || t).display === 'block',
      tete_visible: !!tete && tete.getBoundingClientRect().height > 1,
      cellules,
    };
  });
  const debordants = [...document.querySelectorAll('main *')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
      && visible(e) && !e.closest('.fr-sr-only, thead'))
    .slice(0, 5)
    .map((e) => e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 40));
  return {page: document.documentElement.scrollWidth, tableaux, debordants};
}"""


def verifier_tableaux(visite, chemin, largeur, *, blocs_attendus=(), sans_tableau=False):
    page = visite.page
    reponse = visite.ouvrir(chemin)
    assert reponse.status == 200, chemin
    accordeons = page.locator("main .fr-accordion__btn[aria-expanded='false']")
    for i in range(accordeons.count()):
        accordeons.nth(i).click()
    page.wait_for_timeout(300)
    mesure = page.evaluate(MESURE)
    assert sans_tableau or mesure["tableaux"], chemin
    blocs = {t["bloc"] for t in mesure["tableaux"]}
    assert set(blocs_attendus) <= blocs, (chemin, blocs)
    assert mesure["page"] <= largeur, (largeur, chemin, mesure["page"], mesure["debordants"])
    assert not mesure["debordants"], (largeur, chemin, mesure["debordants"])
    for t in mesure["tableaux"]:
        endroit = (largeur, chemin, t["bloc"])
        assert t["largeur"] <= t["largeur_boite"], (*endroit, t["largeur"], t["largeur_boite"])
        assert not t["boite_defile"], endroit
        if largeur >= 1280:
            # Unchanged on a desktop: columns under a visible header row, no label drawn.
            assert not t["empile"], endroit
            assert t["tete_visible"], endroit
            assert all(c["etiquette"] in {"none", "normal"} for c in t["cellules"]), endroit
        elif t["empile"]:
            # One card per row: each value says which column it belongs to.
            for c in t["cellules"]:
                assert c["attendue"], (*endroit, c)
                assert c["etiquette"] == f'"{c["attendue"]}\u00a0: "', (*endroit, c)
        else:
            # A narrow table keeps its columns, under their visible names.
            assert t["tete_visible"], endroit
    verifier_accessibilite(page)
    visite.capture(f"{largeur}-{chemin.strip('/').replace('/', '-').replace('?', '-')}")
    return mesure


def roles_dans_l_arbre_d_accessibilite(page, selecteur):
    """The roles Chromium itself gives to the table under `selecteur` and to its descendants
    (its accessibility tree, through the DevTools protocol): a stacked table must stay a table
    for a screen reader, with its column headers and cells."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.getDocument", {"depth": 0})
        noeud = session.send("DOM.querySelector", {"nodeId": 1, "selector": selecteur})
        arbre = session.send(
            "Accessibility.getPartialAXTree", {"nodeId": noeud["nodeId"], "fetchRelatives": False}
        )
        racine = arbre["nodes"][0]
        noeuds = {n["nodeId"]: n for n in session.send("Accessibility.getFullAXTree")["nodes"]}
    finally:
        session.detach()
    roles, a_voir = set(), list(noeuds[racine["nodeId"]].get("childIds", []))
    while a_voir:
        n = noeuds.get(a_voir.pop())
        if n is not None:
            roles.add(n.get("role", {}).get("value"))
            a_voir.extend(n.get("childIds", []))
    return racine["role"]["value"], roles


@pytest.mark.parametrize("largeur", [375, 1280])
def test_les_tableaux_des_territoires_tiennent_sur_un_telephone(visite, largeur):
    DossierFactory(
        programme=True,
        titre="Halle des sports métropolitaine et réhabilitation du gymnase intercommunal",
        communes=[("59009", "Villeneuve-d'Ascq"), ("59350", "Lille"), ("59512", "Roubaix")],
    )
    DossierFactory(programme=True, communes=[("80021", "Amiens")])
    visite.page.set_viewport_size({"width": largeur, "height": 800})
    pages = {
        "/territoires/": {"tableau-sous-territoires", "tableau-financeurs", "tableau-dossiers"},
        "/territoires/departement/59/": {"tableau-sous-territoires", "tableau-axes"},
        "/territoires/epci/200093201/": {"tableau-sous-territoires", "tableau-annees"},
        "/territoires/commune/59350/": {"tableau-financeurs", "tableau-mesures"},
        "/territoires/specifique/littoral/": {"tableau-financeurs"},
        "/territoires/departement/59/?avec=departement-80": {"tableau-comparaison"},
    }
    for chemin, blocs in pages.items():
        mesure = verifier_tableaux(visite, chemin, largeur, blocs_attendus=blocs)
        if largeur == 375:
            empiles = {t["bloc"] for t in mesure["tableaux"] if t["empile"]}
            assert blocs <= empiles, (chemin, empiles)
    if largeur == 375:
        # The comparison names each value by its territory.
        etiquettes = (
            visite.page.locator("#tableau-comparaison tbody tr")
            .first.locator("td")
            .evaluate_all("(cs) => cs.map((c) => getComputedStyle(c, '::before').content)")
        )
        assert etiquettes == ['"Nord\u00a0: "', '"Somme\u00a0: "']
        # Still a table for a screen reader, with its headers and cells, once stacked.
        racine, roles = roles_dans_l_arbre_d_accessibilite(
            visite.page, "#tableau-comparaison table"
        )
        assert racine == "table", racine
        assert {"columnheader", "rowheader", "cell"} <= roles, roles


@pytest.mark.parametrize("largeur", [375, 1280])
def test_les_tableaux_des_seances_tiennent_sur_un_telephone(
    visite,
    comitologie,  # noqa: F811
    largeur,
):
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    for membre, choix in zip(c.votants, ("pour", "contre", "abstention"), strict=True):
        vote_enregistrer(point=c.points[0], choix=choix, par=membre.utilisateur)
    page = visite.page
    page.set_viewport_size({"width": largeur, "height": 800})
    se_connecter(page, visite.url_base, c.secretaire.username, MOT_DE_PASSE)
    seance = f"/gouvernance/seances/{c.seance.pk}/"
    ouverte = {
        "/gouvernance/comites/programmation/": {"table-membres"},
        seance: {"table-presences"},
        f"{seance}points/{c.points[0].pk}/": set(),
        f"{seance}decompte/": {"table-decompte"},
        f"{seance}clore/": {"table-cloture"},
    }
    for chemin, blocs in ouverte.items():
        mesure = verifier_tableaux(visite, chemin, largeur, blocs_attendus=blocs)
        if largeur == 375:
            empiles = {t["bloc"] for t in mesure["tableaux"] if t["empile"]}
            assert blocs <= empiles, (chemin, empiles)
    if largeur == 375:
        # The live count keeps its labels once the script has refreshed the figures.
        visite.ouvrir(f"{seance}decompte/")
        ligne = page.locator(f'#table-decompte tr[data-point="{c.points[0].pk}"]')
        assert ligne.locator('[data-champ="pour"]').inner_text() == "1"
        etiquette = ligne.locator('[data-champ="pour"]').evaluate(
            "(c) => getComputedStyle(c, '::before').content"
        )
        assert etiquette == '"Pour\u00a0: "'

    seance_clore(seance=c.seance, par=c.secretaire)
    mesure = verifier_tableaux(
        visite, f"{seance}proces-verbal/", largeur, blocs_attendus={"table-feuille-presence"}
    )
    if largeur == 375:
        assert any(t["empile"] for t in mesure["tableaux"] if t["bloc"] == "table-feuille-presence")
    # The session page once closed (decisions shown, no form).
    verifier_tableaux(visite, seance, largeur, blocs_attendus={"table-presences"})


@pytest.mark.parametrize("largeur", [375, 1280])
def test_les_tableaux_du_suivi_financier_tiennent_sur_un_telephone(visite, administrateur, largeur):
    """The ledger's pages, the forecasts, the mid-term review and a département's operations:
    the review's tables were 995, 851 and 749 px wide in a 343 px box at 375 px."""
    projet = DossierFactory(programme=True)
    agent = UtilisateurFactory(agent=True, signataire="region", username="agent.region")
    ligne = projet.lignes_programmees.get(signataire__code="region")
    engagement = engagement_enregistrer(
        ligne=ligne,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-001",
        montant=Decimal("100000.00"),
        annee_budgetaire=2026,
    )
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 4, 1),
        montant=Decimal("25000.00"),
        type_="acompte",
        reference="MANDAT-2026-001",
    )
    page = visite.page
    page.set_viewport_size({"width": largeur, "height": 800})
    se_connecter(page, visite.url_base, "admin", MOT_DE_PASSE)
    pages = {
        "/tableau-de-bord/": set(),
        "/financement/": {"execution-signataires"},
        "/financement/etat/": set(),
        f"/suivi/lignes/{ligne.pk}/echeancier/": set(),
        "/suivi/signataires/region/previsions/": {"prevision-annees", "lignes-echeancier"},
        "/suivi/bilan-mi-parcours/": {"revue-signataires", "revue-mesures", "revue-propositions"},
        "/departements/59/": {"projets-du-departement"},
    }
    for chemin, blocs in pages.items():
        mesure = verifier_tableaux(visite, chemin, largeur, blocs_attendus=blocs)
        if largeur == 375:
            empiles = {t["bloc"] for t in mesure["tableaux"] if t["empile"]}
            assert blocs <= empiles, (chemin, empiles)
    # The line's commitments and payments, the dossier's execution (lists and forms, no table
    # until a payment is asked for) fit too.
    for chemin in (
        f"/financement/lignes/{ligne.pk}/",
        f"/financement/projets/{projet.reference}/execution/",
    ):
        verifier_tableaux(visite, chemin, largeur, sans_tableau=True)
