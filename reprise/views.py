"""Pages of the import of the existing programming, for the CPER secretariat only (403 for
anyone else): the template, the export, the upload, the check's progress and report, the
application."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.models import Utilisateur
from reprise import gabarit, services
from reprise.forms import DepotImportForm
from reprise.models import ImportProgrammation
from reprise.permissions import peut_reprendre
from reprise.selectors import imports_recents, rangees_programmation
from socle.exceptions import RegleMetierError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERREURS_AFFICHEES = 500


def _secretariat(request: HttpRequest) -> Utilisateur:
    """The person, if the CPER secretariat; else 403, before anything is read or written."""
    utilisateur = request.user
    if not isinstance(utilisateur, Utilisateur) or not peut_reprendre(utilisateur):
        raise PermissionDenied("Seul le secrétariat du CPER importe la programmation existante.")
    return utilisateur


def _classeur(contenu: bytes, nom: str) -> HttpResponse:
    return HttpResponse(
        contenu,
        content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{nom}"'},
    )


@require_http_methods(["GET", "POST"])
def accueil(request: HttpRequest) -> HttpResponse:
    par = _secretariat(request)
    form = DepotImportForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        try:
            import_ = services.import_deposer(fichier=form.cleaned_data["fichier"], par=par)
        except RegleMetierError as erreur:
            for message in erreur.erreurs.get("fichier", [erreur.message]):
                form.add_error("fichier", message)
        else:
            return redirect("reprise:import", pk=import_.pk)
    return render(
        request, "reprise/accueil.html", {"form": form, "imports": list(imports_recents())}
    )


@require_GET
def modele(request: HttpRequest) -> HttpResponse:
    _secretariat(request)
    return _classeur(gabarit.classeur([]), "modele-reprise-programmation-cper.xlsx")


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    _secretariat(request)
    date = timezone.localdate().isoformat()
    return _classeur(gabarit.classeur(rangees_programmation()), f"programmation-cper-{date}.xlsx")


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _secretariat(request)
    import_ = get_object_or_404(
        ImportProgrammation.objects.select_related("depose_par", "applique_par"), pk=pk
    )
    return render(
        request,
        "reprise/import.html",
        {
            "import": import_,
            "erreurs": import_.erreurs[:ERREURS_AFFICHEES],
            "erreurs_masquees": max(0, len(import_.erreurs) - ERREURS_AFFICHEES),
            "totaux": [
                {
                    "signataire": total["signataire"],
                    **{cle: Decimal(total[cle]) for cle in ("programme", "engage", "paye")},
                }
                for total in import_.bilan.get("totaux") or []
            ],
        },
    )


@require_GET
def import_etat(request: HttpRequest, pk: int) -> JsonResponse:
    """The import's state in JSON, polled every second by its page while it works."""
    _secretariat(request)
    import_ = get_object_or_404(ImportProgrammation, pk=pk)
    return JsonResponse(
        {
            "etat": import_.etat,
            "libelle_etat": import_.get_etat_display(),
            "progression": import_.progression,
            "termine": not import_.est_en_travail,
        },
        headers={"Cache-Control": "no-store"},
    )


@require_POST
def import_appliquer(request: HttpRequest, pk: int) -> HttpResponse:
    par = _secretariat(request)
    import_ = get_object_or_404(ImportProgrammation, pk=pk)
    services.import_demander_application(import_=import_, par=par)
    return redirect("reprise:import", pk=import_.pk)
