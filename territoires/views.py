"""The territory pages (public): region, département, EPCI, commune, special territory."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from projets.models import Projet
from socle.carte import carte_departements
from socle.montants import format_euros
from territoires import selectors
from territoires.referentiel import CREDIT, referentiel
from territoires.selectors import Bilan, Montants, Territoire

PAR_PAGE = 50
# Communes listed on a page before the others are grouped in one row (`?communes=toutes`).
COMMUNES_LISTEES = 30
PARAMETRES_DE_PAGE = {"page", "avec", "carte", "communes"}


def url_territoire(territoire: Territoire) -> str:
    if territoire.niveau == selectors.REGION:
        return reverse("territoires:region")
    return reverse(f"territoires:{territoire.niveau}", args=[territoire.code])


@dataclass
class SousTerritoire:
    nom: str
    url: str
    population: int | None
    montants: Montants

    @property
    def par_habitant(self) -> Decimal | None:
        if not self.population:
            return None
        return (self.montants.prevu / self.population).quantize(Decimal("0.01"))


def _sous_communes(bilan: Bilan, toutes: bool) -> list[SousTerritoire]:
    """The communes with money, largest first; past `COMMUNES_LISTEES`, the others in one row
    (so that the rows still add up to the total)."""
    ref = referentiel()
    codes = sorted(
        bilan.par_commune,
        key=lambda c: (-bilan.par_commune[c].prevu, -bilan.par_commune[c].programme, c),
    )
    lignes = [
        SousTerritoire(
            f"{ref.communes[c].nom} ({c})",
            reverse("territoires:commune", args=[c]),
            ref.communes[c].population,
            bilan.par_commune[c],
        )
        for c in (codes if toutes else codes[:COMMUNES_LISTEES])
    ]
    autres = codes[len(lignes) :]
    if autres:
        somme = Montants()
        for c in autres:
            somme = somme.plus(bilan.par_commune[c])
        lignes.append(
            SousTerritoire(
                f"Les {len(autres)} autres communes",
                "?communes=toutes#repartition",
                sum(ref.communes[c].population for c in autres),
                somme,
            )
        )
    return lignes


def _sous_territoires(bilan: Bilan, toutes: bool) -> tuple[list[SousTerritoire], str]:
    """The rows below a territory (they add up to its total with what it holds itself)."""
    t = bilan.territoire
    ref = referentiel()
    if t.niveau == selectors.REGION:
        return [
            SousTerritoire(
                f"{d.nom} ({d.code})",
                reverse("territoires:departement", args=[d.code]),
                d.population,
                bilan.par_departement.get(d.code, Montants()),
            )
            for d in ref.departements.values()
        ], "Département"
    if t.niveau in (selectors.DEPARTEMENT, selectors.EPCI, selectors.SPECIAL):
        return _sous_communes(bilan, toutes), "Commune"
    return [], ""


def _epcis(territoire: Territoire) -> list[tuple[str, str]]:
    """The intercommunalities with communes in a département (links)."""
    if territoire.niveau != selectors.DEPARTEMENT:
        return []
    return sorted(
        (e.nom, reverse("territoires:epci", args=[e.siren]))
        for e in referentiel().epcis.values()
        if territoire.code in e.departements
    )


def _parents(territoire: Territoire) -> list[dict[str, str]]:
    ref = referentiel()
    liens = [{"titre": "Territoires", "url": reverse("territoires:region")}]
    if territoire.niveau == selectors.COMMUNE:
        commune = ref.communes[territoire.code]
        dep = ref.departements[commune.departement]
        liens.append({"titre": dep.nom, "url": reverse("territoires:departement", args=[dep.code])})
        if commune.epci:
            liens.append(
                {
                    "titre": ref.epcis[commune.epci].nom,
                    "url": reverse("territoires:epci", args=[commune.epci]),
                }
            )
    return liens


def _dossiers(request, bilan: Bilan):
    # Already in order: largest planned amount first.
    page = Paginator(bilan.dossiers, PAR_PAGE).get_page(request.GET.get("page"))
    projets = Projet.objects.select_related("mesure").in_bulk([d.projet_id for d in page])
    return page, [(projets[d.projet_id], d) for d in page]


def _carte(bilan: Bilan, par_habitant: bool):
    ref = referentiel()
    if par_habitant:
        valeurs = {
            code: (bilan.par_departement.get(code, Montants()).prevu / d.population).quantize(
                Decimal("0.01")
            )
            for code, d in ref.departements.items()
        }
        titre = "Financements publics prévus par habitant, par département"
    else:
        valeurs = {
            code: bilan.par_departement.get(code, Montants()).prevu for code in ref.departements
        }
        titre = "Financements publics prévus, par département"
    return carte_departements(
        valeurs,
        titre=titre,
        url=lambda code: reverse("territoires:departement", args=[code]),
        formater=format_euros,
    )


def _comparaison(request, territoire: Territoire) -> Bilan | None:
    cle = request.GET.get("avec", "").strip()
    if not cle:
        return None
    try:
        autre = selectors.territoire_par_cle(cle)
    except Http404:
        return None
    if autre.cle == territoire.cle:
        return None
    return selectors.bilan(autre, utilisateur=request.user)


def _page(request, territoire: Territoire):
    """The page's body is the same for everyone of one audience: cached whole, with the
    figures, under the key of `selectors.cle_cache` and the page's parameters."""

    def rendre() -> str:
        contexte = _contexte(request, territoire)
        return render_to_string("territoires/_contenu.html", contexte, request)

    # Only the page's own parameters make a cache entry (no flood of odd addresses).
    if set(request.GET) <= PARAMETRES_DE_PAGE and len(request.GET.urlencode()) < 100:
        contenu, precedent = selectors.lire_ou_calculer(
            territoire,
            utilisateur=request.user,
            quoi="page:" + request.GET.urlencode(),
            calculer=rendre,
        )
    else:
        contenu, precedent = rendre(), False
    return render(
        request,
        "territoires/territoire.html",
        {
            "territoire": territoire,
            "contenu": mark_safe(contenu),  # noqa: S308 - the portal's own template, escaped
            "chiffres_precedents": precedent,
            "fil_ariane_liens": _parents(territoire)
            if territoire.niveau != selectors.REGION
            else [],
        },
    )


def _contexte(request, territoire: Territoire) -> dict:
    bilan = selectors.bilan(territoire, utilisateur=request.user)
    sous, entete_sous = _sous_territoires(bilan, request.GET.get("communes") == "toutes")
    page, dossiers = _dossiers(request, bilan)
    par_habitant = request.GET.get("carte") == "habitant"
    comparaison = _comparaison(request, territoire)
    return {
        "territoire": territoire,
        "bilan": bilan,
        "sous_territoires": sous,
        "entete_sous": entete_sous,
        "epcis": _epcis(territoire),
        "page": page,
        "dossiers": dossiers,
        "parametres": _parametres(request),
        "regles": selectors.regles(),
        "credit": CREDIT,
        "source": referentiel().source,
        "carte": _carte(bilan, par_habitant) if territoire.niveau == selectors.REGION else None,
        "carte_par_habitant": par_habitant,
        "comparaison": comparaison,
        "choix_comparaison": _choix_comparaison(territoire),
        "speciaux": selectors.territoires_speciaux()
        if territoire.niveau == selectors.REGION
        else [],
        "url_csv": reverse("territoires:donnees", args=[territoire.cle, "csv"]),
        "url_json": reverse("territoires:donnees", args=[territoire.cle, "json"]),
    }


def _parametres(request) -> str:
    copie = request.GET.copy()
    copie.pop("page", None)
    return copie.urlencode()


def _choix_comparaison(territoire: Territoire) -> list[tuple[str, str]]:
    """Territories offered for the side-by-side comparison: the region, the départements and
    the special territories (any other by its key in the address, e.g. `?avec=commune-59350`)."""
    ref = referentiel()
    choix = [(selectors.region().cle, f"Région {ref.region_nom}")]
    choix += [(f"departement-{d.code}", f"{d.nom} ({d.code})") for d in ref.departements.values()]
    choix += [(f"special-{t.code}", t.nom) for t in selectors.territoires_speciaux()]
    return [(cle, nom) for cle, nom in choix if cle != territoire.cle]


@login_not_required
def region(request):
    return _page(request, selectors.region())


@login_not_required
def departement(request, code: str):
    return _page(request, selectors.departement(code))


@login_not_required
def epci(request, siren: str):
    return _page(request, selectors.epci(siren))


@login_not_required
def commune(request, insee: str):
    return _page(request, selectors.commune(insee))


@login_not_required
def special(request, code: str):
    return _page(request, selectors.special(code))


@login_not_required
def recherche(request):
    """Go to a commune by its INSEE code or its name (the first match)."""
    q = request.GET.get("q", "").strip()
    ref = referentiel()
    if q.upper() in ref.communes:
        return redirect("territoires:commune", q.upper())
    nom = q.casefold()
    trouvees = sorted(
        (c for c in ref.communes.values() if nom and nom in c.nom.casefold()),
        key=lambda c: (c.nom.casefold() != nom, -c.population),
    )
    return render(
        request,
        "territoires/recherche.html",
        {
            "q": q,
            "communes": [(c, ref.departements[c.departement].nom) for c in trouvees[:PAR_PAGE]],
            "fil_ariane_liens": [{"titre": "Territoires", "url": reverse("territoires:region")}],
        },
    )
