"""Property-based run of the API against its own published schema (schemathesis).

Every operation of /api/schema/ gets generated requests (path parameters, filters, bodies),
sent to the Django WSGI application with a personal token of an administrator (who may do
everything, so the most code runs) and of a porteur. No answer may be a 5xx, and every
answer must match the schema: content type and, for documented statuses, the body.
"""

import json
import re
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.settings import api_settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from comptes.services import jeton_creer
from financement.models import Engagement, JournalFinancier, Paiement
from financement.services import engagement_enregistrer
from gouvernance.models import Seance
from projets.models import Projet, TransitionProjet
from tests.factories.gouvernance import SeanceFactory

EXEMPLES_PAR_OPERATION = 12
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def application(monkeypatch):
    # As Django's test client does: the requests share the test's connection and transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "jeton", "100000/hour")
    monkeypatch.setattr(
        "comptes.authentification.JetonThrottle.THROTTLE_RATES",
        api_settings.DEFAULT_THROTTLE_RATES,
    )
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.lent
@pytest.mark.parametrize("role", ["administrateur", "porteur"])
def test_aucune_reponse_5xx_ni_contraire_au_schema(
    role, application, request, projet_programme, projet_brouillon
):
    utilisateur = request.getfixturevalue(role)
    _, cle = jeton_creer(utilisateur=utilisateur, nom="schemathesis")
    schema = openapi.from_wsgi("/api/schema/?format=json", application)
    entetes = {"Authorization": f"Bearer {cle}"}
    compte = {"exemples": 0, "operations": 0}
    for resultat in schema.get_all_operations():
        operation = resultat.ok()
        compte["operations"] += 1

        @settings(
            max_examples=EXEMPLES_PAR_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def verifier(case):
            compte["exemples"] += 1
            reponse = case.call(headers=entetes)
            case.validate_response(reponse, checks=CHECKS, headers=entetes)

        verifier()
    print(compte)
    assert compte["operations"] >= 30


# --- Hostile input on every write ---------------------------------------------------------------
# Every POST, PUT and PATCH of the published schema gets bodies built from its request schema,
# each field drawn from what an outside client may send: control characters, 10 000 characters,
# JSON nested 1 000 levels deep, digits that are not ASCII (Arabic-Indic, fullwidth,
# superscripts, mathematical), `1e3`, NaN and Infinity (as strings and as bare JSON tokens),
# huge integers. No answer may be a 5xx; every answer is JSON; a refusal writes nothing.

PROFOND = "__profond__"  # replaced by a 1 000-level nested array in the JSON text
NIVEAUX = 1000
CONTROLES = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u202e\ufeff"
CHIFFRES_ETRANGES = "١٢٣٤٥٦٧٨٩٠۱۲۳１２３４５６⁰¹²³⁴𝟙𝟚𝟛߁߂"
HOSTILES = [
    "\x1b[31mrouge\x1b[0m",
    "a\x00b",
    "ligne\u2028séparée",
    "x" * 10_000,
    "é" * 10_000,
    "١٠٠٠",
    "١٬٠٠٠٫٥٠",
    "１０００",
    "²³",
    "𝟙𝟘𝟘𝟘",
    "1e3",
    "1E+3",
    "0x10",
    "NaN",
    "Infinity",
    "-Infinity",
    float("nan"),
    float("inf"),
    10**40,
    -(10**40),
    2**63,
    1e308,
    "9" * 400,
    "-1",
    "1.005",
    "0001-01-01",
    "2026-02-30",
    "2026-06-01",
    "2026-06-01T10:00:00Z",
    "1000.00",
    "",
    " ",
    None,
    True,
    [],
    {},
    [PROFOND],
    PROFOND,
    {"a": PROFOND},
]
VALEUR_HOSTILE = st.one_of(
    st.sampled_from(HOSTILES),
    st.text(alphabet=CONTROLES + CHIFFRES_ETRANGES + "0123456789.,-e ", max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30),
)
EXEMPLES_HOSTILES = 10
TABLES_DU_REGISTRE = [Projet, TransitionProjet, Engagement, Paiement, JournalFinancier, Seance]


def _json(corps) -> str:
    profond = "[" * NIVEAUX + "]" * NIVEAUX
    return json.dumps(corps, ensure_ascii=False).replace(f'"{PROFOND}"', profond)


def _resoudre(schema: dict, noeud: dict) -> dict:
    while "$ref" in noeud:
        noeud = schema["components"]["schemas"][noeud["$ref"].rsplit("/", 1)[-1]]
    return noeud


def _ecritures(schema: dict):
    """(method, path template, path parameters, writable properties) of each write."""
    for chemin, operations in schema["paths"].items():
        for methode, operation in operations.items():
            if methode not in ("post", "put", "patch"):
                continue
            contenus = operation.get("requestBody", {}).get("content", {})
            corps = next(iter(contenus.values()), {}).get("schema", {})
            proprietes = _resoudre(schema, corps).get("properties", {})
            ecrites = [nom for nom, p in proprietes.items() if not p.get("readOnly")]
            parametres = {
                p["name"]: p.get("schema", {}).get("enum")
                for p in operation.get("parameters", [])
                if p.get("in") == "path"
            }
            yield methode, chemin, parametres, ecrites


def _empreinte() -> list[int]:
    return [modele.objects.count() for modele in TABLES_DU_REGISTRE]


def _envoyer_des_corps_hostiles(client, compte, methode, chemin, valeurs_de_chemin, corps):
    @settings(
        max_examples=EXEMPLES_HOSTILES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(chemin_=st.fixed_dictionaries(valeurs_de_chemin), corps=corps)
    def verifier(chemin_, corps):
        adresse = chemin.format(**{k: quote(str(v), safe="") for k, v in chemin_.items()})
        avant = _empreinte()
        reponse = client.generic(
            methode.upper(), adresse, _json(corps), content_type="application/json"
        )
        compte["requetes"] += 1
        compte[reponse.status_code] = compte.get(reponse.status_code, 0) + 1
        assert reponse.status_code < 500, (methode, adresse, reponse.content[:300])
        assert reponse["Content-Type"].startswith("application/json"), (methode, adresse)
        json.loads(reponse.content)
        if reponse.status_code >= 400:
            compte["refus"] += 1
            assert _empreinte() == avant, (methode, adresse, reponse.content[:300])

    verifier()


@pytest.mark.lent
@pytest.mark.parametrize("role", ["administrateur", "agent"])
def test_chaque_ecriture_refuse_les_saisies_hostiles_sans_5xx_ni_ecriture(
    role, application, request, projet_programme, projet_brouillon, ligne_region
):
    utilisateur = request.getfixturevalue(role)
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=request.getfixturevalue("agent"),
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-PROP",
        montant=Decimal("1000.00"),
        annee_budgetaire=2026,
    )
    _, cle = jeton_creer(utilisateur=utilisateur, nom="hostile")
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {cle}")
    schema = client.get("/api/schema/?format=json").json()
    # The object each path names (the bodies are what is hostile here; absent objects and odd
    # path values are the schemathesis run's).
    plausibles = {
        "lignes": ligne_region.pk,
        "engagements": engagement.pk,
        "projets": projet_programme.reference,
        "seances": SeanceFactory().pk,
    }
    ecritures = list(_ecritures(schema))
    assert len(ecritures) >= 25
    compte = {"requetes": 0, "refus": 0}

    for methode, chemin, parametres, proprietes in ecritures:
        segments = chemin.strip("/").split("/")
        valeurs_de_chemin = {}
        for nom, enum in parametres.items():
            avant = segments[segments.index(f"{{{nom}}}") - 1]
            valeurs_de_chemin[nom] = (
                st.sampled_from(enum) if enum else st.just(plausibles.get(avant, 1))
            )
        corps = st.one_of(
            st.sampled_from(
                [
                    PROFOND,
                    [PROFOND],
                    dict.fromkeys(proprietes, PROFOND),
                    dict.fromkeys(proprietes, "x" * 10_000),
                    dict.fromkeys(proprietes, "\x1b[31m١٠٠٠"),
                    dict.fromkeys(proprietes, float("nan")),
                    10**40,
                ]
            ),
            st.fixed_dictionaries({}, optional=dict.fromkeys(proprietes, VALEUR_HOSTILE)),
        )
        _envoyer_des_corps_hostiles(client, compte, methode, chemin, valeurs_de_chemin, corps)
    print(compte)
    assert compte.get(400, 0) > compte["requetes"] / 4  # most reach the validation


# --- The same on the main web forms -------------------------------------------------------------
TEXTES_HOSTILES = [v for v in HOSTILES if isinstance(v, str) and v != PROFOND] + ["[" * NIVEAUX]
CHAMP = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _champs(page: str) -> list[str]:
    return sorted({nom for nom in CHAMP.findall(page) if nom != "csrfmiddlewaretoken"})


@pytest.mark.lent
@pytest.mark.parametrize(
    ("role", "page", "envoi"),
    [
        ("porteur", "projets:creer", "projets:creer"),
        ("agent", "financement:ligne", "financement:engager"),
    ],
)
def test_les_formulaires_refusent_les_saisies_hostiles_sans_500(
    role, page, envoi, request, client, ligne_region
):
    client.raise_request_exception = False
    client.force_login(request.getfixturevalue(role))
    arguments = [ligne_region.pk] if page.startswith("financement") else []
    champs = _champs(client.get(reverse(page, args=arguments)).content.decode())
    assert len(champs) >= 5
    valeurs = st.sampled_from(TEXTES_HOSTILES) | st.text(
        alphabet=CONTROLES + CHIFFRES_ETRANGES + "0123456789,.", max_size=20
    )

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(donnees=st.fixed_dictionaries({}, optional=dict.fromkeys(champs, valeurs)))
    def verifier(donnees):
        avant = _empreinte()
        reponse = client.post(reverse(envoi, args=arguments), donnees)
        assert reponse.status_code < 500, (envoi, reponse.content[:300])
        if reponse.status_code != 302:  # refused: the page again, with its errors
            assert reponse.status_code in (200, 400), (envoi, reponse.status_code)
            assert _empreinte() == avant

    verifier()
