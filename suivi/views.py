"""Pages of the execution follow-up: a signatory's budget forecast (its agents and the
secretariat), a programmed line's schedule (the porteur proposes it, the line's signatory's
agent adjusts it). Thin: the rules are `suivi.services`' and `suivi.permissions`'."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from financement.selectors import ligne_pour
from socle.exceptions import ActionNonAutorisee, RegleMetierError
from suivi.forms import EcheancierForm
from suivi.permissions import peut_modifier_echeancier
from suivi.selectors import (
    lignes_avec_echeancier,
    prevision_du_signataire,
    signataire_pour_prevision,
)
from suivi.services import echeancier_definir

ZERO = Decimal("0.00")


def _vers_formulaire(erreur: RegleMetierError, form: EcheancierForm) -> None:
    """A year's error goes next to that year's fields; a total's, under its column."""
    for champ, textes in erreur.erreurs.items():
        for texte in textes:
            annee = texte.split(" ", 1)[0]
            if champ == "montant" and f"ae_{annee}" in form.fields:
                form.add_error(f"ae_{annee}", texte)
            else:
                form.erreurs_totaux.setdefault(champ, []).append(texte)


def prevision(request, code):
    """Per budget year, what the signatory must commit and pay against its opened credits."""
    try:
        signataire = signataire_pour_prevision(utilisateur=request.user, code=code)
    except ActionNonAutorisee as erreur:
        raise PermissionDenied(erreur.message) from erreur
    annees = prevision_du_signataire(signataire=signataire)
    page = Paginator(lignes_avec_echeancier(signataire=signataire), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "suivi/prevision.html",
        {
            "signataire": signataire,
            "annees": annees,
            "total_ae": sum((a.besoin_ae for a in annees), ZERO),
            "total_cp": sum((a.besoin_cp for a in annees), ZERO),
            "page": page,
        },
    )


def echeancier(request, pk):
    """A programmed line's schedule: read by whoever sees the line, written by its porteur
    and its signatory's agents (or the secretariat)."""
    ligne = ligne_pour(utilisateur=request.user, pk=pk)
    peut_modifier = peut_modifier_echeancier(request.user, ligne)
    echeances = list(ligne.echeances.select_related("par").order_by("annee"))
    statut = 200
    if request.method == "POST":
        if not peut_modifier:
            raise PermissionDenied(
                "Seuls le porteur du dossier et les agents "
                f"{ligne.signataire.de_nom} modifient l'échéancier de cette ligne."
            )
        form = EcheancierForm(request.POST)
        if form.is_valid():
            try:
                echeancier_definir(ligne=ligne, echeances=form.echeances(), par=request.user)
            except ActionNonAutorisee as erreur:
                raise PermissionDenied(erreur.message) from erreur
            except RegleMetierError as erreur:
                _vers_formulaire(erreur, form)
            else:
                messages.success(request, "Échéancier enregistré.")
                return redirect("suivi:echeancier", pk=pk)
        statut = 400
    else:
        form = EcheancierForm(initial=EcheancierForm.initial_de(echeances))
    return render(
        request,
        "suivi/echeancier.html",
        {
            "ligne": ligne,
            "echeances": echeances,
            "form": form,
            "peut_modifier": peut_modifier,
            "total_ae": sum((e.montant_ae for e in echeances), ZERO),
            "total_cp": sum((e.montant_cp for e in echeances), ZERO),
        },
        status=statut,
    )
