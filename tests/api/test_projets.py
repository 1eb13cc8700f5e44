"""The dossier through the API: same services, same rules, errors keyed by field."""

from projets.models import Projet, Statut, TransitionProjet
from projets.services import projet_creer

DOSSIER = {
    "titre": "Pôle d'échanges de la gare d'Arras",
    "description": "Parvis, abri vélos et quais de bus.",
    "mesure": "V.2.2",
    "maitre_ouvrage_nom": "Communauté urbaine d'Arras",
    "departements": ["62"],
    "communes": [{"code_insee": "62041", "nom": "Arras"}],
    "date_debut": "2026-04-01",
    "date_fin": "2027-12-31",
    "cout_total_ht": "2500000.00",
    "decarbonation": "tres_favorable",
    "decarbonation_justification": "Report modal vers le train et le vélo.",
    "impact_environnemental": "favorable",
    "impact_environnemental_justification": "Désimperméabilisation du parvis.",
    "egalite_femmes_hommes": "favorable",
    "egalite_femmes_hommes_justification": "Éclairage et sécurité des cheminements.",
    "lignes": [
        {"signataire": "region", "nature": "cper", "montant": "1000000.00"},
        {"signataire": "etat", "nature": "cper", "montant": "750000.00"},
        {"source": "fonds_propres", "nature": "hors_cper", "montant": "750000.00"},
    ],
    "phases": [{"type": "travaux", "annee_debut": 2026, "annee_fin": 2027}],
}


def creer(client, **surcharges):
    return client.post(
        "/api/v1/projets/", {**DOSSIER, **surcharges}, content_type="application/json"
    )


def test_creer_puis_deposer_un_dossier(client, agent):
    client.force_login(agent)
    reponse = creer(client)
    assert reponse.status_code == 201, reponse.json()
    projet = reponse.json()
    assert projet["statut"] == "brouillon"
    assert projet["cout_total_ht"] == "2500000.00"
    assert [ligne["montant"] for ligne in projet["lignes"]] == [
        "1000000.00",
        "750000.00",
        "750000.00",
    ]
    reponse = client.post(
        f"/api/v1/projets/{projet['reference']}/deposer/", {}, content_type="application/json"
    )
    assert reponse.status_code == 200, reponse.json()
    assert reponse.json()["statut"] == "depose"
    assert [j["vers_statut"] for j in reponse.json()["journal"]] == ["depose"]


def test_une_saisie_invalide_repond_400_par_champ(client, agent):
    client.force_login(agent)
    nombre = Projet.objects.count()
    reponse = creer(
        client,
        mesure="IX.9",
        cout_total_ht="beaucoup",
        departements=["75"],
        lignes=[{"signataire": "region", "source": "ademe", "nature": "cper", "montant": "10"}],
    )
    assert reponse.status_code == 400
    corps = reponse.json()
    assert {"mesure", "cout_total_ht", "departements", "lignes"} <= set(corps)
    assert "Indiquez soit un signataire, soit une autre source." in str(corps["lignes"])
    assert Projet.objects.count() == nombre


def test_un_depot_refuse_repond_400_et_n_ecrit_rien(client, agent):
    client.force_login(agent)
    reference = creer(client, cout_total_ht="2500000.50").json()["reference"]
    reponse = client.post(
        f"/api/v1/projets/{reference}/deposer/", {}, content_type="application/json"
    )
    assert reponse.status_code == 400
    corps = reponse.json()
    assert "n'est pas équilibré" in corps["non_field_errors"][0]
    assert "corrigez les points signalés" in corps["detail"]
    projet = Projet.objects.get(reference=reference)
    assert projet.statut == Statut.BROUILLON
    assert not TransitionProjet.objects.filter(projet=projet).exists()


def test_un_statut_incompatible_repond_409(client, agent):
    client.force_login(agent)
    reference = creer(client).json()["reference"]
    reponse = client.post(
        f"/api/v1/projets/{reference}/solder/", {}, content_type="application/json"
    )
    assert reponse.status_code == 409
    assert "Impossible de solder ce dossier : il est « Brouillon »" in reponse.json()["detail"]


def test_une_action_de_comite_n_est_pas_exposee(client, agent):
    client.force_login(agent)
    reference = creer(client).json()["reference"]
    reponse = client.post(
        f"/api/v1/projets/{reference}/retenir/", {}, content_type="application/json"
    )
    assert reponse.status_code == 404


def test_un_porteur_ne_peut_pas_instruire_par_l_api(client, porteur, agent):
    client.force_login(porteur)
    reference = creer(client, maitre_ouvrage_nom="").json()["reference"]
    assert Projet.objects.get(reference=reference).maitre_ouvrage == porteur.organisation
    assert (
        client.post(
            f"/api/v1/projets/{reference}/deposer/", {}, content_type="application/json"
        ).status_code
        == 200
    )
    reponse = client.post(
        f"/api/v1/projets/{reference}/instruire/", {}, content_type="application/json"
    )
    assert reponse.status_code == 403
    assert Projet.objects.get(reference=reference).statut == Statut.DEPOSE


def test_patch_ne_change_que_ce_qui_est_envoye(client, agent):
    client.force_login(agent)
    reference = creer(client).json()["reference"]
    reponse = client.patch(
        f"/api/v1/projets/{reference}/",
        {"titre": "Pôle d'échanges d'Arras"},
        content_type="application/json",
    )
    assert reponse.status_code == 200, reponse.json()
    projet = reponse.json()
    assert projet["titre"] == "Pôle d'échanges d'Arras"
    assert projet["cout_total_ht"] == "2500000.00"
    assert len(projet["lignes"]) == 3
    assert projet["communes"] == [{"code_insee": "62041", "nom": "Arras"}]


def test_abandonner_sans_motif_repond_400_sur_le_motif(client, agent):
    client.force_login(agent)
    reference = creer(client).json()["reference"]
    reponse = client.post(
        f"/api/v1/projets/{reference}/abandonner/", {}, content_type="application/json"
    )
    assert reponse.status_code == 400
    assert reponse.json()["commentaire"] == ["Indiquez le motif : il est obligatoire."]


def test_le_schema_decrit_les_projets(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/projets/{reference}/{action}/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/projets/"]


def test_un_porteur_qui_nomme_un_autre_maitre_d_ouvrage_est_refuse(client, porteur, commune):
    client.force_login(porteur)
    nombre = Projet.objects.count()
    reponse = creer(client, maitre_ouvrage_nom="", maitre_ouvrage=commune.pk)
    assert reponse.status_code == 400
    assert "propre organisation" in reponse.json()["maitre_ouvrage"][0]
    reponse = creer(client)  # a new maître d'ouvrage by name: refused too
    assert reponse.status_code == 400 and "maitre_ouvrage" in reponse.json()
    assert Projet.objects.count() == nombre


def test_le_detail_donne_la_date_de_depot_et_les_actions_possibles(client, porteur, agent):
    client.force_login(porteur)
    reference = creer(client, maitre_ouvrage_nom="").json()["reference"]
    detail = client.get(f"/api/v1/projets/{reference}/").json()
    assert detail["depose_le"] is None
    assert "deposer" in detail["actions_possibles"] and "modifier" in detail["actions_possibles"]
    assert "instruire" not in detail["actions_possibles"]
    client.post(f"/api/v1/projets/{reference}/deposer/", {}, content_type="application/json")
    detail = client.get(f"/api/v1/projets/{reference}/").json()
    assert detail["depose_le"] is not None and "T" in detail["depose_le"]
    assert "deposer" not in detail["actions_possibles"]
    client.force_login(agent)
    assert "instruire" in client.get(f"/api/v1/projets/{reference}/").json()["actions_possibles"]


def test_un_client_liste_les_organisations_a_referencer(client, agent, commune):
    client.force_login(agent)
    page = client.get("/api/v1/organisations/?q=" + commune.nom[:6]).json()
    assert page["count"] >= 1
    assert {"id", "nom", "sigle", "type", "siret"} == set(page["results"][0])
    assert commune.pk in [o["id"] for o in page["results"]]
    client.logout()
    assert client.get("/api/v1/organisations/").status_code in (401, 403)


def test_la_liste_ecrite_a_la_main_rend_ce_que_declarent_ses_champs(
    client, agent, donnees_completes
):
    """The API list writes its dossiers directly (issue 14): the same output, to the cent and
    the null, as DRF's generic walk over the declared fields, dossier by dossier."""
    from rest_framework.renderers import JSONRenderer

    from projets.api import ProjetListeSerializer
    from projets.selectors import projets_pour_liste

    sans_mo = projet_creer(
        donnees=donnees_completes(titre="Sans maître d'ouvrage", cout_total_ht=None, lignes=[]),
        par=agent,
    )
    Projet.objects.filter(pk=sans_mo.pk).update(maitre_ouvrage=None)
    projet_creer(donnees=donnees_completes(titre="Avec son plan"), par=agent)
    projets = list(projets_pour_liste(utilisateur=agent).order_by("reference"))
    assert len(projets) >= 97
    rapide = ProjetListeSerializer(projets, many=True).data
    un_par_un = [ProjetListeSerializer(p).data for p in projets]
    assert JSONRenderer().render(rapide) == JSONRenderer().render(un_par_un)
    client.force_login(agent)
    page = client.get("/api/v1/projets/", {"q": "sans maitre d'ouvrage"}).json()["results"]
    assert page[0]["maitre_ouvrage"] is None and page[0]["cout_total_ht"] is None
    plan = client.get("/api/v1/projets/", {"q": "avec son plan"}).json()["results"][0]
    assert [ligne["montant"] for ligne in plan["lignes"]] == ["400000.00", "350000.00", "250000.00"]
    assert plan["cout_total_ht"] == "1000000.00"
