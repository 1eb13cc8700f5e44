"""Property-based run of the API against its own published schema (schemathesis).

Every operation of /api/schema/ gets generated requests (path parameters, filters, bodies),
sent to the Django WSGI application with a personal token of an administrator (who may do
everything, so the most code runs) and of a porteur. No answer may be a 5xx, and every
answer must match the schema: content type and, for documented statuses, the body.
"""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.settings import api_settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from comptes.services import jeton_creer

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
