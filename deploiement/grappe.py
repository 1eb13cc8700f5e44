"""The portal as a cluster, on this machine's loopback only (issue 20, deploiement/README.md).

    python -m deploiement.grappe            # `make grappe`: starts, serves until Ctrl-C, stops

Starts, under one temporary directory: a PostgreSQL primary (its own cluster, `initdb`) and one
streaming replica (`pg_basebackup`), a Redis (broker and shared cache), two gunicorn web nodes,
two Celery workers (queues `celery` and `pdf`) and one beat, and nginx in front of the web
nodes. Every node shares the directory of uploads and generated documents. `arreter()` stops
everything in the reverse order and removes the directory: nothing is left running.

The tests (tests/deploiement/) drive the same class, and kill its parts.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
HOTE = "127.0.0.1"  # loopback only, never another address
NOM_BASE = "cper"
NOEUDS_WEB = ("a", "b")
# Worker name → its queues: the PDFs on their own worker, so a long document never delays
# the e-mails and the periodic tasks.
WORKERS = {"taches": "celery", "pdf": "pdf"}


def port_libre() -> int:
    with socket.socket() as s:
        s.bind((HOTE, 0))
        return int(s.getsockname()[1])


def binaire_postgres(nom: str) -> str:
    dossier = os.environ.get("PG_BINDIR")
    if dossier:
        return str(Path(dossier) / nom)
    candidats = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{nom}"), key=lambda c: int(c.split("/")[4])
    )
    if candidats:
        return candidats[-1]
    trouve = shutil.which(nom)
    if not trouve:
        raise RuntimeError(f"{nom} introuvable : installez PostgreSQL (paquet postgresql).")
    return trouve


def en_postgres(commande: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *commande]
    return commande


def enfants(pid: int) -> list[int]:
    """Direct children of a process (from /proc)."""
    trouves = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            texte = Path(stat).read_text()
        except OSError:
            continue
        champs = texte[texte.rfind(")") + 2 :].split()
        if int(champs[1]) == pid:
            trouves.append(int(stat.split("/")[2]))
    return trouves


@dataclass
class Ports:
    proxy: int = field(default_factory=port_libre)
    primaire: int = field(default_factory=port_libre)
    replique: int = field(default_factory=port_libre)
    redis: int = field(default_factory=port_libre)
    web: dict[str, int] = field(default_factory=lambda: {n: port_libre() for n in NOEUDS_WEB})


class Grappe:
    def __init__(
        self,
        *,
        reglages: str = "cper.settings",
        environnement: dict[str, str] | None = None,
        rapide: bool = False,
        statiques: bool = True,
    ) -> None:
        self.reglages = reglages
        self.rapide = rapide  # fsync off: for tests, never for data that matters
        self.statiques = statiques
        self.ports = Ports()
        self.dossier = Path(tempfile.mkdtemp(prefix="cper-grappe-"))
        self.dossier.chmod(0o755)  # the postgres OS user goes through it
        self.journaux = self.dossier / "journaux"
        self.partage = self.dossier / "partage"  # CPER_VAR_DIR of every node: documents
        for d in (self.journaux, self.partage, self.dossier / "sock", self.dossier / "nginx"):
            d.mkdir()
        self.processus: dict[str, subprocess.Popen[bytes]] = {}
        self.groupes: set[int] = set()  # process groups started, for `restants()`
        self.postmasters: set[int] = set()
        self.supplements = environnement or {}
        self.secret = secrets.token_urlsafe(40)
        self.donnees: dict[str, object] = {}  # what a scenario prepared (tests)

    # --- Addresses --------------------------------------------------------------------
    @property
    def url_primaire(self) -> str:
        return f"postgres://postgres@{HOTE}:{self.ports.primaire}/{NOM_BASE}"

    @property
    def url_replique(self) -> str:
        return f"postgres://postgres@{HOTE}:{self.ports.replique}/{NOM_BASE}"

    @property
    def url_proxy(self) -> str:
        return f"http://{HOTE}:{self.ports.proxy}"

    def url_web(self, noeud: str) -> str:
        return f"http://{HOTE}:{self.ports.web[noeud]}"

    def environnement(self) -> dict[str, str]:
        """The settings of every Django process of the cluster (README: « réglages par rôle »)."""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": self.reglages,
            "DATABASE_URL": self.url_primaire,
            "DATABASE_REPLICA_URL": self.url_replique,
            "CELERY_BROKER_URL": f"redis://{HOTE}:{self.ports.redis}/0",
            "CELERY_RESULT_BACKEND": f"redis://{HOTE}:{self.ports.redis}/0",
            "CACHE_URL": f"redis://{HOTE}:{self.ports.redis}/1",
            "CELERY_EAGER": "0",
            "CPER_VAR_DIR": str(self.partage),
            "SECRET_KEY": self.secret,
            "DEBUG": "0",
            "ALLOWED_HOSTS": f"{HOTE},localhost",
            # Plain HTTP on the loopback; in production TLS ends at the proxy (README).
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CONNEXION_PROXIES_DE_CONFIANCE": HOTE,
            "PORTAIL_URL": self.url_proxy,
            "PYTHONDONTWRITEBYTECODE": "1",
            **self.supplements,
        }

    # --- Start ------------------------------------------------------------------------
    def demarrer(self, *, copier_de: str | None = None, demo: bool = False) -> None:
        """Everything, in dependency order; `copier_de` (a PostgreSQL URL) copies an
        already-migrated base instead of migrating and loading the contract."""
        try:
            self._postgres_primaire()
            self._base(copier_de=copier_de, demo=demo)
            self._postgres_replique()
            self._redis()
            if self.statiques:
                self.manage("collectstatic", "--no-input", "-v", "0")
            for noeud in NOEUDS_WEB:
                self.demarrer_web(noeud)
            for nom in WORKERS:
                self.demarrer_worker(nom)
            self._beat()
            self._nginx()
            self.attendre_sante(self.url_proxy)
        except BaseException:
            self.arreter()
            raise

    def _lancer(self, nom: str, commande: list[str], **options: object) -> None:
        with (self.journaux / f"{nom}.log").open("ab") as sortie:
            self.processus[nom] = subprocess.Popen(  # noqa: S603 - our own commands
                commande,
                cwd=RACINE,
                env=self.environnement(),
                stdout=sortie,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed as a whole
                **options,  # type: ignore[call-overload]
            )
        self.groupes.add(self.processus[nom].pid)

    def _executer(self, commande: list[str], **options: object) -> None:
        subprocess.run(  # noqa: S603 - our own commands
            commande,
            check=True,
            cwd=RACINE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            **options,  # type: ignore[call-overload]
        )

    def manage(self, *arguments: str) -> None:
        self._executer([sys.executable, "manage.py", *arguments], env=self.environnement())

    def _postgres_conf(self, donnees: Path, port: int, nom: str) -> None:
        reglages = [
            f"port = {port}",
            f"listen_addresses = '{HOTE}'",
            f"unix_socket_directories = '{self.dossier / 'sock'}'",
            f"cluster_name = '{nom}'",
            "wal_level = replica",
            "max_wal_senders = 4",
            "hot_standby = on",
            "max_connections = 80",
            "shared_buffers = 32MB",
        ]
        if self.rapide:
            reglages += ["fsync = off", "full_page_writes = off"]
        with (donnees / "postgresql.conf").open("a") as conf:
            conf.write("\n# cper grappe\n" + "\n".join(reglages) + "\n")

    def _pg_ctl(self, donnees: Path, action: str) -> None:
        commande = [binaire_postgres("pg_ctl"), "-D", str(donnees), "-w", "-t", "60"]
        if action == "start":
            commande += ["-l", str(self.journaux / f"{donnees.name}.log")]
        else:
            commande += ["-m", "fast"]
        self._executer(en_postgres([*commande, action]))
        if action == "start":
            self.postmasters.add(int((donnees / "postmaster.pid").read_text().split()[0]))

    def _donnees_pg(self, nom: str) -> Path:
        donnees = self.dossier / nom
        donnees.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(donnees, "postgres", "postgres")
            shutil.chown(self.dossier / "sock", "postgres", "postgres")
            shutil.chown(self.journaux, "postgres")
        return donnees

    def _postgres_primaire(self) -> None:
        donnees = self._donnees_pg("pg-primaire")
        self._executer(
            en_postgres(
                [
                    binaire_postgres("initdb"), "-D", str(donnees), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
                ]
            )
        )  # fmt: skip
        # initdb's pg_hba.conf already trusts replication connections from 127.0.0.1.
        self._postgres_conf(donnees, self.ports.primaire, "primaire")
        self._pg_ctl(donnees, "start")

    def _base(self, *, copier_de: str | None, demo: bool) -> None:
        serveur = ["-h", HOTE, "-p", str(self.ports.primaire), "-U", "postgres"]
        self._executer([binaire_postgres("createdb"), *serveur, NOM_BASE])
        if copier_de:
            copie = subprocess.Popen(  # noqa: S603
                [binaire_postgres("pg_dump"), "--no-owner", "--no-privileges", copier_de],
                stdout=subprocess.PIPE,
            )
            self._executer(
                [binaire_postgres("psql"), "-q", "-v", "ON_ERROR_STOP=1", *serveur, NOM_BASE],
                stdin=copie.stdout,
            )
            if copie.stdout is not None:
                copie.stdout.close()
            if copie.wait() != 0:
                raise RuntimeError("La copie de la base a échoué (pg_dump).")
            return
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("charger_cper")
        if demo:
            self.manage("creer_comptes_demo")

    def _postgres_replique(self) -> None:
        donnees = self._donnees_pg("pg-replique")
        self._executer(
            en_postgres(
                [
                    binaire_postgres("pg_basebackup"), "-h", HOTE,
                    "-p", str(self.ports.primaire), "-U", "postgres", "-D", str(donnees),
                    "-X", "stream", "-R", "-c", "fast", "--no-sync",
                ]
            )
        )  # fmt: skip
        self._postgres_conf(donnees, self.ports.replique, "replique")
        self._pg_ctl(donnees, "start")

    def _redis(self) -> None:
        dossier = self.dossier / "redis"
        dossier.mkdir()
        self._lancer(
            "redis",
            [
                "redis-server", "--bind", HOTE, "--port", str(self.ports.redis),
                "--save", "", "--appendonly", "no", "--dir", str(dossier),
            ],
        )  # fmt: skip
        attendre(lambda: _repond(HOTE, self.ports.redis), "Redis")

    def demarrer_web(self, noeud: str) -> None:
        self._lancer(
            f"web-{noeud}",
            [
                sys.executable, "-m", "gunicorn", "cper.wsgi:application",
                "--bind", f"{HOTE}:{self.ports.web[noeud]}", "--workers", "2",
                "--timeout", "60", "--graceful-timeout", "10", "--name", f"cper-web-{noeud}",
                "--control-socket", str(self.dossier / f"gunicorn-{noeud}.ctl"),
                "--access-logfile", str(self.journaux / f"web-{noeud}-acces.log"),
            ],
        )  # fmt: skip
        self.attendre_sante(self.url_web(noeud))

    def demarrer_worker(self, nom: str) -> None:
        self._lancer(
            f"worker-{nom}",
            [
                sys.executable, "-m", "celery", "-A", "cper", "worker", "-Q", WORKERS[nom],
                "-n", f"{nom}@grappe", "--concurrency", "1", "--without-gossip",
                "--without-mingle", "--loglevel", "INFO",
            ],
        )  # fmt: skip

    def _beat(self) -> None:
        self._lancer(
            "beat",
            [
                sys.executable, "-m", "celery", "-A", "cper", "beat", "--loglevel", "INFO",
                "--schedule", str(self.dossier / "celerybeat-schedule"),
            ],
        )  # fmt: skip

    def _nginx(self) -> None:
        modele = (RACINE / "deploiement" / "nginx.conf.modele").read_text()
        statiques = ""
        if self.statiques:
            statiques = f"location /static/ {{ alias {RACINE / 'staticfiles'}/; expires 1h; }}"
        conf = modele.format(
            utilisateur="user root;" if os.geteuid() == 0 else "",
            dossier=self.dossier / "nginx",
            journaux=self.journaux,
            hote=HOTE,
            port=self.ports.proxy,
            noeuds="\n".join(
                f"        server {HOTE}:{p} max_fails=1 fail_timeout=5s;"
                for p in self.ports.web.values()
            ),
            statiques=statiques,
        )
        chemin = self.dossier / "nginx" / "nginx.conf"
        chemin.write_text(conf)
        self._lancer(
            "nginx",
            [
                "nginx", "-c", str(chemin), "-p", str(self.dossier / "nginx"),
                "-e", str(self.journaux / "nginx-erreurs.log"),
            ],
        )  # fmt: skip
        attendre(lambda: _repond(HOTE, self.ports.proxy), "nginx")

    def attendre_sante(self, base: str, delai: float = 60) -> None:
        def repond() -> bool:
            try:
                with urllib.request.urlopen(f"{base}/sante/", timeout=2) as reponse:  # noqa: S310
                    return bool(reponse.status == 200)
            except OSError:
                return False

        attendre(repond, f"{base}/sante/", delai)

    # --- Faults -----------------------------------------------------------------------
    def tuer(self, nom: str) -> None:
        """SIGKILL a whole process group (a node that dies, not one that stops)."""
        processus = self.processus[nom]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(processus.pid, signal.SIGKILL)
        processus.wait(timeout=10)

    def pids_du_pool(self, worker: str) -> list[int]:
        return enfants(self.processus[f"worker-{worker}"].pid)

    def arreter_replique(self) -> None:
        self._pg_ctl(self.dossier / "pg-replique", "stop")

    def demarrer_replique(self) -> None:
        self._pg_ctl(self.dossier / "pg-replique", "start")

    # --- Stop -------------------------------------------------------------------------
    def arreter(self, *, garder: bool = False) -> None:
        """Reverse order; every process ends (SIGTERM, then SIGKILL after 15 s)."""
        # The proxy first (no new request), then the nodes, workers and beat together (each
        # finishes what it holds), then Redis; PostgreSQL last.
        self._terminer([n for n in self.processus if n == "nginx"])
        self._terminer([n for n in self.processus if n != "redis"])
        self._terminer(list(self.processus))
        for donnees in (self.dossier / "pg-replique", self.dossier / "pg-primaire"):
            if (donnees / "postmaster.pid").exists():
                debut = time.monotonic()
                with contextlib.suppress(subprocess.CalledProcessError):
                    self._pg_ctl(donnees, "stop")
                if time.monotonic() - debut > 2:
                    print(f"Arrêt lent : {donnees.name} en {time.monotonic() - debut:.1f} s")
        if not garder:
            shutil.rmtree(self.dossier, ignore_errors=True)

    def restants(self) -> list[int]:
        """Processes of this cluster still alive (none after `arreter()`)."""
        vivants = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                texte = Path(stat).read_text()
            except OSError:
                continue
            pid = int(stat.split("/")[2])
            champs = texte[texte.rfind(")") + 2 :].split()
            if champs[0] != "Z" and (int(champs[2]) in self.groupes or pid in self.postmasters):
                vivants.append(pid)
        return vivants

    def _terminer(self, noms: list[str]) -> None:
        """SIGTERM to each process group, then SIGKILL to those still there after 15 s."""
        processus = [self.processus.pop(nom) for nom in noms]
        for p in processus:
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        fin = time.monotonic() + 15
        for p in processus:
            try:
                p.wait(timeout=max(0.1, fin - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)

    def journal(self, nom: str, fin: int = 3000) -> str:
        chemin = self.journaux / f"{nom}.log"
        return chemin.read_text(errors="replace")[-fin:] if chemin.exists() else ""


def _repond(hote: str, port: int) -> bool:
    try:
        with socket.create_connection((hote, port), timeout=1):
            return True
    except OSError:
        return False


def attendre(condition: object, quoi: str, delai: float = 60) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if callable(condition) and condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{quoi} ne répond pas après {delai:.0f} s.")


@contextlib.contextmanager
def grappe_demarree(**options: object) -> Iterator[Grappe]:
    grappe = Grappe(**options)  # type: ignore[arg-type]
    grappe.demarrer()
    try:
        yield grappe
    finally:
        grappe.arreter()


def main() -> None:
    grappe = Grappe(
        environnement={"COMPTES_DEMO_AUTORISES": "1"},
    )
    arret = False

    def demander_arret(signum: int, frame: object) -> None:
        nonlocal arret
        arret = True

    signal.signal(signal.SIGTERM, demander_arret)
    signal.signal(signal.SIGINT, demander_arret)
    print(f"Démarrage de la grappe sous {grappe.dossier} …", flush=True)
    grappe.demarrer(demo=True)
    p = grappe.ports
    print(
        f"Portail (nginx) : {grappe.url_proxy}/   santé : {grappe.url_proxy}/sante/\n"
        f"Nœuds web : {grappe.url_web('a')}  {grappe.url_web('b')}\n"
        f"PostgreSQL : primaire {HOTE}:{p.primaire}, réplique {HOTE}:{p.replique}   "
        f"Redis : {HOTE}:{p.redis}\n"
        f"Journaux : {grappe.journaux}\nCtrl-C pour tout arrêter.",
        flush=True,
    )
    try:
        while not arret:
            time.sleep(0.5)
    finally:
        print("Arrêt de la grappe …", flush=True)
        grappe.arreter()
        print("Grappe arrêtée : plus aucun processus.", flush=True)


if __name__ == "__main__":
    main()
