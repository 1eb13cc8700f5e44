"""Pages of the co-financing scenarios (thin: services write, `calculs` computes)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from axes.models import Noeud, Signataire
from comptes.models import Utilisateur
from scenarios import exports
from scenarios.calculs import MAX_COMPARES, MIN_COMPARES, bilan
from scenarios.calculs import scenario_charge as charger
from scenarios.forms import AdoptionForm, CandidateForm, PositionForm, ScenarioForm
from scenarios.models import Scenario
from scenarios.permissions import (
    peut_enregistrer_candidate,
    peut_gerer_scenarios,
    peut_prendre_position,
    signataire_de,
    voit_les_scenarios,
)
from scenarios.regles import est_ouvert
from scenarios.selectors import (
    candidates_du,
    comparaison_demandee,
    journal_du,
    rubriques,
    scenarios_du,
    scenarios_visibles,
)
from scenarios.services import (
    candidate_creer,
    position_enregistrer,
    scenario_adopter,
    scenario_creer,
    scenario_modifier,
)
from socle.exceptions import RegleMetierError


def _utilisateur(request: HttpRequest) -> Utilisateur:
    if not isinstance(request.user, Utilisateur) or not voit_les_scenarios(request.user):
        raise Http404("Page introuvable.")
    return request.user


def _noeud(code: str) -> Noeud:
    noeud = get_object_or_404(Noeud, code=code)
    if not est_ouvert(noeud):
        raise Http404("Ce sous-axe ne se négocie pas par scénarios.")
    return noeud


def _erreurs_vers(form, erreur: RegleMetierError) -> None:  # type: ignore[no-untyped-def]
    for champ, textes in erreur.erreurs.items():
        for texte in textes:
            form.add_error(champ if champ in form.fields else None, texte)


def accueil(request: HttpRequest) -> HttpResponse:
    utilisateur = _utilisateur(request)
    return render(request, "scenarios/accueil.html", {"rubriques": rubriques(utilisateur)})


def sous_axe(request: HttpRequest, code: str) -> HttpResponse:
    utilisateur = _utilisateur(request)
    noeud = _noeud(code)
    peut_candidate = peut_enregistrer_candidate(utilisateur, noeud)
    form = CandidateForm(request.POST if request.method == "POST" else None, noeud=noeud)
    if request.method == "POST":
        if not peut_candidate:
            raise PermissionDenied(
                "Seuls le secrétariat du CPER et le pilote du comité technique enregistrent "
                "les opérations envisagées."
            )
        if form.is_valid():
            d = form.cleaned_data
            try:
                candidate_creer(
                    sous_axe=noeud,
                    intitule=d["intitule"],
                    maitre_ouvrage=d["maitre_ouvrage"],
                    cout=d["cout"],
                    annee_debut=d["annee_debut"],
                    annee_fin=d["annee_fin"],
                    territoire=d["territoire"],
                    departements=d["departements"],
                    criteres=form.valeurs_criteres(),
                    par=utilisateur,
                )
            except RegleMetierError as erreur:
                _erreurs_vers(form, erreur)
            else:
                messages.success(request, "Opération envisagée enregistrée.")
                return redirect("scenarios:sous_axe", code=noeud.code)
    return render(
        request,
        "scenarios/sous_axe.html",
        {
            "noeud": noeud,
            "candidates": candidates_du(noeud),
            "scenarios": list(scenarios_du(noeud)),
            "form": form,
            "peut_candidate": peut_candidate,
            "peut_gerer": peut_gerer_scenarios(utilisateur),
            "min_compares": MIN_COMPARES,
            "max_compares": MAX_COMPARES,
        },
        status=400 if request.method == "POST" else 200,
    )


def _formulaire_scenario(
    request: HttpRequest, noeud: Noeud, scenario: Scenario | None
) -> HttpResponse:
    utilisateur = _utilisateur(request)
    if not peut_gerer_scenarios(utilisateur):
        raise PermissionDenied("Seul le secrétariat du CPER écrit et modifie les scénarios.")
    if scenario is not None and scenario.est_adopte:
        raise PermissionDenied("Le scénario est adopté : il ne se modifie plus.")
    candidates = candidates_du(noeud)
    signataires = list(Signataire.objects.order_by("ordre"))
    initial = _initial(scenario) if scenario is not None else None
    form = ScenarioForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        candidates=candidates,
        signataires=signataires,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if scenario is None:
                scenario = scenario_creer(
                    sous_axe=noeud,
                    nom=form.cleaned_data["nom"],
                    description=form.cleaned_data["description"],
                    operations=form.operations(),
                    par=utilisateur,
                )
            else:
                scenario = scenario_modifier(
                    scenario=scenario,
                    nom=form.cleaned_data["nom"],
                    description=form.cleaned_data["description"],
                    operations=form.operations(),
                    par=utilisateur,
                )
        except RegleMetierError as erreur:
            _erreurs_vers(form, erreur)
        else:
            messages.success(request, f"Scénario « {scenario.nom} » enregistré.")
            return redirect("scenarios:scenario", pk=scenario.pk)
    return render(
        request,
        "scenarios/scenario_form.html",
        {"noeud": noeud, "form": form, "scenario": scenario, "signataires": signataires},
        status=400 if request.method == "POST" else 200,
    )


def _initial(scenario: Scenario) -> dict[str, object]:
    initial: dict[str, object] = {"nom": scenario.nom, "description": scenario.description}
    for op in charger(scenario.pk).operations.all():
        prefixe = f"op{op.operation_id}"
        initial[f"{prefixe}_incluse"] = op.incluse
        initial[f"{prefixe}_debut"] = op.annee_debut
        initial[f"{prefixe}_fin"] = op.annee_fin
        for part in op.parts.all():
            code = part.signataire.code if part.signataire is not None else part.source
            initial[f"{prefixe}_{code}"] = f"{part.montant:.2f}".replace(".", ",")
    return initial


def scenario_nouveau(request: HttpRequest, code: str) -> HttpResponse:
    return _formulaire_scenario(request, _noeud(code), None)


def scenario_modifier_page(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(scenarios_visibles(_utilisateur(request)), pk=pk)
    return _formulaire_scenario(request, scenario.sous_axe, scenario)


def _contexte_scenario(
    request: HttpRequest, scenario: Scenario, utilisateur: Utilisateur
) -> dict[str, object]:
    b = bilan(charger(scenario.pk))
    propre = signataire_de(utilisateur)
    return {
        "scenario": b.scenario,
        "bilan": b,
        "noeud": scenario.sous_axe,
        "journal": list(journal_du(scenario)[:50]),
        "signataire_propre": propre,
        "peut_positionner": (propre is not None and peut_prendre_position(utilisateur, propre))
        and not scenario.est_adopte,
        "peut_gerer": peut_gerer_scenarios(utilisateur) and not scenario.est_adopte,
        "form_position": PositionForm(),
        "form_adoption": AdoptionForm(noeud=scenario.sous_axe),
        "avec_autres": b.autres > 0,
    }


def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    utilisateur = _utilisateur(request)
    scenario = get_object_or_404(scenarios_visibles(utilisateur), pk=pk)
    return render(
        request, "scenarios/scenario.html", _contexte_scenario(request, scenario, utilisateur)
    )


@require_POST
def position(request: HttpRequest, pk: int) -> HttpResponse:
    utilisateur = _utilisateur(request)
    scenario = get_object_or_404(scenarios_visibles(utilisateur), pk=pk)
    propre = signataire_de(utilisateur)
    if propre is None or not peut_prendre_position(utilisateur, propre):
        raise PermissionDenied("Seuls les agents d'un signataire enregistrent sa position.")
    form = PositionForm(request.POST)
    if form.is_valid():
        try:
            position_enregistrer(
                scenario=scenario,
                signataire=propre,
                avis=form.cleaned_data["avis"],
                plafond=form.cleaned_data["plafond"],
                commentaire=form.cleaned_data["commentaire"],
                par=utilisateur,
            )
        except RegleMetierError as erreur:
            if erreur.statut_http != 400:
                raise
            _erreurs_vers(form, erreur)
        else:
            messages.success(request, f"Position {propre.de_nom} enregistrée.")
            return redirect("scenarios:scenario", pk=scenario.pk)
    contexte = _contexte_scenario(request, scenario, utilisateur)
    contexte["form_position"] = form
    return render(request, "scenarios/scenario.html", contexte, status=400)


@require_POST
def adopter(request: HttpRequest, pk: int) -> HttpResponse:
    utilisateur = _utilisateur(request)
    scenario = get_object_or_404(scenarios_visibles(utilisateur), pk=pk)
    if not peut_gerer_scenarios(utilisateur):
        raise PermissionDenied("Seul le secrétariat du CPER adopte un scénario.")
    form = AdoptionForm(request.POST, noeud=scenario.sous_axe)
    if form.is_valid():
        try:
            scenario = scenario_adopter(
                scenario=scenario,
                seance=form.cleaned_data["seance"],
                initie_par=form.cleaned_data["initie_par"],
                par=utilisateur,
            )
        except RegleMetierError as erreur:
            if erreur.statut_http != 400:
                raise
            _erreurs_vers(form, erreur)
        else:
            avenant = scenario.avenant
            numero = avenant.numero if avenant is not None else ""
            messages.success(
                request,
                f"Scénario « {scenario.nom} » adopté : l'avenant n° {numero} et les dossiers "
                "en brouillon sont préparés.",
            )
            return redirect("scenarios:scenario", pk=scenario.pk)
    contexte = _contexte_scenario(request, scenario, utilisateur)
    contexte["form_adoption"] = form
    return render(request, "scenarios/scenario.html", contexte, status=400)


def _identifiants(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.GET.getlist("s") if v.isdigit()]


def comparaison(request: HttpRequest, code: str) -> HttpResponseBase:
    utilisateur = _utilisateur(request)
    noeud = _noeud(code)
    c = comparaison_demandee(
        utilisateur=utilisateur, noeud=noeud, identifiants=_identifiants(request)
    )
    if c is None:
        messages.error(
            request,
            f"Choisissez de {MIN_COMPARES} à {MAX_COMPARES} scénarios du sous-axe à comparer.",
        )
        return redirect("scenarios:sous_axe", code=noeud.code)
    if request.GET.get("format") == "xlsx":
        return exports.comparaison_xlsx(c, noeud)
    requete = "&".join(f"s={s.pk}" for s in c.scenarios)
    return render(
        request,
        "scenarios/comparaison.html",
        {
            "noeud": noeud,
            "comparaison": c,
            "graphique": exports.graphique(c),
            "lien_xlsx": f"{reverse('scenarios:comparaison', args=[noeud.code])}?{requete}"
            "&format=xlsx",
            "lien_pdf": f"{reverse('rapports:comparaison_scenarios', args=[noeud.code])}?{requete}",
        },
    )
