"""Health of the node for the proxy (`/sante/`, JSON) and the cluster's state for the
administrators (`/sante/grappe/`): database, broker, replica and its lag."""

import time
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from socle.routeurs import ALIAS_REPLIQUE, mesurer_replique


def _base() -> dict[str, Any]:
    debut = time.monotonic()
    try:
        with connections["default"].cursor() as curseur:
            curseur.execute("SELECT 1")
            curseur.fetchone()
    except DatabaseError:
        connections["default"].close()
        return {"ok": False, "message": "La base principale ne répond pas."}
    return {"ok": True, "duree_ms": round((time.monotonic() - debut) * 1000, 1)}


def _broker() -> dict[str, Any]:
    adresse = settings.CELERY_BROKER_URL
    if not adresse:
        return {"ok": True, "message": "Tâches exécutées dans le processus (mode intégré)."}
    if not adresse.startswith(("redis://", "rediss://")):
        return {"ok": True, "message": "Courtier non vérifié (autre que Redis)."}
    try:
        redis.Redis.from_url(adresse, socket_timeout=1, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return {"ok": False, "message": "Le courtier des tâches (Redis) ne répond pas."}
    return {"ok": True}


def _replique() -> dict[str, Any]:
    etat = mesurer_replique()
    return {
        "configuree": etat.configuree,
        "ok": etat.utilisable or not etat.configuree,
        "disponible": etat.disponible,
        "retard_secondes": None if etat.retard_secondes is None else round(etat.retard_secondes, 3),
        "retard_max_secondes": settings.REPLIQUE_RETARD_MAX,
        "message": etat.message,
    }


def etat_du_noeud() -> dict[str, Any]:
    base, broker, replique = _base(), _broker(), _replique()
    if not base["ok"] or not broker["ok"]:
        statut = "ko"
    elif not replique["ok"]:
        statut = "degrade"  # reads fall back to the primary: the node still serves
    else:
        statut = "ok"
    return {"statut": statut, "base": base, "broker": broker, "replique": replique}


@login_not_required
@never_cache
@require_safe
def sante(request: HttpRequest) -> JsonResponse:
    """200 while the node can serve (a replica down only degrades it), 503 otherwise."""
    etat = etat_du_noeud()
    return JsonResponse(
        etat,
        status=503 if etat["statut"] == "ko" else 200,
        json_dumps_params={"ensure_ascii": False},
    )


@never_cache
@require_safe
def etat_grappe(request: HttpRequest) -> HttpResponse:
    """The administrators' page: the state of this node, the replica's lag."""
    if not getattr(request.user, "est_administrateur", False):
        raise PermissionDenied
    etat = etat_du_noeud()
    replications = []
    if ALIAS_REPLIQUE in settings.DATABASES:
        try:
            with connections["default"].cursor() as curseur:
                curseur.execute(
                    "SELECT application_name, state, "
                    "EXTRACT(EPOCH FROM COALESCE(replay_lag, '0'::interval)) "
                    "FROM pg_stat_replication ORDER BY application_name"
                )
                replications = [
                    {"nom": nom, "etat": etat_flux, "retard": float(retard)}
                    for nom, etat_flux, retard in curseur.fetchall()
                ]
        except DatabaseError:
            connections["default"].close()
    return render(
        request,
        "socle/etat_grappe.html",
        {
            "etat": etat,
            "replications": replications,
            "delai_apres_ecriture": settings.REPLIQUE_DELAI_APRES_ECRITURE,
        },
    )
