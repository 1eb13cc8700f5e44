"""The portal as a cluster on the loopback (issue 20): nginx, two gunicorn nodes, two Celery
workers and a beat, Redis as broker and shared cache, a PostgreSQL primary and its streaming
replica (deploiement/grappe.py). Each test leaves the cluster whole for the next one.

The cluster starts once for the module from a copy of the test base (already migrated, the
contract loaded), with the test settings (fast password hashing, the slow test job allowed).
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import psycopg2
import pytest
import requests
from django.db import connection
from django.utils import timezone

from deploiement.grappe import RACINE, Grappe
from tests.deploiement.preparer import MOT_DE_PASSE

pytestmark = pytest.mark.lent

CRITERES = (
    "conformite-axes",
    "ambitions",
    "faisabilite",
    "decarbonation",
    "impact-environnemental",
    "egalite-femmes-hommes",
)
MESSAGE_VERROU = "Trop de tentatives de connexion infructueuses"


@pytest.fixture(scope="module")
def grappe(django_db_setup, django_db_blocker) -> Iterator[Grappe]:
    reglages = connection.settings_dict
    source = (
        f"postgres://{reglages['USER'] or 'postgres'}@{reglages['HOST'] or '127.0.0.1'}:"
        f"{reglages['PORT'] or 5432}/{reglages['NAME']}"
    )
    grappe = Grappe(
        reglages="cper.settings_test",
        rapide=True,
        statiques=False,
        # 1 000 requests an hour would never show a shared counter; 12 a minute does.
        # Read-your-writes for 3 s (instead of 10) keeps the test short.
        environnement={
            "API_DEBIT_JETON": "12/minute",
            "CONN_MAX_AGE": "60",
            "REPLIQUE_DELAI_APRES_ECRITURE": "3",
        },
    )
    grappe.demarrer(copier_de=source)
    try:
        sortie = subprocess.run(
            [sys.executable, "-m", "tests.deploiement.preparer"],
            cwd=RACINE,
            env=grappe.environnement(),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        grappe.donnees = json.loads(sortie.strip().splitlines()[-1])
        yield grappe
    finally:
        for nom in ("web-a", "web-b", "worker-pdf", "nginx"):
            print(f"--- {nom} ---\n{grappe.journal(nom)}")
        grappe.arreter()
        assert grappe.restants() == [], "la grappe arrêtée a laissé des processus"
        assert not grappe.dossier.exists()


def sql(url: str, requete: str, *parametres):
    with psycopg2.connect(url) as base, base.cursor() as curseur:
        curseur.execute(requete, parametres)
        lignes = curseur.fetchall() if curseur.description else []
    base.close()
    return lignes


class Navigateur:
    """One person's browser: its cookies (session, CSRF) go to every node of 127.0.0.1."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    def connecter(self, base: str, identifiant: str, mot_de_passe: str = MOT_DE_PASSE):
        self.session.get(f"{base}/connexion/", timeout=30)
        return self.session.post(
            f"{base}/connexion/",
            data={
                "username": identifiant,
                "password": mot_de_passe,
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=30,
        )

    def post(self, url: str, corps: dict | None = None):
        return self.session.post(
            url,
            json=corps or {},
            headers={"X-CSRFToken": self.session.cookies["csrftoken"]},
            timeout=60,
        )

    def get(self, url: str):
        return self.session.get(url, timeout=60)


@pytest.fixture
def navigateurs():
    ouverts: list[Navigateur] = []

    def ouvrir(base: str | None = None, identifiant: str | None = None) -> Navigateur:
        navigateur = Navigateur()
        ouverts.append(navigateur)
        if identifiant:
            assert base
            assert navigateur.connecter(base, identifiant).status_code == 302
        return navigateur

    yield ouvrir
    for navigateur in ouverts:
        navigateur.close()


def ligne_de(grappe: Grappe, reference: str, signataire: str) -> int:
    return sql(
        grappe.url_primaire,
        "SELECT l.id FROM financement_ligneprogrammee l JOIN projets_projet p ON p.id = l.projet_id"
        " JOIN axes_signataire s ON s.id = l.signataire_id WHERE p.reference = %s AND s.code = %s",
        reference,
        signataire,
    )[0][0]


def engagement(montant: str, reference: str) -> dict:
    """A commitment dated today: its line was programmed during the test, and a commitment
    follows the programming of its line."""
    jour = timezone.localdate()
    return {
        "date_acte": jour.isoformat(),
        "type_acte": "convention",
        "reference": reference,
        "montant": montant,
        "annee_budgetaire": jour.year,
    }


def test_un_dossier_depose_sur_a_instruit_sur_b_programme_et_engage_des_deux_noeuds(
    grappe, navigateurs
):
    a, b = grappe.url_web("a"), grappe.url_web("b")
    reference = grappe.donnees["brouillon"]
    seance = f"/api/v1/seances/{grappe.donnees['seance']}"

    porteur = navigateurs(a, "porteur")
    reponse = porteur.post(f"{a}/api/v1/projets/{reference}/deposer/")
    assert reponse.status_code == 200, reponse.text
    assert reponse.json()["statut"] == "depose"

    agent = navigateurs(b, "agent.region")
    assert agent.post(f"{b}/api/v1/projets/{reference}/instruire/").status_code == 200
    reponse = agent.post(
        f"{b}/api/v1/evaluations/{reference}/",
        {
            "notes": [{"critere": c, "note": 3} for c in CRITERES],
            "avis": "favorable",
            "deposer": True,
        },
    )
    assert reponse.status_code == 200, reponse.text
    # The dossier is « instruit » once every co-funder filed its grid: the État's, from the
    # other node.
    agent_etat = navigateurs(a, "agent.etat")
    reponse = agent_etat.post(
        f"{a}/api/v1/evaluations/{reference}/",
        {
            "notes": [{"critere": c, "note": 4} for c in CRITERES],
            "avis": "favorable",
            "deposer": True,
        },
    )
    assert reponse.status_code == 200, reponse.text
    assert porteur.get(f"{a}/api/v1/projets/{reference}/").json()["statut"] == "instruit"

    secretariat = navigateurs(a, "sgar")
    reponse = secretariat.post(f"{a}{seance}/ordre-du-jour/", {"projet": reference})
    assert reponse.status_code == 201, reponse.text
    for rang, membre in enumerate(grappe.donnees["membres"].values()):
        noeud = (a, b)[rang % 2]
        reponse = secretariat.post(
            f"{noeud}{seance}/presences/", {"membre": membre, "statut": "present"}
        )
        assert reponse.status_code == 200, reponse.text
    assert secretariat.post(f"{a}{seance}/convoquer/").status_code == 200
    assert secretariat.post(f"{b}{seance}/ouvrir/").json()["etat"] == "ouverte"
    point = secretariat.get(f"{b}{seance}/").json()["ordre_du_jour"][0]["id"]
    for rang, identifiant in enumerate(grappe.donnees["membres"]):
        noeud = (a, b)[rang % 2]
        electeur = navigateurs(noeud, identifiant)
        reponse = electeur.post(f"{noeud}{seance}/points/{point}/vote/", {"choix": "pour"})
        assert reponse.status_code == 201, reponse.text
    assert secretariat.post(f"{b}{seance}/clore/").status_code == 200
    decisions = secretariat.get(f"{a}{seance}/decisions/").json()
    assert [(d["resultat"], d["pour"], d["programme"]) for d in decisions] == [("retenu", 3, True)]

    # Commitments from both nodes, each agent on its own signatory's line.
    agent_etat = navigateurs(b, "agent.etat")
    ligne_region = ligne_de(grappe, reference, "region")
    ligne_etat = ligne_de(grappe, reference, "etat")
    reponse = agent.post(
        f"{a}/api/v1/financement/lignes/{ligne_region}/engagements/",
        engagement("150000.00", "CONV-REGION-1"),
    )
    assert reponse.status_code == 201, reponse.text
    reponse = agent_etat.post(
        f"{b}/api/v1/financement/lignes/{ligne_etat}/engagements/",
        engagement("100000.25", "CONV-ETAT-1"),
    )
    assert reponse.status_code == 201, reponse.text
    # Nobody commits another signatory's money, whichever node they reach.
    reponse = agent_etat.post(
        f"{a}/api/v1/financement/lignes/{ligne_region}/engagements/",
        engagement("1.00", "CONV-INTRUS"),
    )
    assert reponse.status_code in (403, 404)

    lignes = dict(
        sql(
            grappe.url_primaire,
            "SELECT id, montant_engage FROM financement_ligneprogrammee WHERE id IN (%s, %s)",
            ligne_region,
            ligne_etat,
        )
    )
    assert lignes == {ligne_region: Decimal("150000.00"), ligne_etat: Decimal("100000.25")}
    # The ledger is exact: each envelope's running total is the sum of its commitments.
    ecarts = sql(
        grappe.url_primaire,
        "SELECT e.id FROM financement_enveloppe e WHERE e.montant_engage <> COALESCE(("
        " SELECT SUM(g.montant) FROM financement_engagement g WHERE g.signataire_id ="
        " e.signataire_id), 0)",
    )
    assert ecarts == []
    assert sql(
        grappe.url_primaire,
        "SELECT COUNT(*) FROM financement_engagement WHERE reference = 'CONV-INTRUS'",
    ) == [(0,)]


def test_cinq_echecs_repartis_sur_les_deux_noeuds_verrouillent_le_compte(grappe, navigateurs):
    navigateur = navigateurs()
    for rang in range(5):
        noeud = grappe.url_web("ab"[rang % 2])
        reponse = navigateur.connecter(noeud, "cible", "mauvais-mot-de-passe")
        assert reponse.status_code == 200
        if rang < 4:
            assert MESSAGE_VERROU not in reponse.text
    # The right password, on either node: refused while the lock lasts.
    for noeud in ("a", "b"):
        reponse = navigateur.connecter(grappe.url_web(noeud), "cible")
        assert reponse.status_code == 200
        assert MESSAGE_VERROU in reponse.text


def test_le_debit_de_l_api_est_compte_pour_les_deux_noeuds(grappe):
    sortie = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from comptes.models import Utilisateur; from comptes.services import jeton_creer;"
            "print(jeton_creer(utilisateur=Utilisateur.objects.get(username='agent.etat'),"
            " nom='grappe')[1])",
        ],
        cwd=RACINE,
        env=grappe.environnement(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cle = sortie.strip().splitlines()[-1]
    codes = []
    with requests.Session() as client:
        for rang in range(14):
            noeud = grappe.url_web("ab"[rang % 2])
            codes.append(
                client.get(
                    f"{noeud}/api/v1/signataires/",
                    headers={"Authorization": f"Bearer {cle}"},
                    timeout=30,
                ).status_code
            )
    # 12 a minute for this client, whichever node counts them (one shared counter).
    assert codes == [200] * 12 + [429, 429]


def test_un_utilisateur_lit_ses_propres_ecritures_meme_si_la_replique_retarde(grappe, navigateurs):
    """Replay paused on the replica: a fresh reader sees the export as it was, the writer
    sees their commitment at once (read-your-writes), and the lag shows on the status page."""
    proxy = grappe.url_proxy
    ligne = grappe.donnees["ligne_tempete"]
    export = f"{proxy}/api/v1/exports/engagements.csv"
    lecteur = navigateurs(proxy, "agent.region")  # same account, another browser
    time.sleep(3.5)  # its own log-in (a write) is older than the read-your-writes window
    ecrivain = navigateurs(proxy, "agent.region")
    sql(grappe.url_replique, "SELECT pg_wal_replay_pause()")
    try:
        reponse = ecrivain.post(
            f"{proxy}/api/v1/financement/lignes/{ligne}/engagements/",
            engagement("10.00", "CONV-LECTURE-1"),
        )
        assert reponse.status_code == 201, reponse.text
        assert "CONV-LECTURE-1" in ecrivain.get(export).text
        assert "CONV-LECTURE-1" not in lecteur.get(export).text  # the replica, behind
        administrateur = navigateurs(proxy, "admin")
        time.sleep(2.5)  # the replica's state is kept 2 s in the shared cache
        page = administrateur.get(f"{proxy}/sante/grappe/")
        assert page.status_code == 200
        assert "Retard" in page.text and "La réplique suit la base principale." in page.text
        assert lecteur.get(f"{proxy}/sante/grappe/").status_code == 403
    finally:
        sql(grappe.url_replique, "SELECT pg_wal_replay_resume()")
    fin = time.monotonic() + 20
    while "CONV-LECTURE-1" not in lecteur.get(export).text:
        assert time.monotonic() < fin, "la réplique n'a pas rattrapé la base principale"
        time.sleep(0.3)


def test_la_tempete_d_engagements_par_le_proxy_ne_depasse_pas_d_un_centime(grappe, navigateurs):
    proxy = grappe.url_proxy
    ligne = grappe.donnees["ligne_tempete"]
    engage_avant = sql(
        grappe.url_primaire,
        "SELECT montant_engage, montant_programme FROM financement_ligneprogrammee WHERE id = %s",
        ligne,
    )[0]
    disponible = engage_avant[1] - engage_avant[0]
    modele = navigateurs(proxy, "agent.region")
    clients = []
    for _ in range(40):
        client = navigateurs()
        client.session.cookies.update(modele.session.cookies)
        clients.append(client)
    depart = threading.Barrier(len(clients))
    codes: list[int] = []

    def engager(client: Navigateur, rang: int) -> None:
        depart.wait()
        reponse = client.post(
            f"{proxy}/api/v1/financement/lignes/{ligne}/engagements/",
            engagement("15000.00", f"TEMPETE-{rang}"),
        )
        codes.append(reponse.status_code)

    fils = [threading.Thread(target=engager, args=(c, r)) for r, c in enumerate(clients)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=120)
    attendus = int(disponible // Decimal("15000.00"))
    assert sorted(codes) == [201] * attendus + [400] * (40 - attendus)
    engage, montant = sql(
        grappe.url_primaire,
        "SELECT montant_engage, montant_programme FROM financement_ligneprogrammee WHERE id = %s",
        ligne,
    )[0]
    assert engage == engage_avant[0] + attendus * Decimal("15000.00") and engage <= montant
    assert sql(
        grappe.url_primaire,
        "SELECT SUM(montant) FROM financement_engagement WHERE ligne_id = %s",
        ligne,
    ) == [(engage,)]
    # Both nodes took part.
    for noeud in ("a", "b"):
        acces = (grappe.journaux / f"web-{noeud}-acces.log").read_text()
        assert f"/api/v1/financement/lignes/{ligne}/engagements/" in acces


def test_un_noeud_web_tue_en_pleine_charge_le_proxy_continue_de_servir(grappe):
    """4 clients × 20 requests; node A is killed (SIGKILL, the whole gunicorn) after 15: every
    request ends with 200, at worst after one retry of a request that was in flight."""
    resultats: list[tuple[int, int]] = []  # (status, attempts)
    verrou = threading.Lock()
    quinze = threading.Event()

    def client_http() -> None:
        with requests.Session() as client:
            for _ in range(20):
                essais = 0
                while essais < 2:  # the client retries what was in flight, once
                    essais += 1
                    try:
                        statut = client.get(f"{grappe.url_proxy}/donnees/", timeout=30).status_code
                    except requests.RequestException:  # cut mid-answer, refused
                        statut = 0
                    if statut == 200:
                        break
                with verrou:
                    resultats.append((statut, essais))
                    if len(resultats) == 15:
                        quinze.set()

    fils = [threading.Thread(target=client_http) for _ in range(4)]
    try:
        for fil in fils:
            fil.start()
        assert quinze.wait(timeout=60)
        grappe.tuer("web-a")
        for fil in fils:
            fil.join(timeout=120)
        assert [s for s, _ in resultats] == [200] * 80
        assert sum(1 for _, e in resultats if e == 2) <= 4  # at most one in flight per client
        assert requests.get(f"{grappe.url_web('b')}/sante/", timeout=10).json()["statut"] == "ok"
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{grappe.url_web('a')}/sante/", timeout=10)
    finally:
        grappe.demarrer_web("a")
        readmettre_le_noeud(grappe, "a")


def readmettre_le_noeud(grappe: Grappe, noeud: str) -> None:
    """nginx sets a failed node aside for a few seconds: wait until it serves again."""
    acces = grappe.journaux / f"web-{noeud}-acces.log"
    taille = acces.stat().st_size if acces.exists() else 0
    fin = time.monotonic() + 30
    with requests.Session() as client:
        while not acces.exists() or acces.stat().st_size == taille:
            assert time.monotonic() < fin, f"nginx n'envoie plus rien au nœud {noeud}"
            client.get(f"{grappe.url_proxy}/sante/", timeout=10)
            time.sleep(0.2)


def test_un_worker_tue_pendant_un_pdf_le_travail_est_repris_et_fini(grappe, navigateurs):
    sortie = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from comptes.models import Utilisateur;"
            "from rapports.services import travail_demander;"
            "print(travail_demander(type='bilan_execution', parametres={'pause_test': 0.25},"
            " par=Utilisateur.objects.get(username='admin')).pk)",
        ],
        cwd=RACINE,
        env=grappe.environnement(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    travail = int(sortie.strip().splitlines()[-1])

    def etat():
        return sql(
            grappe.url_primaire,
            "SELECT etat, progression, tentatives FROM rapports_travail WHERE id = %s",
            travail,
        )[0]

    fin = time.monotonic() + 60
    while etat()[1] < 15:
        assert time.monotonic() < fin, etat()
        time.sleep(0.2)
    tue = time.monotonic()
    enfants = grappe.pids_du_pool("pdf")
    assert enfants
    for pid in enfants:  # the process building the PDF dies (out of memory, say)
        os.kill(pid, signal.SIGKILL)
    fin = time.monotonic() + 60
    while etat()[0] != "pret":
        assert time.monotonic() < fin, etat()
        time.sleep(0.3)
    # Delivered again at once (not after the broker's visibility timeout, an hour).
    assert time.monotonic() - tue < 60
    assert etat()[2] == 2
    assert (grappe.partage / "documents" / "rapports" / f"travail-{travail}.pdf").exists()
    administrateur = navigateurs(grappe.url_proxy, "admin")
    for noeud in ("a", "b"):  # the shared directory: either node serves the document
        reponse = administrateur.get(f"{grappe.url_web(noeud)}/rapports/{travail}/telecharger/")
        assert reponse.status_code == 200
        assert reponse.content.startswith(b"%PDF")


def test_la_replique_arretee_les_lectures_passent_par_la_base_principale(grappe, navigateurs):
    proxy = grappe.url_proxy
    assert requests.get(f"{proxy}/sante/", timeout=10).json()["replique"]["disponible"] is True
    grappe.arreter_replique()
    try:
        for chemin in ("/donnees/", "/api/v1/donnees/projets-programmes.json", "/"):
            for _ in range(4):  # both nodes, both gunicorn workers
                assert requests.get(f"{proxy}{chemin}", timeout=30).status_code == 200, chemin
        sante = requests.get(f"{proxy}/sante/", timeout=10)
        assert sante.status_code == 200
        assert sante.json()["statut"] == "degrade"
        assert sante.json()["replique"]["disponible"] is False
        page = navigateurs(proxy, "admin").get(f"{proxy}/sante/grappe/")
        assert "ne répond pas" in page.text
    finally:
        grappe.demarrer_replique()
    fin = time.monotonic() + 30
    while not requests.get(f"{proxy}/sante/", timeout=10).json()["replique"]["disponible"]:
        assert time.monotonic() < fin
        time.sleep(0.5)
