"""Two transactions that lock the same rows in the opposite order: PostgreSQL aborts one of
them. A use-case under `socle.transactions.atomique` is run again and both succeed; elsewhere
the person gets a French 409, never a 500, and nothing of the aborted one is written."""

import threading

import pytest
from django.db import OperationalError, connections, transaction
from django.test import RequestFactory

from comptes.models import Organisation
from socle.api import exception_handler
from socle.middleware import RegleMetierMiddleware
from socle.transactions import (
    MESSAGE_OPERATIONS_SIMULTANEES,
    OperationsSimultanees,
    atomique,
    est_conflit_concurrent,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lent]


def _croiser(executer_a, executer_b):
    """Run both in their own thread and connection; return what each gave (or raised)."""
    resultats = {}

    def fil(nom, fonction):
        try:
            resultats[nom] = fonction()
        except Exception as erreur:
            resultats[nom] = erreur
        finally:
            connections.close_all()

    fils = [
        threading.Thread(target=fil, args=("a", executer_a)),
        threading.Thread(target=fil, args=("b", executer_b)),
    ]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=60)
    return resultats


def _deux_lignes():
    premiere = Organisation.objects.create(nom="Première")
    seconde = Organisation.objects.create(nom="Seconde")
    return premiere.pk, seconde.pk


def _noms(*pks):
    return set(Organisation.objects.filter(pk__in=pks).values_list("nom", flat=True))


def _ecrire_dans_l_ordre(premier, second, nom, rendez_vous, essais):
    """Lock `premier`, wait for the other thread (first try only), then write `second`."""
    essais[nom] = essais.get(nom, 0) + 1
    Organisation.objects.select_for_update().get(pk=premier)
    if essais[nom] == 1:
        rendez_vous.wait(timeout=10)
    Organisation.objects.filter(pk=second).update(nom=f"{second} écrit par {nom}")
    Organisation.objects.filter(pk=premier).update(nom=f"{premier} écrit par {nom}")
    return nom


def test_sans_reprise_l_une_des_deux_transactions_croisees_est_interrompue():
    premiere, seconde = _deux_lignes()
    rendez_vous, essais = threading.Barrier(2), {}

    def a():
        with transaction.atomic():
            return _ecrire_dans_l_ordre(premiere, seconde, "a", rendez_vous, essais)

    def b():
        with transaction.atomic():
            return _ecrire_dans_l_ordre(seconde, premiere, "b", rendez_vous, essais)

    resultats = _croiser(a, b)
    interrompues = [r for r in resultats.values() if isinstance(r, OperationalError)]
    assert len(interrompues) == 1 and est_conflit_concurrent(interrompues[0])
    gagnante = next(r for r in resultats.values() if isinstance(r, str))
    # Nothing of the aborted one is written: both rows carry the survivor's name.
    assert _noms(premiere, seconde) == {
        f"{premiere} écrit par {gagnante}",
        f"{seconde} écrit par {gagnante}",
    }

    # The API and the pages answer it as a French 409.
    reponse = exception_handler(interrompues[0], {})
    assert reponse.status_code == 409
    assert reponse.data["detail"] == MESSAGE_OPERATIONS_SIMULTANEES
    page = RegleMetierMiddleware(lambda r: None).process_exception(
        RequestFactory().post("/financement/"), interrompues[0]
    )
    assert page.status_code == 409
    assert "Réessayez dans un instant" in page.content.decode()


def test_un_cas_d_usage_atomique_est_rejoue_et_les_deux_aboutissent():
    premiere, seconde = _deux_lignes()
    rendez_vous, essais = threading.Barrier(2), {}

    @atomique
    def a():
        return _ecrire_dans_l_ordre(premiere, seconde, "a", rendez_vous, essais)

    @atomique
    def b():
        return _ecrire_dans_l_ordre(seconde, premiere, "b", rendez_vous, essais)

    resultats = _croiser(a, b)
    assert resultats == {"a": "a", "b": "b"}
    assert sorted(essais.values()) == [1, 2]  # the aborted one ran once more
    rejouee = next(nom for nom, n in essais.items() if n == 2)
    # The one run again wrote last, over the other's committed rows.
    assert _noms(premiere, seconde) == {
        f"{premiere} écrit par {rejouee}",
        f"{seconde} écrit par {rejouee}",
    }


def test_apres_le_dernier_essai_le_refus_est_un_409_en_francais():
    class Interblocage(Exception):
        pgcode = "40P01"

    essais = []

    @atomique
    def toujours_interrompue():
        essais.append(1)
        Organisation.objects.create(nom=f"essai {len(essais)}")
        raise OperationalError("deadlock detected") from Interblocage()

    with pytest.raises(OperationsSimultanees) as refus:
        toujours_interrompue()
    assert refus.value.statut_http == 409 and len(essais) == 3
    assert not Organisation.objects.filter(nom__startswith="essai").exists()


def test_un_verrou_attendu_trop_longtemps_est_un_409_en_francais():
    premiere, _ = _deux_lignes()
    tenu, relache = threading.Event(), threading.Event()

    def tenir():
        with transaction.atomic():
            Organisation.objects.select_for_update().get(pk=premiere)
            tenu.set()
            relache.wait(timeout=10)
        return "tenu"

    def attendre():
        tenu.wait(timeout=10)
        try:
            with transaction.atomic(), connections["default"].cursor() as curseur:
                curseur.execute("SET LOCAL lock_timeout = '200ms'")
                Organisation.objects.select_for_update().get(pk=premiere)
        finally:
            relache.set()

    resultats = _croiser(tenir, attendre)
    assert resultats["a"] == "tenu"
    erreur = resultats["b"]
    assert isinstance(erreur, OperationalError) and est_conflit_concurrent(erreur)
    reponse = exception_handler(erreur, {})
    assert reponse.status_code == 409
    assert reponse.data["detail"] == MESSAGE_OPERATIONS_SIMULTANEES
