"""Production settings: `check --deploy` is clean, and the web process has its database guard
rails (craft R3 and P6)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

RACINE = Path(__file__).resolve().parents[2]


def _url_base_de_test() -> str:
    reglages = connection.settings_dict
    utilisateur = reglages["USER"] or "postgres"
    if reglages["PASSWORD"]:
        utilisateur += f":{reglages['PASSWORD']}"
    hote = reglages["HOST"] or "127.0.0.1"
    return f"postgres://{utilisateur}@{hote}:{reglages['PORT'] or 5432}/{reglages['NAME']}"


def _environnement_de_production(**surcharges) -> dict[str, str]:
    env = {
        cle: valeur
        for cle, valeur in os.environ.items()
        if not cle.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "PG_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cper.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="cper.example.fr",
        DATABASE_URL=_url_base_de_test(),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("CPER_VAR_DIR", None)
    env.update(surcharges)
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.lent
@pytest.mark.django_db(transaction=True)
def test_check_deploy_est_propre_avec_les_reglages_de_production():
    # Committed data: the schema generator of drf-spectacular reads the contract's choices.
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RACINE,
        env=_environnement_de_production(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "System check identified no issues" in resultat.stdout


LIRE_REGLAGES = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({
    "hsts": s.SECURE_HSTS_SECONDS, "sous_domaines": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "preload": s.SECURE_HSTS_PRELOAD, "redirection": s.SECURE_SSL_REDIRECT,
    "session_secure": s.SESSION_COOKIE_SECURE, "session_httponly": s.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": s.CSRF_COOKIE_SECURE, "csrf_httponly": s.CSRF_COOKIE_HTTPONLY,
    "referrer": s.SECURE_REFERRER_POLICY, "cadres": s.X_FRAME_OPTIONS,
    "proxy": list(getattr(s, "SECURE_PROXY_SSL_HEADER", None) or []),
    "options": s.DATABASES["default"].get("OPTIONS", {}).get("options", ""),
    "health": s.DATABASES["default"]["CONN_HEALTH_CHECKS"],
}))
"""


def test_les_reglages_de_production_protegent_cookies_transport_et_cadres():
    import json

    resultat = _python(LIRE_REGLAGES, _environnement_de_production())
    assert resultat.returncode == 0, resultat.stderr
    r = json.loads(resultat.stdout)
    assert r["hsts"] >= 365 * 24 * 3600
    assert r["sous_domaines"] and r["preload"] and r["redirection"]
    assert r["session_secure"] and r["session_httponly"]
    assert r["csrf_secure"] and r["csrf_httponly"]
    assert r["referrer"] == "same-origin"
    assert r["cadres"] == "DENY"
    assert r["proxy"] == []
    assert "statement_timeout=10000" in r["options"] and "lock_timeout=5000" in r["options"]
    assert r["health"] is True


def test_preload_proxy_et_delais_se_reglent_par_l_environnement():
    import json

    env = _environnement_de_production(
        SECURE_HSTS_PRELOAD="0",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        PG_STATEMENT_TIMEOUT="600000",
        PG_LOCK_TIMEOUT="0",
    )
    resultat = _python(LIRE_REGLAGES, env)
    assert resultat.returncode == 0, resultat.stderr
    r = json.loads(resultat.stdout)
    assert r["preload"] is False
    assert r["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert "statement_timeout=600000" in r["options"] and "lock_timeout=0" in r["options"]


def test_une_connexion_web_a_ses_delais_postgresql():
    with connection.cursor() as curseur:
        curseur.execute("SHOW statement_timeout")
        assert curseur.fetchone()[0] == "10s"
        curseur.execute("SHOW lock_timeout")
        assert curseur.fetchone()[0] == "5s"


def test_la_base_embarquee_sqlite_n_a_pas_d_options_postgresql():
    import json

    env = _environnement_de_production(DATABASE_URL="sqlite:////tmp/cper-reglages.sqlite3")
    resultat = _python(LIRE_REGLAGES, env)
    assert resultat.returncode == 0, resultat.stderr
    assert json.loads(resultat.stdout)["options"] == ""


def test_les_reponses_portent_les_entetes_de_securite(client):
    reponse = client.get("/")
    politique = reponse["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ):
        assert directive in politique
    assert "'unsafe-inline'" not in politique
    trouve = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'", politique)
    assert trouve, politique
    nonce = trouve.group(1)
    # django-dsfr's start-up scripts carry the nonce of this response.
    assert f'nonce="{nonce}"' in reponse.content.decode()
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Referrer-Policy"] == "same-origin"
