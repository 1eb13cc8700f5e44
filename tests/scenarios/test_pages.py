"""The scenario pages: who sees them, who acts, French messages by the field, nothing written
on a refusal; the comparison exported as XLSX and PDF."""

import io
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from axes.models import Signataire
from financement.models import Avenant
from projets.models import Projet
from scenarios.models import Avis, OperationCandidate, Position, Scenario, StatutScenario
from scenarios.services import scenario_modifier
from tests.factories.scenarios import SCENARIOS, candidates_velo, saisies

D = Decimal


def test_le_menu_mene_aux_scenarios_du_secretariat_et_des_agents(
    client, administrateur, agent, porteur
):
    for personne in (administrateur, agent):
        client.force_login(personne)
        assert 'href="/scenarios/"' in client.get("/tableau-de-bord/").content.decode()
        reponse = client.get("/scenarios/")
        assert reponse.status_code == 200
        assert "V.2.1" in reponse.content.decode()
    client.force_login(porteur)
    assert 'href="/scenarios/"' not in client.get("/tableau-de-bord/").content.decode()
    assert client.get("/scenarios/").status_code == 404


def test_la_page_du_scenario_montre_les_montants_au_centime(client, velo, administrateur):
    client.force_login(administrateur)
    page = client.get(f"/scenarios/scenario/{velo.scenarios['B'].pk}/").content.decode()
    assert "1\u202f749\u202f950,00\u00a0€" in page  # État
    assert "992\u202f512\u202f050,00\u00a0€" in page  # what is left of the État's envelope
    assert 'id="ratio-valeur">0,74<' in page
    assert 'id="ratio-part-etat">42,68\u00a0%<' in page
    assert "Le texte ne fixe pas de parité pour ce sous-axe" in page
    assert "-600\u202f050,00\u00a0€" in page


def test_un_porteur_ne_voit_pas_les_scenarios(client, velo, porteur_velo):
    client.force_login(porteur_velo)
    assert client.get(f"/scenarios/scenario/{velo.scenarios['B'].pk}/").status_code == 404
    assert client.get("/scenarios/V.2.1/").status_code == 404


def test_une_rubrique_hors_du_volet_mobilites_n_a_pas_de_scenarios(client, administrateur):
    client.force_login(administrateur)
    assert client.get("/scenarios/IV.2/").status_code == 404
    assert client.get("/scenarios/II.6/").status_code == 200


def test_enregistrer_une_operation_envisagee_par_le_pilote(client, agent, administrateur):
    client.force_login(agent)  # the Région pilots the vélo technical committee
    moa = Signataire.objects.get(code="mel").organisation
    reponse = client.post(
        "/scenarios/V.2.1/",
        {
            "intitule": "Passerelle cyclable de la Deûle",
            "maitre_ouvrage": moa.pk,
            "annee_debut": 2025,
            "annee_fin": 2024,
            "cout": "1 000 000,00",
        },
    )
    assert reponse.status_code == 400
    assert "La dernière année doit suivre la première." in reponse.content.decode()
    assert not OperationCandidate.objects.exists()
    reponse = client.post(
        "/scenarios/V.2.1/",
        {
            "intitule": "Passerelle cyclable de la Deûle",
            "maitre_ouvrage": moa.pk,
            "annee_debut": 2025,
            "annee_fin": 2026,
            "cout": "1 000 000,00",
        },
    )
    assert reponse.status_code == 302
    assert OperationCandidate.objects.get().cout == D("1000000.00")


def test_un_agent_qui_ne_pilote_pas_ne_peut_enregistrer_d_operation(client, agent_de):
    client.force_login(agent_de("nord"))
    reponse = client.post("/scenarios/V.2.1/", {"intitule": "X"})
    assert reponse.status_code == 403
    assert not OperationCandidate.objects.exists()


def _saisie(velo, **surcharges):
    donnees = {"nom": "Scénario saisi"}
    for c in velo.candidates:
        donnees |= {
            f"op{c.pk}_incluse": "on",
            f"op{c.pk}_debut": c.annee_debut,
            f"op{c.pk}_fin": c.annee_fin,
            f"op{c.pk}_etat": "50 %",
            f"op{c.pk}_region": "30 %",
            f"op{c.pk}_fonds_propres": "20 %",
        }
    donnees.update(surcharges)
    return donnees


def test_le_secretariat_ecrit_un_scenario_au_formulaire(client, velo, administrateur):
    client.force_login(administrateur)
    assert client.get("/scenarios/V.2.1/nouveau/").status_code == 200
    derniere = velo.candidates[4]
    reponse = client.post(
        "/scenarios/V.2.1/nouveau/",
        _saisie(velo, **{f"op{derniere.pk}_incluse": "", f"op{velo.candidates[0].pk}_nord": "abc"}),
    )
    assert reponse.status_code == 400
    assert "Saisissez un montant en euros (120 000,00) ou un pourcentage (25 %)." in (
        reponse.content.decode()
    )
    reponse = client.post(
        "/scenarios/V.2.1/nouveau/",
        _saisie(velo, **{f"op{velo.candidates[0].pk}_region": "30 000"}),
    )
    assert reponse.status_code == 400
    assert "écart de 570\u202f000,00\u00a0€" in reponse.content.decode()
    assert not Scenario.objects.filter(nom="Scénario saisi").exists()
    reponse = client.post(
        "/scenarios/V.2.1/nouveau/", _saisie(velo, **{f"op{derniere.pk}_incluse": ""})
    )
    assert reponse.status_code == 302
    scenario = Scenario.objects.get(nom="Scénario saisi")
    assert not scenario.operations.get(operation=derniere).incluse
    part = scenario.operations.get(operation=velo.candidates[0]).parts.get(signataire__code="etat")
    assert part.montant == D("1000000.00")


def test_seul_le_secretariat_ecrit_les_scenarios(client, velo, agent):
    client.force_login(agent)
    assert client.post("/scenarios/V.2.1/nouveau/", _saisie(velo)).status_code == 403
    assert not Scenario.objects.filter(nom="Scénario saisi").exists()


def test_position_d_un_agent_pour_son_signataire_et_refus_sans_motif(client, velo, agent_de):
    scenario = velo.scenarios["A"]
    client.force_login(agent_de("nord"))
    reponse = client.post(f"/scenarios/scenario/{scenario.pk}/position/", {"avis": "refus"})
    assert reponse.status_code == 400
    assert "Dites pourquoi le signataire refuse ce scénario." in reponse.content.decode()
    assert not Position.objects.exists()
    reponse = client.post(
        f"/scenarios/scenario/{scenario.pk}/position/",
        {"avis": "refus", "commentaire": "Le Nord ne finance pas la vallée de la Somme."},
    )
    assert reponse.status_code == 302
    position = Position.objects.get()
    assert (position.signataire.code, position.avis) == ("nord", Avis.REFUS)


def test_le_secretariat_et_les_lecteurs_ne_prennent_pas_position(
    client, velo, administrateur, lecteur
):
    for personne in (administrateur, lecteur):
        client.force_login(personne)
        reponse = client.post(
            f"/scenarios/scenario/{velo.scenarios['A'].pk}/position/", {"avis": "accord"}
        )
        assert reponse.status_code == 403
    assert not Position.objects.exists()


def test_adoption_a_la_page_puis_lecture_seule(client, velo, seance, administrateur, agent):
    scenario = velo.scenarios["B"]
    client.force_login(agent)
    url = f"/scenarios/scenario/{scenario.pk}/adopter/"
    assert client.post(url, {"seance": seance.pk}).status_code == 403
    client.force_login(administrateur)
    reponse = client.post(url, {"initie_par": Signataire.objects.get(code="etat").pk})
    assert reponse.status_code == 400
    assert not Avenant.objects.exists()
    etat = Signataire.objects.get(code="etat").pk
    reponse = client.post(url, {"seance": seance.pk, "initie_par": etat})
    assert reponse.status_code == 302
    scenario.refresh_from_db()
    assert scenario.statut == StatutScenario.ADOPTE
    assert Projet.objects.filter(scenario_origine__scenario=scenario).count() == 5
    page = client.get(f"/scenarios/scenario/{scenario.pk}/").content.decode()
    assert f"avenant n° {scenario.avenant.numero}" in page
    assert "Modifier le scénario" not in page and "Adopter le scénario" not in page
    assert client.get(f"/scenarios/scenario/{scenario.pk}/modifier/").status_code == 403


def test_comparaison_cote_a_cote_et_exports(client, velo, agent):
    client.force_login(agent)
    ids = [velo.scenarios[c].pk for c in "ABC"]
    requete = "&".join(f"s={i}" for i in ids)
    reponse = client.get(f"/scenarios/V.2.1/comparaison/?{requete}")
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert page.count('class="differe"') >= 3
    assert "Sans la liaison Amiens-Longueau" in page and "<svg" in page
    xlsx = client.get(f"/scenarios/V.2.1/comparaison/?{requete}&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    feuille = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    lignes = {(r[0], r[1]): r[2:] for r in feuille.iter_rows(min_row=2, values_only=True)}
    assert [D(str(v)) for v in lignes[("par signataire", "État")][:3]] == [
        D("2440000"),
        D("1749950"),
        D("1650000"),
    ]
    assert lignes[("par signataire", "État")][3] == "oui"
    pdf = client.get(f"/rapports/scenarios/V.2.1/comparaison.pdf?{requete}")
    assert pdf["Content-Type"] == "application/pdf"
    texte = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Comparaison des scénarios de cofinancement" in texte
    assert "Région majoritaire" in texte


def test_comparer_un_seul_scenario_est_refuse_avec_un_message(client, velo, agent):
    client.force_login(agent)
    reponse = client.get(f"/scenarios/V.2.1/comparaison/?s={velo.scenarios['A'].pk}", follow=True)
    assert "Choisissez de 2 à 4 scénarios du sous-axe à comparer." in reponse.content.decode()


def test_le_nombre_de_requetes_de_la_page_ne_croit_pas_avec_les_operations(
    client, velo, administrateur
):
    client.force_login(administrateur)
    url = f"/scenarios/scenario/{velo.scenarios['B'].pk}/"
    with CaptureQueriesContext(connection) as cinq:
        assert client.get(url).status_code == 200
    nom, repartitions = SCENARIOS["B"]
    encore = candidates_velo(administrateur, prefixe="Bis ")
    scenario_modifier(
        scenario=velo.scenarios["B"],
        nom=nom,
        operations=saisies(velo.candidates + encore, repartitions + repartitions),
        par=administrateur,
    )
    with CaptureQueriesContext(connection) as dix:
        reponse = client.get(url)
    assert "Bis Liaison cyclable Amiens-Longueau" in reponse.content.decode()
    # Session, user, scenario with its operations, shares and positions (prefetched),
    # signatories, envelopes, credits, journal, the adoption form's choices: 15, whatever N.
    assert len(cinq.captured_queries) == 15
    assert len(dix.captured_queries) == len(cinq.captured_queries)


def test_modifier_un_scenario_au_formulaire_prerempli(client, velo, administrateur):
    client.force_login(administrateur)
    scenario = velo.scenarios["C"]
    url = f"/scenarios/scenario/{scenario.pk}/modifier/"
    page = client.get(url).content.decode()
    premiere = velo.candidates[0]
    assert f'name="op{premiere.pk}_etat" value="700000,00"' in page
    donnees = {"nom": "Sans Amiens, État renforcé"}
    for c in velo.candidates[:4]:
        ligne = scenario.operations.get(operation=c)
        donnees |= {f"op{c.pk}_incluse": "on", f"op{c.pk}_debut": c.annee_debut}
        donnees[f"op{c.pk}_fin"] = c.annee_fin
        for part in ligne.parts.select_related("signataire"):
            code = part.signataire.code if part.signataire else part.source
            donnees[f"op{c.pk}_{code}"] = f"{part.montant:.2f}".replace(".", ",")
    donnees[f"op{premiere.pk}_etat"] = "750 000,00"
    donnees[f"op{premiere.pk}_region"] = "850 000,00"
    donnees[f"op{velo.candidates[4].pk}_debut"] = 2025
    donnees[f"op{velo.candidates[4].pk}_fin"] = 2027
    assert client.post(url, donnees).status_code == 302
    scenario.refresh_from_db()
    assert scenario.nom == "Sans Amiens, État renforcé"
    part = scenario.operations.get(operation=premiere).parts.get(signataire__code="etat")
    assert part.montant == D("750000.00")
    assert (
        "Scénario « Sans Amiens, État renforcé » modifié"
        in client.get(f"/scenarios/scenario/{scenario.pk}/").content.decode()
    )
