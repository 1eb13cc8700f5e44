"""Pages of the execution follow-up: a signatory's budget forecast (its agents and the
secretariat), a programmed line's schedule (the porteur proposes it, the line's signatory's
agent adjusts it). Thin: the rules are `suivi.services`' and `suivi.permissions`'."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from financement.models import Avenant
from financement.permissions import peut_preparer_avenant
from financement.selectors import ligne_pour
from financement.services import avenant_creer
from projets.selectors import projet_pour
from socle.exceptions import ActionNonAutorisee, RegleMetierError
from socle.exports import classeur_response
from socle.graphiques import Serie, barres_horizontales
from socle.montants import format_taux
from suivi.forms import AvenantRevueForm, ContributionForm, EcheancierForm, IndicateurForm
from suivi.fraicheur import lire_ou_calculer
from suivi.mi_parcours import (
    Proposition,
    RevueMiParcours,
    feuilles,
    peut_voir_revue,
    revue_mi_parcours,
)
from suivi.models import Indicateur
from suivi.permissions import (
    peut_definir_indicateurs,
    peut_modifier_echeancier,
    peut_renseigner_contribution,
)
from suivi.rangees import rangees_dormants, rangees_echeanciers, rangees_mesures
from suivi.selectors import (
    BilanIndicateur,
    bilan_indicateurs,
    echeances_des_lignes,
    indicateurs_du_projet,
    lignes_avec_echeancier,
    prevision_du_signataire,
    rangees_de_la_page,
    signataire_pour_prevision,
)
from suivi.services import (
    IndicateurSaisi,
    contribution_renseigner,
    echeancier_definir,
    indicateur_definir,
)

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
    lignes = rangees_de_la_page(page.object_list)
    return render(
        request,
        "suivi/prevision.html",
        {
            "signataire": signataire,
            "annees": annees,
            "total_ae": sum((a.besoin_ae for a in annees), ZERO),
            "total_cp": sum((a.besoin_cp for a in annees), ZERO),
            "page": page,
            "rangees": rangees_echeanciers(lignes, echeances_des_lignes(lignes)),
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


# --- Indicators -------------------------------------------------------------------------------
SERIES_INDICATEURS = [Serie("Attendu des dossiers", "programme"), Serie("Réalisé", "paye")]


def _saisie_indicateur(donnees: dict) -> IndicateurSaisi:
    return IndicateurSaisi(
        noeud=donnees["noeud"],
        nom=donnees["nom"],
        unite=donnees["unite"],
        nature=donnees["nature"],
        cible_2027=donnees["cible_2027"],
        source=donnees["source"],
        valeur_reference=donnees["valeur_reference"],
    )


def _graphique_indicateurs(bilans: list[BilanIndicateur]):
    if not bilans:
        return None
    return barres_horizontales(
        [
            (f"{b.indicateur.noeud.code} {b.indicateur.nom}", [b.taux_attendu, b.taux_realise])
            for b in bilans
        ],
        series=SERIES_INDICATEURS,
        titre="Attendu et réalisé, en % de la cible 2027 de chaque indicateur",
        description="Pour chaque indicateur, la somme des contributions attendues des dossiers "
        "programmés et la somme des valeurs réalisées, en pourcentage de sa cible 2027 ; les "
        "mêmes chiffres figurent dans le tableau des indicateurs.",
        formater=format_taux,
        echelle=Decimal(100),
    )


def indicateurs(request):
    """The measures' indicators by axis: the partners' 2027 target, what the programmed
    dossiers expect, what they achieved. The secretariat defines them here."""
    peut_definir = peut_definir_indicateurs(request.user)
    form = IndicateurForm(request.POST if request.method == "POST" else None)
    statut = 200
    if request.method == "POST":
        if not peut_definir:
            raise PermissionDenied("Seul le secrétariat du CPER définit les indicateurs.")
        if form.is_valid():
            try:
                indicateur_definir(saisie=_saisie_indicateur(form.cleaned_data), par=request.user)
            except RegleMetierError as erreur:
                _erreurs_champs(erreur, form)
            else:
                messages.success(request, "Indicateur enregistré.")
                return redirect("suivi:indicateurs")
        statut = 400
    bilans = bilan_indicateurs()
    par_axe: dict[str, list[BilanIndicateur]] = {}
    for b in bilans:
        axe = b.indicateur.noeud.axe
        par_axe.setdefault(f"{axe.code} – {axe.titre}" if axe else "", []).append(b)
    return render(
        request,
        "suivi/indicateurs.html",
        {
            "par_axe": par_axe,
            "graphique": _graphique_indicateurs(bilans),
            "form": form,
            "peut_definir": peut_definir,
        },
        status=statut,
    )


def indicateur_modifier(request, pk):
    if not peut_definir_indicateurs(request.user):
        raise PermissionDenied("Seul le secrétariat du CPER définit les indicateurs.")
    indicateur = get_object_or_404(Indicateur.objects.select_related("noeud"), pk=pk)
    statut = 200
    if request.method == "POST":
        form = IndicateurForm(request.POST)
        if form.is_valid():
            try:
                indicateur_definir(
                    saisie=_saisie_indicateur(form.cleaned_data),
                    par=request.user,
                    indicateur=indicateur,
                )
            except RegleMetierError as erreur:
                _erreurs_champs(erreur, form)
            else:
                messages.success(request, "Indicateur modifié.")
                return redirect("suivi:indicateurs")
        statut = 400
    else:
        form = IndicateurForm(
            initial={
                "noeud": indicateur.noeud,
                "nom": indicateur.nom,
                "unite": indicateur.unite,
                "nature": indicateur.nature,
                "valeur_reference": indicateur.valeur_reference,
                "cible_2027": indicateur.cible_2027,
                "source": indicateur.source,
            }
        )
    return render(
        request,
        "suivi/indicateur_form.html",
        {"indicateur": indicateur, "form": form},
        status=statut,
    )


def contributions(request, reference):
    """The dossier's contributions to its measure's indicators: stated and reported by its
    porteur (or the secretariat); read by whoever sees the dossier."""
    projet = projet_pour(utilisateur=request.user, reference=reference)
    peut_renseigner = peut_renseigner_contribution(request.user, projet)
    lignes = indicateurs_du_projet(projet=projet)
    envoye = None
    statut = 200
    if request.method == "POST":
        if not peut_renseigner:
            raise PermissionDenied(
                "Seul le porteur du dossier (ou le secrétariat du CPER) renseigne sa "
                "contribution aux indicateurs."
            )
        indicateur = next(
            (i for i, _ in lignes if str(i.pk) == request.POST.get("indicateur")), None
        )
        if indicateur is None:
            raise Http404("Indicateur introuvable pour ce dossier.")
        envoye = (indicateur.pk, ContributionForm(request.POST, prefix=f"i{indicateur.pk}"))
        form = envoye[1]
        if form.is_valid():
            try:
                contribution_renseigner(
                    projet=projet, indicateur=indicateur, par=request.user, **form.cleaned_data
                )
            except RegleMetierError as erreur:
                _erreurs_champs(erreur, form)
            else:
                messages.success(request, "Contribution enregistrée.")
                return redirect("suivi:contributions", reference=reference)
        statut = 400
    rangees = []
    for indicateur, contribution in lignes:
        if envoye and envoye[0] == indicateur.pk:
            form = envoye[1]
        else:
            form = ContributionForm(
                prefix=f"i{indicateur.pk}",
                initial={
                    "valeur_attendue": contribution.valeur_attendue,
                    "valeur_realisee": contribution.valeur_realisee,
                    "commentaire": contribution.commentaire,
                }
                if contribution
                else None,
            )
        rangees.append((indicateur, contribution, form))
    return render(
        request,
        "suivi/contributions.html",
        {
            "projet": projet,
            "rangees": rangees,
            "peut_renseigner": peut_renseigner,
            "form_refuse": envoye[1] if envoye else None,  # for the error summary
        },
        status=statut,
    )


def _erreurs_champs(erreur: RegleMetierError, form) -> None:
    for champ, textes in erreur.erreurs.items():
        for texte in textes:
            form.add_error(champ if champ in form.fields else None, texte)


# --- Mid-term review ------------------------------------------------------------------------
def _date_revue(request) -> date:
    texte = request.GET.get("date", "")
    if texte:
        try:
            return date.fromisoformat(texte)
        except ValueError:
            messages.error(request, "Date invalide : utilisez le format AAAA-MM-JJ.")
    return timezone.localdate()


def _revue_autorisee(request) -> None:
    if not peut_voir_revue(request.user):
        raise PermissionDenied(
            "Le bilan à mi-parcours est réservé au secrétariat du CPER et aux agents des "
            "signataires."
        )


def _form_avenant(le: date, propositions: list[Proposition], data=None) -> AvenantRevueForm:
    dernier = Avenant.objects.aggregate(n=Max("numero"))["n"] or 0
    initial: dict[str, object] = {
        "numero": dernier + 1,
        "titre": f"Avenant issu du bilan à mi-parcours du {le:%d/%m/%Y}",
        "justification": (
            f"Bilan à mi-parcours du {le:%d/%m/%Y} (article 4 du contrat) : les "
            "montants non programmés à cette date sont dégagés des enveloppes pour adapter le "
            "contrat à son exécution."
        ),
    }
    for p in propositions:
        if p.a_degager:
            initial[f"degager_{p.signataire.code}"] = p.a_degager
    return AvenantRevueForm(data, initial=initial, signataires=[p.signataire for p in propositions])


def _revue_rendue(revue: RevueMiParcours) -> dict[str, Any]:
    """What the review page shows the same to everybody allowed to see it: its figures, already
    rendered, and the proposals (the secretariat's avenant form is built on them per request)."""
    return {
        "le": revue.le,
        "propositions": revue.propositions,
        "chiffres": render_to_string(
            "suivi/_revue_chiffres.html",
            {
                "revue": revue,
                "rangees_mesures": rangees_mesures(revue.mesures),
                "rangees_dormants": rangees_dormants(revue.dormants),
            },
        ),
    }


def _page_revue(request, revue: dict[str, Any], form=None, statut=200):
    peut_preparer = peut_preparer_avenant(request.user)
    form = form or (_form_avenant(revue["le"], revue["propositions"]) if peut_preparer else None)
    propositions = [
        (p, form[f"degager_{p.signataire.code}"] if form else None) for p in revue["propositions"]
    ]
    return render(
        request,
        "suivi/revue.html",
        {
            "revue": revue,
            "chiffres": mark_safe(revue["chiffres"]),  # noqa: S308 - the portal's template, escaped
            "form": form,
            "propositions": propositions,
            "peut_preparer": peut_preparer,
        },
        status=statut,
    )


def revue(request):
    """The mid-term review pack at a date chosen by the secretariat (today by default): its
    figures from the cache while nothing they count changed (`suivi.fraicheur`)."""
    _revue_autorisee(request)
    le = _date_revue(request)
    return _page_revue(
        request,
        lire_ou_calculer(
            "revue",
            le.isoformat(),
            lambda: _revue_rendue(revue_mi_parcours(le=le)),
            gabarits=("suivi/_revue_chiffres.html", "suivi/_cibles.html"),
        ),
    )


def revue_xlsx(request):
    _revue_autorisee(request)
    r = revue_mi_parcours(le=_date_revue(request))
    return classeur_response(feuilles(r), f"bilan-mi-parcours-{r.le:%Y-%m-%d}.xlsx")


@require_POST
def revue_avenant(request):
    """Turn the review's proposals into a draft avenant: the secretariat only."""
    if not peut_preparer_avenant(request.user):
        raise PermissionDenied("Seul le secrétariat du CPER prépare les avenants.")
    r = revue_mi_parcours(le=_date_revue(request))
    form = _form_avenant(r.le, r.propositions, request.POST)
    if form.is_valid():
        enveloppes = {s: s.enveloppe.montant - m for s, m in form.degagements().items()}
        try:
            avenant = avenant_creer(
                numero=form.cleaned_data["numero"],
                titre=form.cleaned_data["titre"],
                justification=form.cleaned_data["justification"],
                initie_par=form.cleaned_data["initie_par"],
                enveloppes=enveloppes,
                par=request.user,
            )
        except RegleMetierError as erreur:
            _erreurs_champs(erreur, form)
        else:
            messages.success(
                request,
                f"Avenant n° {avenant.numero} préparé à partir du bilan : il attend "
                "l'approbation des signataires.",
            )
            return redirect("financement:avenant", numero=avenant.numero)
    return _page_revue(request, _revue_rendue(r), form=form, statut=400)
