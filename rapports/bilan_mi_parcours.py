"""The mid-term review pack as a PDF (issue 16): rendered in the request from the same
computation as its page (`suivi.mi_parcours.revue_mi_parcours`). The pack holds aggregates
(per signatory, per measure) and at most `DORMANTS_AFFICHES` dormant lines, so its size does
not grow with the number of dossiers; a job would need a new kind of `Travail` (a migration
of `rapports`), left for later."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from rapports.pdf import document_pdf
from suivi.mi_parcours import peut_voir_revue, revue_mi_parcours


@require_GET
def bilan_mi_parcours_pdf(request: HttpRequest) -> HttpResponse:
    if not peut_voir_revue(request.user):  # type: ignore[arg-type]
        raise PermissionDenied(
            "Le bilan à mi-parcours est réservé au secrétariat du CPER et aux agents des "
            "signataires."
        )
    try:
        le = date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else None
    except ValueError:
        le = None
    revue = revue_mi_parcours(le=le)
    contenu = document_pdf(
        gabarit="rapports/bilan_mi_parcours.html",
        contexte={"revue": revue, "genere_le": timezone.now()},
    )
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = (
        f'attachment; filename="bilan-mi-parcours-{revue.le:%Y-%m-%d}.pdf"'
    )
    return reponse
