"""The side-by-side comparison of co-financing scenarios as a PDF for the negotiation meeting:
a small document, rendered in the request (no job), from the same computation as the page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from axes.models import Noeud
from comptes.models import Utilisateur
from rapports.pdf import document_pdf
from scenarios.exports import graphique
from scenarios.permissions import voit_les_scenarios
from scenarios.regles import est_ouvert
from scenarios.selectors import comparaison_demandee


@require_GET
def comparaison_pdf(request: HttpRequest, code: str) -> HttpResponse:
    if not isinstance(request.user, Utilisateur) or not voit_les_scenarios(request.user):
        raise Http404("Page introuvable.")
    noeud = get_object_or_404(Noeud, code=code)
    if not est_ouvert(noeud):
        raise Http404("Ce sous-axe ne se négocie pas par scénarios.")
    identifiants = [int(v) for v in request.GET.getlist("s") if v.isdigit()]
    c = comparaison_demandee(utilisateur=request.user, noeud=noeud, identifiants=identifiants)
    if c is None:
        raise Http404("Choisissez de deux à quatre scénarios.")
    contenu = document_pdf(
        gabarit="rapports/comparaison_scenarios.html",
        contexte={
            "noeud": noeud,
            "comparaison": c,
            "graphique": graphique(c),
            "genere_le": timezone.now(),
        },
    )
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = (
        f'attachment; filename="comparaison-scenarios-{slugify(noeud.code)}.pdf"'
    )
    return reponse
