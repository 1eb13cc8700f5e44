from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from axes.selectors import arbre_programme, ascendants, contrat_courant, noeud_par_code
from projets.selectors import projets_du_noeud


@login_not_required
def programme(request):
    contrat = contrat_courant()
    return render(
        request,
        "axes/programme.html",
        {"contrat": contrat, "axes": arbre_programme(contrat=contrat)},
    )


@login_not_required
def noeud_detail(request, code: str):
    contrat = contrat_courant()
    noeud = noeud_par_code(contrat=contrat, code=code)
    return render(
        request,
        "axes/noeud.html",
        {
            "contrat": contrat,
            "noeud": noeud,
            "ascendants": ascendants(noeud),
            "enfants": list(noeud.enfants.order_by("position")),
            "projets": list(projets_du_noeud(noeud=noeud)),
        },
    )
