"""The issue's file sizes: 2 000 generated rows, the report exact with 20 errors of ten kinds, a
valid file applied twice (the second changes nothing), the ledger equal to the file's sums.

Marked `lent`: it takes about a minute. The durations of the check and of the application are
printed (run with `-s`), not asserted (the bench measures speed, tests assert behaviour)."""

import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from financement.models import Enveloppe
from reprise import services
from reprise.models import EtatImport
from tests.reprise.fabrique import generer, planter_erreurs
from tests.reprise.test_import import XLSX, empreinte_du_registre

pytestmark = pytest.mark.lent


def _cpu_postgres() -> float:
    """CPU seconds used so far by this test's PostgreSQL backend (the server is local)."""
    with connection.cursor() as curseur:
        curseur.execute("SELECT pg_backend_pid()")
        pid = curseur.fetchone()[0]
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")


def _mesure(etiquette: str, debut: float, cpu: float, cpu_pg: float) -> None:
    print(
        f"{etiquette} : {time.monotonic() - debut:.1f} s écoulées ; "
        f"CPU {time.process_time() - cpu:.1f} s "
        f"(Python) + {_cpu_postgres() - cpu_pg:.1f} s (PostgreSQL) ; charge "
        f"{os.getloadavg()[0]:.1f} sur {os.cpu_count()} cœurs"
    )


def _verifier(contenu: bytes, par, capture):
    debut = time.monotonic()
    with capture(execute=True):
        import_ = services.import_deposer(
            fichier=SimpleUploadedFile("p.xlsx", contenu, XLSX), par=par
        )
    import_.refresh_from_db()
    return import_, time.monotonic() - debut


def _appliquer(import_, par, capture):
    debut = time.monotonic()
    with capture(execute=True):
        services.import_demander_application(import_=import_, par=par)
    import_.refresh_from_db()
    return import_, time.monotonic() - debut


def test_deux_mille_lignes(administrateur, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    avec_erreurs = generer(2000)
    attendu = planter_erreurs(avec_erreurs)
    import_, duree = _verifier(avec_erreurs.contenu(), administrateur, capture)
    assert import_.nombre_lignes == 2000
    assert import_.erreurs == attendu
    print(f"\nVérification de 2 000 lignes avec 20 erreurs : {duree:.1f} s")

    fichier = generer(2000, prefixe="VOL")
    avant = {e.signataire.code: e for e in Enveloppe.objects.select_related("signataire")}
    import_, duree = _verifier(fichier.contenu(), administrateur, capture)
    assert import_.etat == EtatImport.VALIDE, import_.erreurs[:3]
    print(f"Vérification de 2 000 lignes valides : {duree:.1f} s")
    debut, cpu, cpu_pg = time.monotonic(), time.process_time(), _cpu_postgres()
    import_, duree = _appliquer(import_, administrateur, capture)
    assert import_.etat == EtatImport.APPLIQUE, import_.message_erreur
    _mesure("Application de 2 000 lignes (500 dossiers)", debut, cpu, cpu_pg)
    for code in ("region", "etat"):
        apres = Enveloppe.objects.get(signataire__code=code)
        assert apres.montant_programme - avant[code].montant_programme == fichier.programme[code]
        assert apres.montant_engage - avant[code].montant_engage == fichier.engage[code]
        assert apres.montant_paye - avant[code].montant_paye == fichier.paye[code]

    registre = empreinte_du_registre()
    second, duree = _verifier(fichier.contenu(), administrateur, capture)
    assert second.bilan["dossiers_a_creer"] == 0
    second, duree_application = _appliquer(second, administrateur, capture)
    assert second.etat == EtatImport.APPLIQUE
    assert empreinte_du_registre() == registre
    print(f"Second dépôt : vérification {duree:.1f} s, application {duree_application:.1f} s")
