"""Issue 17's journey in a real Chromium: the vélo measure (V.2.1) with five candidate
operations; the secretariat writes the second of three scenarios through the form; the three
are compared side by side; the Nord refuses a scenario, the Somme caps its share in another;
the secretariat adopts the second at the vélo committee's session; the draft avenant and the
five draft dossiers carry exactly the scenario's amounts, and the parity ratio and each
signatory's remaining envelope are right to the cent."""

from decimal import Decimal

import pytest

from axes.models import Signataire
from comptes.models import Role
from financement.models import Enveloppe
from projets.models import Projet, Statut
from scenarios.models import Avis, Position, Scenario, StatutScenario
from scenarios.services import scenario_creer
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite
from tests.factories.scenarios import SCENARIOS, candidates_velo, saisies, seance_velo

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]

D = Decimal
EURO = "\u00a0€"


def euros(texte: str) -> str:
    """« 1749950.00 » as the pages print it: « 1 749 950,00 € »."""
    entier, _, centimes = texte.partition(".")
    groupes = []
    while len(entier) > 3:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    groupes.insert(0, entier)
    return "\u202f".join(groupes) + "," + centimes + EURO


def changer_d_utilisateur(visite, identifiant):
    visite.page.context.clear_cookies()
    se_connecter(visite.page, visite.url_base, identifiant, MOT_DE_PASSE)


def cliquer(page, bouton):
    with page.expect_navigation():
        bouton.click()


def test_parcours_scenarios_velo_comparer_positions_adopter(
    visite, creer_utilisateur, administrateur
):
    organisations = {s.code: s.organisation for s in Signataire.objects.all()}
    for code in ("nord", "somme"):
        creer_utilisateur(f"agent.{code}", role=Role.AGENT, organisation=organisations[code])
    candidates = candidates_velo(administrateur)
    sous_axe = candidates[0].sous_axe
    for cle in ("A", "C"):
        nom, repartitions = SCENARIOS[cle]
        scenario_creer(
            sous_axe=sous_axe,
            nom=nom,
            operations=saisies(candidates, repartitions),
            par=administrateur,
        )
    seance = seance_velo(administrateur)
    enveloppes = {
        e.signataire.code: e.montant for e in Enveloppe.objects.select_related("signataire")
    }
    page = visite.page

    # 1. The secretariat reaches the vélo measure from the menu and writes scenario B.
    changer_d_utilisateur(visite, "admin")
    visite.ouvrir("/tableau-de-bord/")
    cliquer(page, page.get_by_role("link", name="Scénarios", exact=True))
    cliquer(page, page.get_by_role("link", name="V.2.1", exact=True))
    assert page.locator("#candidates tbody tr").count() == 5
    cliquer(page, page.get_by_role("link", name="Nouveau scénario"))
    nom_b, repartitions_b = SCENARIOS["B"]
    page.fill("#id_nom", nom_b)
    for candidate, repartition in zip(candidates, repartitions_b, strict=True):
        for financeur, valeur in repartition.items():
            page.fill(f"#id_op{candidate.pk}_{financeur}", valeur.replace(".", ","))
    visite.capture("scenario-b-saisi")
    cliquer(page, page.get_by_role("button", name="Enregistrer le scénario"))
    b = Scenario.objects.get(nom=nom_b)
    assert f"Scénario « {nom_b} » enregistré." in page.inner_text("main")
    verifier_accessibilite(page)

    # 2. The three scenarios side by side.
    visite.ouvrir("/scenarios/V.2.1/")
    for scenario in Scenario.objects.order_by("pk"):
        page.locator(f"label[for=comparer-{scenario.pk}]").click()
    cliquer(page, page.get_by_role("button", name="Comparer"))
    etat = page.locator("#compare-signataires tbody tr").first
    assert etat.get_attribute("class") == "differe" and "diffère" in etat.inner_text().lower()
    assert euros("1749950.00") in etat.inner_text()
    assert "(-690\u202f050,00" in etat.inner_text()  # B against A
    amiens = page.locator("#compare-operations tbody tr").nth(4)
    assert "Liaison cyclable Amiens-Longueau" in amiens.inner_text()
    assert page.locator("#graphique-comparaison svg").count() == 1
    assert page.locator("#export-xlsx").count() == 1 and page.locator("#export-pdf").count() == 1
    visite.capture("comparaison")
    verifier_accessibilite(page)

    # 3. The Nord refuses scenario A; the Somme caps its share of B.
    a = Scenario.objects.get(nom=SCENARIOS["A"][0])
    changer_d_utilisateur(visite, "agent.nord")
    visite.ouvrir(f"/scenarios/scenario/{a.pk}/")
    page.locator("label[for=id_avis_2]").click()
    page.fill("#id_commentaire", "Le Nord ne cofinance pas à 40 % de l'État sur ces opérations.")
    cliquer(page, page.get_by_role("button", name="Enregistrer la position"))
    nord = Signataire.objects.get(code="nord")
    assert f"Position {nord.de_nom} enregistrée." in page.inner_text("main")
    assert "Refuse" in page.inner_text("#positions")
    visite.capture("refus-nord")
    changer_d_utilisateur(visite, "agent.somme")
    visite.ouvrir(f"/scenarios/scenario/{b.pk}/")
    page.locator("label[for=id_avis_1]").click()
    page.fill("#id_plafond", "250 000,00")
    cliquer(page, page.get_by_role("button", name="Enregistrer la position"))
    somme = page.locator("#par-signataire tr[data-signataire=somme]")
    assert euros("50000.00") in somme.locator(".non-accorde").inner_text()
    visite.capture("plafond-somme")
    assert Position.objects.get(scenario=a).avis == Avis.REFUS
    assert Position.objects.get(scenario=b).plafond == D("250000.00")

    # 4. The secretariat adopts B at the vélo committee's session.
    changer_d_utilisateur(visite, "admin")
    visite.ouvrir(f"/scenarios/scenario/{b.pk}/")
    page.select_option("#id_seance", str(seance.pk))
    cliquer(page, page.get_by_role("button", name="Adopter le scénario"))
    b.refresh_from_db()
    assert b.statut == StatutScenario.ADOPTE and b.seance == seance
    assert "adopté" in page.inner_text("#statut-scenario")
    assert page.get_by_role("button", name="Adopter le scénario").count() == 0
    # The parity ratio and each signatory's remaining envelope, to the cent.
    assert page.inner_text("#ratio-valeur") == "0,74"
    assert page.inner_text("#ratio-part-etat") == "42,68\u00a0%"
    assert page.inner_text("#ecart-parite") == "-" + euros("600050.00")
    demandes = {
        "etat": D("1749950.00"),
        "region": D("2350000.00"),
        "somme": D("300000.00"),
        "pas-de-calais": D("160000.00"),
        "mel": D("200000.00"),
        "nord": D("120000.00"),
        "oise": D("0.00"),
        "aisne": D("0.00"),
        "amiens-metropole": D("0.00"),
    }
    for code, demande in demandes.items():
        ligne = page.locator(f"#par-signataire tr[data-signataire={code}]")
        assert ligne.locator(".demande").inner_text() == euros(f"{demande:.2f}")
        assert ligne.locator(".reste").inner_text() == euros(f"{enveloppes[code] - demande:.2f}")
    visite.capture("scenario-adopte")
    verifier_accessibilite(page)

    # 5. The draft avenant and the five draft dossiers, with exactly the scenario's amounts.
    cliquer(page, page.locator("#statut-scenario a"))
    modifications = page.inner_text("#modifications")
    for code, demande in demandes.items():
        if demande:
            assert euros(f"{enveloppes[code] + demande:.2f}") in modifications
    visite.capture("avenant")
    dossiers = Projet.objects.filter(scenario_origine__scenario=b).order_by("scenario_origine")
    assert dossiers.count() == 5
    for projet, candidate, repartition in zip(dossiers, candidates, repartitions_b, strict=True):
        assert projet.statut == Statut.BROUILLON
        assert projet.maitre_ouvrage == candidate.maitre_ouvrage
        assert sum(ligne.montant for ligne in projet.lignes_financement.all()) == candidate.cout
        etat_plan = projet.lignes_financement.get(signataire__code="etat").montant
        attendu = repartition["etat"]
        if attendu.endswith("%"):
            attendu = f"{candidate.cout * D(attendu.removesuffix('%').strip()) / 100:.2f}"
        assert etat_plan == D(attendu)
    visite.ouvrir(f"/projets/{dossiers.last().reference}/")
    assert euros("499950.00") in page.inner_text("main")
    visite.capture("dossier-amiens")
    # Nothing moved in the ledger.
    assert {
        e.signataire.code: e.montant_programme
        for e in Enveloppe.objects.select_related("signataire")
    } == dict.fromkeys(demandes, D("0.00"))
