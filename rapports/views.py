"""Pages of the reports: ask for a bilan, follow its build, download it.

A job is seen by its requester and by administrators only; anyone else gets a 404, the same
answer as for a job that does not exist.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from axes.selectors import contrat_courant
from projets.selectors import projet_pour
from rapports import services
from rapports.forms import DemandeBilanForm
from rapports.models import EtatTravail, TypeTravail
from rapports.selectors import travail_visible, travaux_de


@require_http_methods(["GET", "POST"])
def liste(request):
    """My jobs, and the form to ask for a new bilan."""
    contrat = contrat_courant()
    form = DemandeBilanForm(request.POST or None, contrat=contrat)
    if request.method == "POST" and form.is_valid():
        type_travail, parametres = form.demande()
        travail = services.travail_demander(
            type=type_travail, parametres=parametres, par=request.user
        )
        return redirect("rapports:travail", pk=travail.pk)
    return render(
        request,
        "rapports/liste.html",
        {"form": form, "travaux": list(travaux_de(utilisateur=request.user)[:50])},
    )


@require_POST
def fiche_projet(request, reference: str):
    """Ask for the « Fiche projet » PDF of a dossier the person may see (404 otherwise).

    A multi-page document: built by a job (craft P4), downloaded from the job page by the
    requester or an administrator only.
    """
    projet = projet_pour(utilisateur=request.user, reference=reference)
    travail = services.travail_demander(
        type=TypeTravail.FICHE_PROJET, parametres={"projet": projet.reference}, par=request.user
    )
    return redirect("rapports:travail", pk=travail.pk)


@require_POST
def proces_verbal(request, pk: int):
    """Ask for the minutes of a closed session as a PDF (a job, like every long document)."""
    try:
        travail = services.travail_demander(
            type=TypeTravail.PROCES_VERBAL, parametres={"seance": pk}, par=request.user
        )
    except services.DemandeInvalide as erreur:
        messages.error(request, str(erreur))
        return redirect("gouvernance:seance", pk=pk)
    return redirect("rapports:travail", pk=travail.pk)


@require_GET
def travail(request, pk: int):
    travail = travail_visible(utilisateur=request.user, pk=pk)
    return render(request, "rapports/travail.html", {"travail": travail})


@require_GET
def etat(request, pk: int):
    """The job's state in JSON, polled every second by the job page."""
    travail = travail_visible(utilisateur=request.user, pk=pk)
    return JsonResponse(
        {
            "etat": travail.etat,
            "libelle_etat": travail.get_etat_display(),
            "progression": travail.progression,
            "termine": travail.est_termine,
            "message_erreur": travail.message_erreur,
            "url_telechargement": (
                reverse("rapports:telecharger", args=[travail.pk])
                if travail.etat == EtatTravail.PRET
                else None
            ),
        },
        headers={"Cache-Control": "no-store"},
    )


@require_GET
def telecharger(request, pk: int):
    travail = travail_visible(utilisateur=request.user, pk=pk)
    if travail.etat != EtatTravail.PRET or not travail.fichier:
        raise Http404("Ce document n'est pas disponible.")
    try:
        fichier = travail.fichier.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Ce document n'est plus disponible.") from exc
    return FileResponse(
        fichier,
        as_attachment=True,
        filename=travail.parametres.get("nom_fichier", f"document-{travail.pk}.pdf"),
        content_type="application/pdf",
    )
