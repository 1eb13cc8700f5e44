from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from axes.models import Departement
from axes.selectors import arbre_programme, ascendants, contrat_courant, noeud_par_code
from financement.selectors import tableau_enveloppes
from projets.selectors import (
    operations_inscrites_par_departement,
    projets_du_departement,
    projets_du_noeud,
)
from socle.carte import carte_departements
from socle.graphiques import Serie, barres_horizontales
from socle.montants import format_nombre
from tableau_de_bord.selectors import tableau_de_bord as construire_tableau_de_bord


def nombre_operations(valeur: Decimal) -> str:
    return f"{format_nombre(valeur, 0)} opération{'s' if valeur > 1 else ''}"


@login_not_required
def accueil(request):
    """Home: the programme in one screen, the nine envelopes of Article 2 and their total, the
    operations the contract names on a map of the five départements."""
    contrat = contrat_courant()
    lignes, total = tableau_enveloppes(contrat=contrat)
    axes = arbre_programme(contrat=contrat)
    # Each zone leads to its département's territory page (all the money on it).
    carte = carte_departements(
        operations_inscrites_par_departement(contrat=contrat),
        titre="Opérations inscrites au contrat, par département",
        url=lambda code: reverse("territoires:departement", args=[code]),
        formater=nombre_operations,
        entiers=True,
    )
    graphique = barres_horizontales(
        [(ligne.signataire.nom, [ligne.montant]) for ligne in lignes],
        series=[Serie("Enveloppe", "enveloppe")],
        titre="Enveloppe de chaque signataire "
        + ("(en vigueur, article 2 modifié par avenant)" if lignes.avenants else "(article 2)"),
        description=(
            "Barres horizontales à la même échelle, en millions d’euros. Les montants exacts "
            "figurent dans le tableau « Enveloppes des signataires (article 2) » qui suit."
        ),
    )
    return render(
        request,
        "accueil.html",
        {
            "contrat": contrat,
            "lignes": lignes,
            "total": total,
            "axes": axes,
            "carte": carte,
            "graphique": graphique,
        },
    )


def tableau_de_bord(request):
    """The page each role lands on after logging in: what waits for it."""
    contrat = contrat_courant()
    tableau = construire_tableau_de_bord(utilisateur=request.user, contrat=contrat)
    return render(request, "tableau_de_bord.html", {"tableau": tableau, "contrat": contrat})


@login_not_required
def programme(request):
    """The programme tree of the contract (public)."""
    contrat = contrat_courant()
    return render(
        request,
        "axes/programme.html",
        {"contrat": contrat, "axes": arbre_programme(contrat=contrat)},
    )


@login_not_required
def noeud_detail(request, code: str):
    """One node of the programme: its sub-measures, operations and dossiers (public)."""
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
            "projets": list(projets_du_noeud(noeud=noeud, utilisateur=request.user)),
        },
    )


@login_not_required
def departement(request, code: str):
    """The operations and dossiers on one département (public): where each map zone leads."""
    departement = get_object_or_404(Departement, code_insee=code)
    projets = projets_du_departement(code_insee=code, utilisateur=request.user)
    page = Paginator(projets, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "axes/departement.html",
        {"departement": departement, "page": page, "projets": page.object_list},
    )
