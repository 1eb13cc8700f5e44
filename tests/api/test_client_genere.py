"""A Python client generated from our OpenAPI schema (openapi-python-client, pinned) builds
with no warning and calls the portal: a JSON list with a token, the open-data JSON, CSV and
XLSX files."""

import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from comptes.services import jeton_creer

CONFIGURATION = Path(__file__).with_name("openapi-python-client.yaml")


@pytest.fixture
def client_genere(client, tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(client.get("/api/schema/?format=json").json()))
    binaires = str(Path(sys.executable).parent)
    resultat = subprocess.run(
        [
            str(Path(binaires) / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "client_cper"),
            "--config",
            str(CONFIGURATION),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": binaires + os.pathsep + os.environ.get("PATH", "")},
        check=False,
    )
    sortie = resultat.stdout + resultat.stderr
    assert resultat.returncode == 0, sortie
    assert "WARNING" not in sortie, sortie
    sys.path.insert(0, str(tmp_path))
    yield "client_cper"
    sys.path.remove(str(tmp_path))
    for nom in [m for m in sys.modules if m.startswith("client_cper")]:
        del sys.modules[nom]


@pytest.mark.django_db(transaction=True)
def test_le_client_genere_appelle_chaque_type_d_operation(client_genere, live_server, agent):
    paquet = importlib.import_module(client_genere)
    api = f"{client_genere}.api"
    _, cle = jeton_creer(utilisateur=agent, nom="client généré")
    with paquet.AuthenticatedClient(base_url=live_server.url, token=cle) as connecte:
        projets = importlib.import_module(f"{api}.projets.projets_list")
        page = projets.sync(client=connecte, taille=5)
        assert page.count > 0 and len(page.results) == 5

    donnees = f"{api}.donnees_ouvertes"
    with paquet.Client(base_url=live_server.url) as public:
        xlsx = importlib.import_module(f"{donnees}.donnees_projets_programmes_xlsx_retrieve")
        fichier = xlsx.sync(client=public)
        classeur = load_workbook(io.BytesIO(fichier.payload.read()))
        assert classeur.active["A1"].value == "identifiant"
        csv = importlib.import_module(f"{donnees}.donnees_subventions_scdl_csv_retrieve")
        reponse = csv.sync_detailed(client=public)
        assert reponse.status_code == 200 and reponse.content.startswith(b"nomAttribuant,")
        json_ = importlib.import_module(f"{donnees}.donnees_projets_programmes_json_retrieve")
        assert json_.sync_detailed(client=public).status_code == 200
