"""The whole run through the API, with the same refusals as the services (403/409/400)."""

from rest_framework.test import APIClient

from gouvernance.models import Decision, Vote
from projets.models import Statut
from projets.services import projet_transitionner
from projets.workflow import Action
from tests.factories.gouvernance import agent_instructeur

CRITERES = (
    "conformite-axes",
    "ambitions",
    "faisabilite",
    "decarbonation",
    "impact-environnemental",
    "egalite-femmes-hommes",
)


def api(utilisateur):
    client = APIClient()
    client.force_authenticate(utilisateur)
    return client


def test_parcours_complet_par_l_api(comitologie, agent, nouveau_projet):
    c = comitologie
    secretariat = api(c.secretaire)
    base = f"/api/v1/seances/{c.seance.pk}"

    comites = secretariat.get("/api/v1/comites/").json()
    assert comites["count"] == 13 and len(comites["results"]) == 13  # in pages, like every list
    assert comites["results"][0]["code"] == "programmation"
    programmation = secretariat.get("/api/v1/comites/programmation/").json()
    assert programmation["regle_quorum"] == "moitie" and len(programmation["membres"]) == 7
    assert [c_["code"] for c_ in secretariat.get("/api/v1/grille/").json()["criteres"]] == list(
        CRITERES
    )

    # A third dossier instructed through the API, then put on the agenda.
    projet = nouveau_projet(titre="Maison de l'étudiant")
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=projet.cree_par)
    projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=agent)
    reponse = api(agent).post(
        f"/api/v1/evaluations/{projet.reference}/",
        {
            "notes": [{"critere": k, "note": 2} for k in CRITERES],
            "avis": "reserve",
            "deposer": True,
        },
        format="json",
    )
    assert reponse.status_code == 200, reponse.json()
    assert reponse.json()["score_consolide"] == "50.0"
    assert reponse.json()["cofinanceurs_manquants"] == ["etat"]
    # The État, the other co-funder, files its own grid: the dossier is instruit.
    reponse = api(agent_instructeur("etat")).post(
        f"/api/v1/evaluations/{projet.reference}/",
        {
            "notes": [{"critere": k, "note": 4} for k in CRITERES],
            "avis": "favorable",
            "deposer": True,
        },
        format="json",
    )
    assert reponse.status_code == 200, reponse.json()
    assert reponse.json()["score_consolide"] == "75.0"
    assert reponse.json()["instruction_complete"] is True
    reponse = secretariat.post(
        f"{base}/ordre-du-jour/", {"projet": projet.reference}, format="json"
    )
    assert reponse.status_code == 201
    assert [p["ordre"] for p in reponse.json()["ordre_du_jour"]] == [1, 2, 3]

    for membre in [c.president, *c.votants, c.recuse]:
        r = secretariat.post(
            f"{base}/presences/", {"membre": membre.pk, "statut": "present"}, format="json"
        )
        assert r.status_code == 200, r.json()
    assert secretariat.post(f"{base}/convoquer/").status_code == 200
    assert secretariat.post(f"{base}/ouvrir/").json()["etat"] == "ouverte"

    points = [p["id"] for p in secretariat.get(f"{base}/").json()["ordre_du_jour"]]
    for membre in (c.president, c.votants[0], c.votants[1]):
        electeur = api(membre.utilisateur)
        for point, choix in zip(points, ["pour", "contre", "abstention"], strict=True):
            r = electeur.post(f"{base}/points/{point}/vote/", {"choix": choix}, format="json")
            assert r.status_code == 201, r.json()
    electeur = api(c.votants[2].utilisateur)
    electeur.post(f"{base}/points/{points[2]}/vote/", {"choix": "contre"}, format="json")
    r = electeur.put(f"{base}/points/{points[2]}/vote/", {"choix": "pour"}, format="json")
    assert r.status_code == 200 and r.json()["choix"] == "pour"

    # Before closing, a member reads only their own votes.
    assert len(electeur.get(f"{base}/votes/").json()) == 1
    assert secretariat.get(f"{base}/proces-verbal/").status_code == 409

    reponse = secretariat.post(f"{base}/clore/")
    assert reponse.status_code == 200
    decisions = secretariat.get(f"{base}/decisions/").json()
    assert [(d["resultat"], d["pour"], d["contre"], d["abstention"]) for d in decisions] == [
        ("retenu", 3, 0, 0),
        ("rejete", 0, 3, 0),
        ("retenu", 1, 0, 3),
    ]
    assert decisions[0]["programme"] is True
    assert len(electeur.get(f"{base}/votes/").json()) == 10
    pv = secretariat.get(f"{base}/proces-verbal/").json()
    assert pv["quorum"] == {"votants": 5, "presents": 5, "requis": 3, "atteint": True}
    assert len(pv["votes"]) == 10
    projet.refresh_from_db()
    assert projet.statut == Statut.PROGRAMME
    projet_api = secretariat.get(f"/api/v1/projets/{projet.reference}/").json()
    assert projet_api["statut"] == "programme"
    assert [j["action"] for j in projet_api["journal"]][-3:] == [
        "inscrire_odj",
        "retenir",
        "programmer",
    ]


def test_refus_de_l_api_avec_leur_message_et_rien_d_ecrit(comitologie, agent):
    c = comitologie
    c.tous_presents()
    c.ouvrir()
    base = f"/api/v1/seances/{c.seance.pk}"
    point = c.points[0].pk
    url = f"{base}/points/{point}/vote/"

    r = api(agent).post(url, {"choix": "pour"}, format="json")
    assert r.status_code == 403
    assert r.json()["detail"].startswith("Vous n'êtes pas membre du Comité de programmation")
    r = api(c.associe.utilisateur).post(url, {"choix": "pour"}, format="json")
    assert r.status_code == 403 and "voix délibérative" in r.json()["detail"]
    r = api(c.recuse.utilisateur).post(url, {"choix": "pour"}, format="json")
    assert r.status_code == 403 and "récusé(e)" in r.json()["detail"]
    r = api(c.votants[0].utilisateur).post(url, {"choix": "peut-être"}, format="json")
    assert r.status_code == 400 and "choix" in r.json()
    assert not Vote.objects.exists()

    electeur = api(c.votants[0].utilisateur)
    assert electeur.post(url, {"choix": "pour"}, format="json").status_code == 201
    r = electeur.post(url, {"choix": "contre"}, format="json")
    assert r.status_code == 409 and "déjà enregistré" in r.json()["detail"]
    assert Vote.objects.count() == 1

    # Closing without quorum: 409, nothing decided. (Make everyone else excused first.)
    r = api(c.votants[0].utilisateur).post(f"{base}/clore/")
    assert r.status_code == 403
    assert api(c.secretaire).post(f"{base}/clore/").status_code == 200
    r = api(c.secretaire).post(f"{base}/clore/")
    assert (
        r.status_code == 409
        and r.json()["detail"] == "La séance est déjà close : ses décisions sont définitives."
    )
    assert Decision.objects.count() == 2
    r = electeur.put(url, {"choix": "contre"}, format="json")
    assert r.status_code == 409 and "close" in r.json()["detail"]


def test_clore_sans_quorum_par_l_api(comitologie):
    c = comitologie
    c.ouvrir()
    r = api(c.secretaire).post(f"/api/v1/seances/{c.seance.pk}/clore/")
    assert r.status_code == 409
    assert r.json()["detail"].startswith("Quorum non atteint")
    assert not Decision.objects.exists()


def test_un_porteur_ne_voit_ni_comites_ni_seances(comitologie, porteur):
    client = api(porteur)
    assert client.get("/api/v1/comites/").status_code == 404
    assert client.get(f"/api/v1/seances/{comitologie.seance.pk}/").status_code == 404
    assert client.get("/api/v1/seances/").json()["results"] == []


def test_le_schema_openapi_decrit_la_gouvernance(client):
    reponse = client.get("/api/schema/")
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "/api/v1/seances/{id}/points/{point_pk}/vote/" in texte
    assert "Voter sur un point" in texte
