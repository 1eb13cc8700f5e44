"""Write use-cases of the reports: ask for a document, build it, fail it, sweep stuck jobs.

A job moves en_attente → en_cours → pret | echec. Every move is a conditional UPDATE on the
row, so that two deliveries of the same Celery message (acks_late after a worker crash, a
re-queue by the sweep) never produce two files nor bring a finished job back to life.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import signature
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from axes.models import Signataire
from axes.selectors import contrat_courant
from comptes.models import Utilisateur
from gouvernance.permissions import voit_la_gouvernance
from gouvernance.selectors import contexte_proces_verbal, seance_pour
from gouvernance.workflow import est_close
from projets.selectors import projet_pour
from rapports.models import (
    EtatTravail,
    Travail,
    TypeTravail,
)
from rapports.pdf import document_pdf
from rapports.selectors import donnees_bilan, donnees_fiche_projet
from socle.notifications import notifier

logger = logging.getLogger(__name__)

# The parameters of a job as stored in its JSON column.
Parametres = dict[str, Any]

MESSAGE_INTERROMPU = "Le traitement a été interrompu ; relancez la demande."
MESSAGE_TROP_LONG = (
    "Le document a pris trop de temps à produire et le traitement a été arrêté ; "
    "relancez la demande ou contactez le secrétariat du CPER."
)
MESSAGE_INDISPONIBLE = (
    "Le service est momentanément indisponible ; relancez la demande dans quelques minutes."
)
MESSAGE_INATTENDU = (
    "Le document n'a pas pu être produit à cause d'une erreur inattendue. Le secrétariat du "
    "CPER en a été informé ; relancez la demande plus tard."
)


class DemandeInvalide(ValueError):
    """The parameters of a request do not name a document we can build."""


class DocumentIndisponible(Exception):
    """What the document is about can no longer be read by the requester (its message says
    why, in French, to the requester)."""


@dataclass(frozen=True)
class GenreDocument:
    """One kind of document a job can build: how to check a request, how to build the file.

    `valider(parametres, par)` returns the job's own parameters (or raises `DemandeInvalide`,
    or `Http404` for a dossier the person may not see); `construire(travail)` returns the
    bytes of the PDF and its download name. A new document (the minutes of a committee
    session, for instance) is one `TypeTravail` choice and one entry of `GENRES`.
    """

    valider: Callable[[Parametres, Utilisateur], Parametres]
    construire: Callable[[Travail], tuple[bytes, str]]


def _valider_bilan(parametres: Parametres, par: Utilisateur) -> Parametres:
    return {}


def _valider_bilan_signataire(parametres: Parametres, par: Utilisateur) -> Parametres:
    code = parametres.get("signataire")
    signataire = Signataire.objects.filter(contrat=contrat_courant(), code=code).first()
    if signataire is None:
        raise DemandeInvalide("Choisissez l'un des neuf signataires du contrat.")
    return {"signataire": signataire.code, "signataire_nom": signataire.nom}


def _valider_fiche_projet(parametres: Parametres, par: Utilisateur) -> Parametres:
    """Only a dossier the person may see (a porteur: its own organisation's); else 404."""
    projet = projet_pour(utilisateur=par, reference=str(parametres.get("projet", "")))
    titre = projet.titre if len(projet.titre) <= 80 else f"{projet.titre[:79]}…"
    return {"projet": projet.reference, "projet_libelle": f"{projet.reference} – {titre}"}


def _construire_bilan(travail: Travail) -> tuple[bytes, str]:
    parametres = travail.parametres
    with translation.override("fr"):
        donnees = donnees_bilan(
            contrat=contrat_courant(), signataire_code=parametres.get("signataire")
        )
        _progresser(travail.pk, 60)
        pdf = document_pdf(gabarit="rapports/bilan_execution.html", contexte={"bilan": donnees})
    date = timezone.localdate(donnees.genere_le).isoformat()
    suffixe = f"-{parametres['signataire']}" if parametres.get("signataire") else ""
    return pdf, f"bilan-execution-cper{suffixe}-{date}.pdf"


def _construire_fiche_projet(travail: Travail) -> tuple[bytes, str]:
    # Checked again at build time: the requester may have lost sight of the dossier meanwhile.
    try:
        projet = projet_pour(utilisateur=travail.demandeur, reference=travail.parametres["projet"])
    except Http404 as exc:
        raise DocumentIndisponible(
            "Ce dossier n'est plus accessible avec votre compte : la fiche n'a pas été produite."
        ) from exc
    with translation.override("fr"):
        donnees = donnees_fiche_projet(
            projet=projet, avec_instruction=voit_la_gouvernance(travail.demandeur)
        )
        _progresser(travail.pk, 60)
        pdf = document_pdf(gabarit="rapports/fiche_projet.html", contexte={"fiche": donnees})
    date = timezone.localdate(donnees.genere_le).isoformat()
    return pdf, f"fiche-projet-{projet.reference}-{date}.pdf"


def _valider_proces_verbal(parametres: Parametres, par: Utilisateur) -> Parametres:
    """A closed session the person may see; else 404."""
    seance = seance_pour(utilisateur=par, pk=int(parametres.get("seance") or 0))
    if not est_close(seance):
        raise DemandeInvalide("Le procès-verbal est établi à la clôture de la séance.")
    return {
        "seance": seance.pk,
        "seance_libelle": (
            f"{seance.comite.nom}, séance du {timezone.localtime(seance.date):%d/%m/%Y}"
        ),
    }


def _construire_proces_verbal(travail: Travail) -> tuple[bytes, str]:
    try:
        seance = seance_pour(utilisateur=travail.demandeur, pk=travail.parametres["seance"])
    except Http404 as exc:
        raise DocumentIndisponible(
            "Cette séance n'est plus accessible avec votre compte : le procès-verbal n'a pas été "
            "produit."
        ) from exc
    with translation.override("fr"):
        contexte = contexte_proces_verbal(seance=seance)
        _progresser(travail.pk, 60)
        pdf = document_pdf(
            gabarit="rapports/proces_verbal.html",
            contexte={**contexte, "genere_le": timezone.now()},
        )
    return pdf, f"proces-verbal-{seance.comite.code}-{timezone.localtime(seance.date):%Y-%m-%d}.pdf"


GENRES: dict[str, GenreDocument] = {
    TypeTravail.BILAN_EXECUTION: GenreDocument(_valider_bilan, _construire_bilan),
    TypeTravail.BILAN_SIGNATAIRE: GenreDocument(_valider_bilan_signataire, _construire_bilan),
    TypeTravail.FICHE_PROJET: GenreDocument(_valider_fiche_projet, _construire_fiche_projet),
    TypeTravail.PROCES_VERBAL: GenreDocument(_valider_proces_verbal, _construire_proces_verbal),
}


def _parametres_valides(*, type: str, parametres: Parametres, par: Utilisateur) -> Parametres:
    genre = GENRES.get(type)
    if genre is None:
        raise DemandeInvalide(f"Document inconnu : {type}")
    propres = genre.valider(parametres, par)
    pause = parametres.get("pause_test")
    if pause and settings.RAPPORTS_PAUSE_DE_TEST_AUTORISEE:
        propres["pause_test"] = float(pause)
    return propres


# The Celery task that builds a job, by name: `rapports.tasks` registers it under this name and
# imports this module, never the other way round.
TACHE_EXECUTER = "rapports.tasks.travail_executer_task"


def _planifier(travail: Travail) -> None:
    """Send the build task to the PDF queue once the row is committed (workers read it)."""
    tache = signature(TACHE_EXECUTER, args=[travail.pk], queue=settings.RAPPORTS_FILE_CELERY)
    transaction.on_commit(tache.apply_async)


@transaction.atomic
def travail_demander(*, type: str, parametres: Parametres, par: Utilisateur) -> Travail:
    """Record a request for a document and schedule its build after commit (issue 7)."""
    travail = Travail.objects.create(
        demandeur=par,
        type=type,
        parametres=_parametres_valides(type=type, parametres=parametres, par=par),
    )
    _planifier(travail)
    return travail


def _progresser(travail_id: int, progression: int) -> None:
    Travail.objects.filter(pk=travail_id, etat=EtatTravail.EN_COURS).update(progression=progression)


def _construire(travail: Travail) -> tuple[bytes, str]:
    """The bytes of the document and its download name."""
    pause = (
        travail.parametres.get("pause_test") if settings.RAPPORTS_PAUSE_DE_TEST_AUTORISEE else None
    )
    if pause:  # tests only: a slow job, to kill its worker in the middle
        for etape in range(10):
            time.sleep(pause)
            _progresser(travail.pk, 5 + etape * 5)
    return GENRES[travail.type].construire(travail)


def travail_executer(*, travail_id: int, task_id: str = "") -> Travail | None:
    """Build the document of a job, once. Called by the Celery task, possibly several times.

    A job already `pret` or `echec` is left alone. The file name is fixed by the job's id, so
    a second run replaces the file instead of adding one.
    """
    pris = Travail.objects.filter(
        pk=travail_id, etat__in=[EtatTravail.EN_ATTENTE, EtatTravail.EN_COURS]
    ).update(
        etat=EtatTravail.EN_COURS,
        progression=5,
        demarre_le=timezone.now(),
        tentatives=F("tentatives") + 1,
        celery_task_id=task_id,
    )
    if not pris:
        return None
    travail = Travail.objects.select_related("demandeur").get(pk=travail_id)
    pdf, nom = _construire(travail)
    _progresser(travail.pk, 90)

    with transaction.atomic():
        travail = Travail.objects.select_for_update().get(pk=travail_id)
        if travail.etat != EtatTravail.EN_COURS:  # the sweep gave up on it meanwhile
            return travail
        # Same name on every run: the storage would otherwise add a suffix and keep both.
        travail.fichier.storage.delete(f"rapports/travail-{travail.pk}.pdf")
        travail.fichier.save(f"travail-{travail.pk}.pdf", ContentFile(pdf), save=False)
        travail.etat = EtatTravail.PRET
        travail.progression = 100
        travail.termine_le = timezone.now()
        travail.message_erreur = ""
        travail.parametres = {**travail.parametres, "nom_fichier": nom}
        travail.save()
        _notifier_pret(travail)
    return travail


def _notifier_pret(travail: Travail) -> None:
    adresse = f"{settings.PORTAIL_URL}{reverse('rapports:travail', args=[travail.pk])}"
    notifier(
        destinataires=[travail.demandeur.email],
        sujet=f"Votre document est prêt : {travail.libelle}",
        gabarit="rapports/courriels/travail_pret",
        contexte={"travail": travail, "adresse": adresse},
    )


def travail_echouer(*, travail_id: int, message: str) -> None:
    """Mark a job failed with a message the requester reads; a finished job is left alone."""
    Travail.objects.filter(
        pk=travail_id, etat__in=[EtatTravail.EN_ATTENTE, EtatTravail.EN_COURS]
    ).update(etat=EtatTravail.ECHEC, message_erreur=message, termine_le=timezone.now())


def travaux_bloques_relancer(*, maintenant: datetime | None = None) -> tuple[int, int]:
    """Jobs `en_cours` for longer than the task's hard limit lost their worker.

    Each is re-queued once (`RAPPORTS_TENTATIVES_MAX` starts in all), then marked `echec` with
    « Le traitement a été interrompu ; relancez la demande. ». Returns (re-queued, failed).
    """
    maintenant = maintenant or timezone.now()
    limite = maintenant - timedelta(seconds=settings.RAPPORTS_DELAI_BLOCAGE)
    relances = echecs = 0
    with transaction.atomic():
        bloques = Travail.objects.select_for_update(skip_locked=True).filter(
            etat=EtatTravail.EN_COURS, demarre_le__lt=limite
        )
        for travail in bloques:
            if travail.tentatives < settings.RAPPORTS_TENTATIVES_MAX:
                travail.etat = EtatTravail.EN_ATTENTE
                travail.progression = 0
                travail.demarre_le = None
                travail.save(update_fields=["etat", "progression", "demarre_le"])
                _planifier(travail)
                relances += 1
            else:
                travail.etat = EtatTravail.ECHEC
                travail.message_erreur = MESSAGE_INTERROMPU
                travail.termine_le = maintenant
                travail.save(update_fields=["etat", "message_erreur", "termine_le"])
                echecs += 1
    if relances or echecs:
        logger.warning("Travaux bloqués : %s relancé(s), %s en échec", relances, echecs)
    return relances, echecs
