"""Pages of governance: committees, sessions (agenda, attendance, votes), tally, minutes, and the
analysis grid. Thin: every write goes through `gouvernance.services`."""

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from axes.models import Signataire
from gouvernance import services
from gouvernance.forms import (
    ArbitrageForm,
    EvaluationForm,
    FinMandatForm,
    InscriptionForm,
    MembreForm,
    PresencesForm,
    SeanceForm,
    VoteForm,
    ajouter_erreurs,
    textes_erreurs,
)
from gouvernance.models import (
    Avis,
    ChoixVote,
    Evaluation,
    GrilleAnalyse,
    IssueLigne,
    Membre,
    PointOrdreDuJour,
    StatutPresence,
    Vote,
)
from gouvernance.permissions import (
    a_voix_deliberative,
    detient_pouvoir,
    est_present,
    est_recuse,
    grille_ouverte,
    peut_gerer_seances,
    peut_instruire,
    voit_la_gouvernance,
)
from gouvernance.selectors import (
    EtatInstruction,
    comite_pour,
    comites_liste,
    contexte_proces_verbal,
    decisions_par_ligne,
    decompte,
    etat_instruction,
    etat_quorum,
    grille_active,
    jour_de,
    lignes_arbitrees,
    membre_actif,
    membres_de_seance,
    membres_du_comite,
    points_de_seance,
    presences_de_seance,
    projets_inscriptibles,
    resultats_grille,
    seance_pour,
)
from gouvernance.workflow import (
    ActionSeance,
    avance_sur_la_date,
    est_close,
    permet,
    vote_en_cours,
)
from projets.droits import ActionDossier, verdict
from projets.models import Projet, Statut
from projets.selectors import projet_pour
from socle.exceptions import ActionNonAutorisee, RegleMetierError


def _exiger_gouvernance(request) -> None:
    if not voit_la_gouvernance(request.user):
        raise Http404


def _refus(request, erreur: RegleMetierError) -> None:
    """403 for a role problem; otherwise the French message above the page."""
    if isinstance(erreur, ActionNonAutorisee):
        raise PermissionDenied(erreur.message) from erreur
    messages.error(request, erreur.message if erreur.erreurs.get("__all__") else _texte(erreur))


def _texte(erreur: RegleMetierError) -> str:
    return " ".join(t for textes in erreur.erreurs.values() for t in textes)


def comites(request):
    _exiger_gouvernance(request)
    return render(request, "gouvernance/comites.html", {"comites": list(comites_liste())})


def _page_comite(
    request, comite, form: SeanceForm, form_membre: MembreForm | None = None, statut: int = 200
) -> HttpResponse:
    moi = membre_actif(utilisateur=request.user, comite=comite)
    return render(
        request,
        "gouvernance/comite.html",
        {
            "comite": comite,
            "membres": list(membres_du_comite(comite=comite)),
            "seances": list(comite.seances.order_by("-date")),
            "peut_gerer": peut_gerer_seances(request.user, moi),
            "form": form,
            "form_membre": form_membre or MembreForm(initial={"debut": timezone.localdate()}),
            "aujourd_hui": timezone.localdate(),
        },
        status=statut,
    )


@require_POST
def membre_nommer(request, code):
    """Appoint a member from the committee's page; refusals sit next to their field."""
    comite = comite_pour(utilisateur=request.user, code=code)
    form = MembreForm(request.POST)
    if form.is_valid():
        try:
            membre = services.membre_nommer(comite=comite, par=request.user, **form.cleaned_data)
        except ActionNonAutorisee as erreur:
            raise PermissionDenied(erreur.message) from erreur
        except RegleMetierError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"{membre.utilisateur} est nommé(e) {membre.get_role_display().lower()} à compter "
                f"du {membre.debut:%d/%m/%Y} : il ou elle siège aux séances tenues depuis.",
            )
            return redirect("gouvernance:comite", code=code)
    return _page_comite(request, comite, SeanceForm(), form, statut=400)


@require_POST
def membre_terminer(request, code, pk):
    comite = comite_pour(utilisateur=request.user, code=code)
    membre = get_object_or_404(comite.membres.select_related("utilisateur"), pk=pk)
    form = FinMandatForm(request.POST)
    if not form.is_valid():
        messages.error(request, textes_erreurs(form))
        return redirect("gouvernance:comite", code=code)
    try:
        services.membre_terminer(membre=membre, fin=form.cleaned_data["fin"], par=request.user)
    except ActionNonAutorisee as erreur:
        raise PermissionDenied(erreur.message) from erreur
    except RegleMetierError as erreur:
        messages.error(request, _texte(erreur))
    else:
        messages.success(
            request,
            f"Le mandat de {membre.utilisateur} prend fin le {form.cleaned_data['fin']:%d/%m/%Y} : "
            "il ou elle ne siège plus aux séances tenues après cette date.",
        )
    return redirect("gouvernance:comite", code=code)


def comite(request, code):
    return _page_comite(request, comite_pour(utilisateur=request.user, code=code), SeanceForm())


@require_POST
def seance_creer(request, code):
    """Plan a session from the committee's page; refusals sit next to their field."""
    comite = comite_pour(utilisateur=request.user, code=code)
    form = SeanceForm(request.POST)
    if form.is_valid():
        try:
            seance = services.seance_creer(comite=comite, par=request.user, **form.cleaned_data)
        except ActionNonAutorisee as erreur:
            raise PermissionDenied(erreur.message) from erreur
        except RegleMetierError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, "Séance planifiée.")
            return redirect("gouvernance:seance", pk=seance.pk)
    return _page_comite(request, comite, form)  # the error summary says why, at the top


def _bulletins(moi: Membre | None, presences: dict) -> list[tuple[Membre, str]]:
    """The ballots a person casts: their own (present, voting) and those of the members whose
    proxy they hold."""
    if moi is None or not est_present(presences.get(moi.pk)):
        return []
    bulletins = [(moi, "Mon vote")] if a_voix_deliberative(moi) else []
    for presence in presences.values():
        if detient_pouvoir(moi, presence):
            bulletins.append((presence.membre, f"Pour {presence.membre.utilisateur} (pouvoir)"))
    return bulletins


def _lignes_points(seance, points, bulletins) -> list[dict]:
    ouverte = vote_en_cours(seance)
    # The ballots (and so the votes already cast) are shown only while the vote is open: not
    # read otherwise, so that a closed session's page makes the same queries whoever attended.
    mes_votes = (
        {
            (vote.point_id, vote.membre_id): vote.choix
            for vote in Vote.objects.filter(
                point__seance=seance, membre__in=[m for m, _ in bulletins]
            )
        }
        if ouverte and bulletins
        else {}
    )
    lignes = []
    for point in points:
        recusations = list(point.recusations.all())
        votes = [
            {
                "membre": membre,
                "libelle": libelle,
                "recuse": est_recuse(membre, point, recusations),
                "choix": mes_votes.get((point.pk, membre.pk)),
            }
            for membre, libelle in (bulletins if ouverte else [])
        ]
        lignes.append({"point": point, "bulletins": votes, "recusations": recusations})
    return lignes


def _contexte_seance(request, seance) -> dict:
    """What the session page shows, with the flags the template asks (never the state)."""
    moi = membre_actif(utilisateur=request.user, comite=seance.comite, jour=jour_de(seance))
    presences = presences_de_seance(seance=seance)
    membres = list(membres_de_seance(seance=seance))
    gere = peut_gerer_seances(request.user, moi)
    return {
        "seance": seance,
        "moi": moi,
        "points": _lignes_points(
            seance, points_de_seance(seance=seance), _bulletins(moi, presences)
        ),
        "membres": [(m, presences.get(m.pk)) for m in membres],
        "votants": [m for m in membres if a_voix_deliberative(m)],
        "quorum": etat_quorum(seance=seance),
        "peut_gerer": gere,
        "peut_inscrire": gere and permet(seance.etat, ActionSeance.INSCRIRE),
        "peut_convoquer": gere and permet(seance.etat, ActionSeance.CONVOQUER),
        "peut_ouvrir": gere and permet(seance.etat, ActionSeance.OUVRIR),
        "peut_clore": gere and permet(seance.etat, ActionSeance.CLORE),
        "peut_suivre_decompte": gere and vote_en_cours(seance),
        "peut_saisir_presences": gere and permet(seance.etat, ActionSeance.ENREGISTRER_PRESENCE),
        "peut_voter": permet(seance.etat, ActionSeance.VOTER),
        "proces_verbal_disponible": est_close(seance),
        "avance_sur_la_date": avance_sur_la_date(seance) if not est_close(seance) else "",
        "choix": ChoixVote.choices,
        "statuts_presence": StatutPresence.choices,
    }


def _page_seance(request, seance, form_inscription: InscriptionForm) -> HttpResponse:
    contexte = _contexte_seance(request, seance)
    if contexte["peut_inscrire"]:
        contexte["inscriptibles"] = list(projets_inscriptibles(seance=seance))
    contexte["form_inscription"] = form_inscription
    return render(request, "gouvernance/seance.html", contexte)


def seance(request, pk):
    return _page_seance(request, seance_pour(utilisateur=request.user, pk=pk), InscriptionForm())


@require_POST
def seance_inscrire(request, pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    form = InscriptionForm(request.POST)
    if not form.is_valid():
        return _page_seance(request, seance, form)
    projet = projet_pour(utilisateur=request.user, reference=form.cleaned_data["projet"])
    try:
        services.seance_inscrire_projet(seance=seance, projet=projet, par=request.user)
    except ActionNonAutorisee as erreur:
        raise PermissionDenied(erreur.message) from erreur
    except RegleMetierError as erreur:
        if "projet" not in erreur.erreurs:
            _refus(request, erreur)
            return redirect("gouvernance:seance", pk=pk)
        ajouter_erreurs(form, erreur)  # the dossier is outside the committee's measures
        return _page_seance(request, seance, form)
    else:
        messages.success(request, f"Dossier {projet.reference} inscrit à l'ordre du jour.")
    return redirect("gouvernance:seance", pk=pk)


ACTIONS_SEANCE = {
    "convoquer": (services.seance_convoquer, "Convocation envoyée aux membres."),
    "ouvrir": (services.seance_ouvrir, "Séance ouverte : les membres présents peuvent voter."),
}


@require_POST
def seance_action(request, pk, action):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    if action not in ACTIONS_SEANCE:
        raise Http404
    service, message = ACTIONS_SEANCE[action]
    avertissement = avance_sur_la_date(seance) if action == "ouvrir" else ""
    try:
        service(seance=seance, par=request.user)
    except RegleMetierError as erreur:
        _refus(request, erreur)
    else:
        messages.success(request, message)
        if avertissement:
            messages.warning(request, avertissement)
    return redirect("gouvernance:seance", pk=pk)


@require_POST
def point_retirer(request, pk, point_pk):
    """Take a dossier off a planned session's agenda (the committee's secretariat)."""
    seance = seance_pour(utilisateur=request.user, pk=pk)
    point_ = get_object_or_404(seance.points.select_related("projet"), pk=point_pk)
    reference = point_.projet.reference
    try:
        services.seance_retirer_point(point=point_, par=request.user)
    except RegleMetierError as erreur:
        _refus(request, erreur)
    else:
        messages.success(
            request,
            f"Dossier {reference} retiré de l'ordre du jour : il reste instruit et pourra être "
            "inscrit à une autre séance. Les rangs des dossiers suivants ont été décalés.",
        )
    return redirect(f"{reverse('gouvernance:seance', args=[pk])}#ordre-du-jour")


@require_POST
def point_deplacer(request, pk, point_pk):
    """Move an item up or down the agenda of a planned session (`sens`: monter, descendre)."""
    seance = seance_pour(utilisateur=request.user, pk=pk)
    point_ = get_object_or_404(seance.points.select_related("projet"), pk=point_pk)
    pas = {"monter": -1, "descendre": 1}.get(request.POST.get("sens", ""))
    if pas is None:
        messages.error(request, "Choisissez de monter ou de descendre le dossier.")
        return redirect("gouvernance:seance", pk=pk)
    try:
        points = services.seance_deplacer_point(
            point=point_, rang=point_.ordre + pas, par=request.user
        )
    except RegleMetierError as erreur:
        _refus(request, erreur)
        return redirect(f"{reverse('gouvernance:seance', args=[pk])}#ordre-du-jour")
    rang = next(p.ordre for p in points if p.pk == point_.pk)
    messages.success(
        request, f"Dossier {point_.projet.reference} placé au rang {rang} de l'ordre du jour."
    )
    return redirect(f"{reverse('gouvernance:seance', args=[pk])}#point-{rang}")


def seance_clore(request, pk):
    """A confirmation page, then the closing itself (POST)."""
    seance = seance_pour(utilisateur=request.user, pk=pk)
    moi = membre_actif(utilisateur=request.user, comite=seance.comite, jour=jour_de(seance))
    if not peut_gerer_seances(request.user, moi):
        raise PermissionDenied("Seul le secrétariat du comité ou un administrateur clôt la séance.")
    if request.method == "POST":
        try:
            services.seance_clore(seance=seance, par=request.user)
        except RegleMetierError as erreur:
            _refus(request, erreur)
            return redirect("gouvernance:seance", pk=pk)
        messages.success(request, "Séance close : les décisions sont enregistrées.")
        return redirect("gouvernance:proces_verbal", pk=pk)
    return render(
        request,
        "gouvernance/clore.html",
        {
            "seance": seance,
            "quorum": etat_quorum(seance=seance),
            "lignes": decompte(seance=seance),
            "avance_sur_la_date": avance_sur_la_date(seance),
        },
    )


@require_POST
def presences(request, pk):
    """The whole attendance sheet at once: nothing is written if one line is refused."""
    seance = seance_pour(utilisateur=request.user, pk=pk)
    form = PresencesForm(
        request.POST,
        membres=list(membres_de_seance(seance=seance)),
        presences=presences_de_seance(seance=seance),
    )
    if not form.is_valid():
        return _feuille_refusee(request, seance, _erreurs_du_formulaire(form))
    erreurs: dict[int, list[str]] = {}
    with transaction.atomic():
        for ligne in form.lignes():
            try:
                with transaction.atomic():
                    services.presence_enregistrer(
                        seance=seance,
                        membre=ligne.membre,
                        statut=ligne.statut,
                        mandataire=ligne.mandataire,
                        par=request.user,
                    )
            except ActionNonAutorisee as erreur:
                raise PermissionDenied(erreur.message) from erreur
            except RegleMetierError as erreur:
                erreurs[ligne.membre.pk] = [
                    f"{ligne.membre.utilisateur} : {texte}" for texte in _textes(erreur)
                ]
        if erreurs:
            transaction.set_rollback(True)  # the whole sheet or nothing
    if erreurs:
        return _feuille_refusee(request, seance, erreurs)
    messages.success(request, "Feuille de présence enregistrée.")
    return redirect("gouvernance:seance", pk=pk)


def _textes(erreur: RegleMetierError) -> list[str]:
    return [texte for textes in erreur.erreurs.values() for texte in textes] or [erreur.message]


def _erreurs_du_formulaire(form: PresencesForm) -> dict[int, list[str]]:
    erreurs: dict[int, list[str]] = {}
    for nom, textes in form.errors.items():
        _, _, pk = nom.rpartition("_")
        if pk.isdigit():
            erreurs.setdefault(int(pk), []).extend(str(t) for t in textes)
    return erreurs


def _feuille_refusee(request, seance, erreurs: dict[int, list[str]]) -> HttpResponse:
    """The session page again, with the sheet as it was typed (nothing lost) and each
    refusal next to the member it concerns; nothing is recorded."""
    contexte = _contexte_seance(request, seance)
    contexte["membres"] = [
        (
            membre,
            SimpleNamespace(
                statut=request.POST.get(f"presence_{membre.pk}", ""),
                mandataire_id=_entier(request.POST.get(f"mandataire_{membre.pk}")),
                erreurs=erreurs.get(membre.pk, []),
            ),
        )
        for membre, _ in contexte["membres"]
    ]
    contexte["erreurs_presences"] = [
        {"ancre": f"presence_{pk}", "libelle": "", "message": texte}
        for pk, textes in erreurs.items()
        for texte in textes
    ]
    contexte["form_inscription"] = InscriptionForm()
    if contexte["peut_inscrire"]:
        contexte["inscriptibles"] = list(projets_inscriptibles(seance=seance))
    return render(request, "gouvernance/seance.html", contexte, status=400)


def _entier(valeur: str | None) -> int | None:
    return int(valeur) if valeur and valeur.isdigit() else None


@require_POST
def voter(request, pk, point_pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    point = get_object_or_404(
        PointOrdreDuJour.objects.select_related("seance", "projet"), pk=point_pk, seance=seance
    )
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, textes_erreurs(form))
        return redirect(f"{redirect('gouvernance:seance', pk=pk).url}#point-{point.ordre}")
    donnees = form.cleaned_data
    pour_membre = None
    if donnees["pour_membre"]:
        pour_membre = get_object_or_404(
            Membre, pk=donnees["pour_membre"], comite_id=seance.comite_id
        )
    service = services.vote_modifier if donnees["modifier"] else services.vote_enregistrer
    try:
        service(point=point, choix=donnees["choix"], par=request.user, pour_membre=pour_membre)
    except RegleMetierError as erreur:
        _refus(request, erreur)
    else:
        messages.success(
            request,
            f"Vote « {ChoixVote(donnees['choix']).label} » enregistré sur le dossier "
            f"{point.projet.reference}. Vous pouvez le changer jusqu'à la clôture.",
        )
    if donnees["retour"] == "point":
        return redirect("gouvernance:point", pk=pk, point_pk=point_pk)
    return redirect(f"{redirect('gouvernance:seance', pk=pk).url}#point-{point.ordre}")


def point(request, pk, point_pk, formulaires=None, status=200):
    """What a member reads before voting: the dossier, its financing plan with each
    co-funder's proposal on its line (and a form for the lines the reader may propose on), the
    grid results; once decided, the decision line by line."""
    seance = seance_pour(utilisateur=request.user, pk=pk)
    point_ = get_object_or_404(seance.points.select_related("projet"), pk=point_pk)
    projet = projet_pour(utilisateur=request.user, reference=point_.projet.reference)
    contexte = _contexte_seance(request, seance)
    ligne = next(p for p in contexte["points"] if p["point"].pk == point_.pk)
    lignes = list(projet.lignes_financement.select_related("signataire"))
    contexte.update(
        {
            "ligne": ligne,
            "projet": projet,
            "lignes": lignes,
            "total_lignes": sum((lf.montant for lf in lignes), 0),
            "phases": list(projet.phases.all()),
            "resultats": resultats_grille(projet=projet),
            "arbitrages": [
                (
                    la,
                    (formulaires or {}).get(la.ligne.pk) or _formulaire_d_arbitrage(la)
                    if la.peut_proposer
                    else None,
                )
                for la in lignes_arbitrees(point=point_, utilisateur=request.user, lignes=lignes)
            ],
            "decision_lignes": (
                decisions_par_ligne(decision=point_.decision) if hasattr(point_, "decision") else []
            ),
            "formulaires_refuses": list((formulaires or {}).values()),
        }
    )
    return render(request, "gouvernance/point.html", contexte, status=status)


def _formulaire_d_arbitrage(la) -> ArbitrageForm:
    a = la.arbitrage
    initial = (
        {"issue": a.issue, "montant": a.montant if a.montant else None, "motif": a.motif}
        if a is not None
        else {"issue": IssueLigne.PROGRAMMEE}
    )
    return ArbitrageForm(initial=initial, prefix=f"ligne-{la.ligne.pk}")


@require_POST
def arbitrer(request, pk, point_pk, ligne_pk):
    """A co-funder's proposal on its own line (or the secretariat's, on its behalf)."""
    seance = seance_pour(utilisateur=request.user, pk=pk)
    point_ = get_object_or_404(seance.points.select_related("projet"), pk=point_pk)
    ligne = get_object_or_404(point_.projet.lignes_financement, pk=ligne_pk)
    form = ArbitrageForm(request.POST, prefix=f"ligne-{ligne.pk}")
    if form.is_valid():
        donnees = form.cleaned_data
        try:
            services.arbitrage_enregistrer(
                point=point_,
                ligne=ligne,
                issue=donnees["issue"],
                montant=donnees["montant"],
                motif=donnees["motif"],
                par=request.user,
            )
        except ActionNonAutorisee as erreur:
            raise PermissionDenied(erreur.message) from erreur
        except RegleMetierError as erreur:
            if not erreur.erreurs or set(erreur.erreurs) <= {"__all__"}:
                messages.error(request, erreur.message)
                return redirect("gouvernance:point", pk=pk, point_pk=point_pk)
            ajouter_erreurs(form, erreur)
        else:
            issue = IssueLigne(donnees["issue"])
            messages.success(
                request,
                f"Proposition « {issue.label.lower()} » enregistrée sur la ligne "
                f"{ligne.financeur} : le comité la décidera à la clôture de la séance.",
            )
            return redirect(f"{reverse('gouvernance:point', args=[pk, point_pk])}#ligne-{ligne.pk}")
    return point(request, pk, point_pk, formulaires={ligne.pk: form}, status=400)


def _visible_decompte(request, seance) -> None:
    moi = membre_actif(utilisateur=request.user, comite=seance.comite, jour=jour_de(seance))
    if not peut_gerer_seances(request.user, moi):
        raise PermissionDenied("Le décompte en direct est réservé au secrétariat du comité.")


def decompte_page(request, pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    _visible_decompte(request, seance)
    return render(
        request,
        "gouvernance/decompte.html",
        {"seance": seance, "lignes": decompte(seance=seance), "quorum": etat_quorum(seance=seance)},
    )


def decompte_json(request, pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    _visible_decompte(request, seance)
    quorum = etat_quorum(seance=seance)
    return JsonResponse(
        {
            "etat": seance.etat,
            "quorum": {
                "votants": quorum.votants,
                "presents": quorum.presents,
                "requis": quorum.requis,
                "atteint": quorum.atteint,
            },
            "points": [
                {
                    "id": ligne.point.pk,
                    "pour": ligne.pour,
                    "contre": ligne.contre,
                    "abstention": ligne.abstention,
                    "total": ligne.total,
                    "en_attente": ligne.en_attente,
                }
                for ligne in decompte(seance=seance)
            ],
        }
    )


def proces_verbal(request, pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    if not est_close(seance):
        messages.info(request, "Le procès-verbal est établi à la clôture de la séance.")
        return redirect("gouvernance:seance", pk=pk)
    return render(request, "gouvernance/proces_verbal.html", contexte_proces_verbal(seance=seance))


def grille(request):
    _exiger_gouvernance(request)
    return render(
        request,
        "gouvernance/grille.html",
        {
            "grille": grille_active(),
            "grille_obligatoire": settings.GOUVERNANCE_GRILLE_OBLIGATOIRE,
            "regle_instruction": EtatInstruction(
                [], settings.GOUVERNANCE_INSTRUCTION_TOUS_COFINANCEURS
            ).regle,
        },
    )


def _lignes_grille(form: EvaluationForm) -> list[dict]:
    """Each criterion with its current mark, comment and errors, for the grid's template."""
    return [
        {
            "critere": c,
            "note": form[f"note_{c.code}"].value(),
            "commentaire": form[f"commentaire_{c.code}"].value() or "",
            "erreurs": form.errors.get(f"note_{c.code}", []),
            "echelle": range(c.echelle_max + 1),
        }
        for c in form.criteres
    ]


def _resume_grille(form: EvaluationForm) -> list[dict[str, str]]:
    """The grid's errors for the summary at the top of the page, each linking to the first
    radio button of its row (the grid is written by hand, not by the form)."""
    if not form.is_bound:
        return []
    erreurs = [
        {"ancre": "erreurs-generales", "libelle": "", "message": str(texte)}
        for texte in form.non_field_errors()
    ]
    for c in form.criteres:
        erreurs += [
            {"ancre": f"note_{c.code}_0", "libelle": c.libelle, "message": str(texte)}
            for texte in form.errors.get(f"note_{c.code}", [])
        ]
    erreurs += [
        {"ancre": f"avis_{Avis.values[0]}", "libelle": "Avis", "message": str(texte)}
        for texte in form.errors.get("avis", [])
    ]
    return erreurs


def _initial_grille(existante: Evaluation | None) -> dict[str, object]:
    if existante is None:
        return {}
    initial: dict[str, object] = {"avis": existante.avis, "commentaire": existante.commentaire}
    for note in existante.notes.select_related("critere"):
        initial[f"note_{note.critere.code}"] = note.note
        initial[f"commentaire_{note.critere.code}"] = note.commentaire
    return initial


def _enregistrer_grille(
    request, projet: Projet, form: EvaluationForm, cofinanceur: Signataire
) -> HttpResponse | None:
    """Save the draft or file the co-funder's grid; None when refused (errors on the form)."""
    deposer = "deposer" in request.POST
    service = services.evaluation_deposer if deposer else services.evaluation_enregistrer
    try:
        service(
            projet=projet,
            par=request.user,
            notes=form.notes(),
            avis=form.cleaned_data["avis"],
            commentaire=form.cleaned_data["commentaire"],
            signataire=cofinanceur,
        )
    except ActionNonAutorisee as erreur:
        raise PermissionDenied(erreur.message) from erreur
    except RegleMetierError as erreur:
        ajouter_erreurs(form, erreur)
        messages.error(request, erreur.message)
        return None
    if deposer:
        projet.refresh_from_db()
        motif = etat_instruction(projet=projet).motif
        if projet.statut == Statut.INSTRUIT and not motif:
            messages.success(
                request,
                f"Grille {cofinanceur.de_nom} déposée : l'instruction du dossier est terminée.",
            )
        else:
            messages.success(request, f"Grille {cofinanceur.de_nom} déposée. {motif}")
        return redirect("projets:detail", reference=projet.reference)
    messages.success(request, "Grille enregistrée (brouillon).")
    return redirect(_url_grille(projet, cofinanceur, request.user))


def _url_grille(projet: Projet, cofinanceur: Signataire, utilisateur) -> str:
    url = reverse("gouvernance:evaluation", args=[projet.reference])
    return f"{url}?signataire={cofinanceur.code}" if utilisateur.est_administrateur else url


def _grille_de(request) -> GrilleAnalyse:
    if not peut_instruire(request.user):
        raise PermissionDenied("Seuls les agents des signataires instruisent les dossiers.")
    grille_ = grille_active()
    if grille_ is None:
        raise Http404
    return grille_


def _cofinanceur_de_la_page(
    request, projet: Projet, instruction: EtatInstruction
) -> Signataire | None:
    """Whose grid the page fills: an agent's own signatory, when it co-funds the dossier (else
    403, with why); for the secretariat, the co-funder chosen (None until it chooses)."""
    cofinanceurs = {c.signataire.code: c.signataire for c in instruction.cofinanceurs}
    if request.user.est_administrateur:
        code = request.POST.get("signataire") or request.GET.get("signataire") or ""
        return cofinanceurs.get(code)
    propre = Signataire.objects.filter(organisation_id=request.user.organisation_id).first()
    if propre is None or propre.code not in cofinanceurs:
        droit = verdict(request.user, projet, ActionDossier.REMPLIR_GRILLE)
        raise PermissionDenied(
            droit.motif
            or "Vous ne pouvez pas remplir la grille d'analyse de ce dossier : votre signataire "
            "ne le cofinance pas."
        )
    return propre


def evaluation(request, reference):
    """A co-funder's agent (or the secretariat on its behalf) fills the co-funder's grid for a
    dossier and its opinion on its line: saved as a draft, or filed."""
    projet = projet_pour(utilisateur=request.user, reference=reference)
    grille_ = _grille_de(request)
    instruction = etat_instruction(projet=projet)
    cofinanceur = _cofinanceur_de_la_page(request, projet, instruction)
    contexte = {"projet": projet, "grille": grille_, "instruction": instruction}
    if cofinanceur is None:
        # The secretariat chooses the co-funder it files for.
        return render(request, "gouvernance/evaluation.html", contexte)
    existante = projet.evaluations.filter(signataire=cofinanceur).order_by("-grille__version")
    existante = existante.first()
    if request.method == "POST":
        form = EvaluationForm(request.POST, grille=grille_)
        if form.is_valid():
            reponse = _enregistrer_grille(request, projet, form, cofinanceur)
            if reponse is not None:
                return reponse
        else:
            messages.error(
                request, "La grille n'a pas été enregistrée : corrigez les points signalés."
            )
    else:
        form = EvaluationForm(initial=_initial_grille(existante), grille=grille_)
    ligne = next(c for c in instruction.cofinanceurs if c.signataire.pk == cofinanceur.pk)
    contexte.update(
        {
            "cofinanceur": cofinanceur,
            "montant_cofinanceur": ligne.montant,
            "pour_le_compte_de": request.user.est_administrateur,
            "form": form,
            "criteres": _lignes_grille(form),
            "avis": form["avis"].value() or "",
            "commentaire": form["commentaire"].value() or "",
            "erreurs_avis": form.errors.get("avis", []),
            "erreurs_resume": _resume_grille(form),
            "deposee": bool(existante and existante.deposee_le),
            "modifiable": grille_ouverte(projet),
            "choix_avis": Avis.choices,
        }
    )
    return render(request, "gouvernance/evaluation.html", contexte)
