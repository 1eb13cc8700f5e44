from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from axes.selectors import arbre_programme, contrat_courant
from financement.selectors import tableau_enveloppes


@login_not_required
def accueil(request):
    """Home: the programme in one screen, the nine envelopes of Article 2 and their total."""
    contrat = contrat_courant()
    lignes, total = tableau_enveloppes(contrat=contrat)
    axes = arbre_programme(contrat=contrat)
    return render(
        request,
        "accueil.html",
        {"contrat": contrat, "lignes": lignes, "total": total, "axes": axes},
    )
