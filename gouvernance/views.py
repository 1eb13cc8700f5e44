"""Pages of governance: committees, sessions (agenda, attendance, votes), tally, minutes, and the
analysis grid. Thin: every write goes through `gouvernance.services`."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gouvernance import services
from gouvernance.models import (
    ChoixVote,
    Membre,
    PointOrdreDuJour,
    StatutPresence,
    Vote,
)
from gouvernance.permissions import (
    a_voix_deliberative,
    peut_gerer_seances,
    peut_instruire,
    voit_la_gouvernance,
)
from gouvernance.selectors import (
    comite_pour,
    comites_liste,
    contexte_proces_verbal,
    decompte,
    etat_quorum,
    grille_active,
    jour_de,
    membre_actif,
    membres_de_seance,
    membres_du_comite,
    points_de_seance,
    presences_de_seance,
    projets_inscriptibles,
    resultats_grille,
    seance_pour,
)
from projets.models import Statut
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


def comite(request, code):
    comite = comite_pour(utilisateur=request.user, code=code)
    moi = membre_actif(utilisateur=request.user, comite=comite)
    return render(
        request,
        "gouvernance/comite.html",
        {
            "comite": comite,
            "membres": list(membres_du_comite(comite=comite)),
            "seances": list(comite.seances.order_by("-date")),
            "peut_gerer": peut_gerer_seances(request.user, moi),
            "maintenant": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


@require_POST
def seance_creer(request, code):
    comite = comite_pour(utilisateur=request.user, code=code)
    try:
        date = timezone.make_aware(datetime.fromisoformat(request.POST.get("date", "")))
    except ValueError:
        messages.error(request, "Indiquez la date et l'heure de la séance.")
        return redirect("gouvernance:comite", code=code)
    try:
        seance = services.seance_creer(
            comite=comite,
            date=date,
            lieu=request.POST.get("lieu", ""),
            lien_visio=request.POST.get("lien_visio", ""),
            par=request.user,
        )
    except RegleMetierError as erreur:
        _refus(request, erreur)
        return redirect("gouvernance:comite", code=code)
    messages.success(request, "Séance planifiée.")
    return redirect("gouvernance:seance", pk=seance.pk)


def _contexte_seance(request, seance):
    moi = membre_actif(utilisateur=request.user, comite=seance.comite, jour=jour_de(seance))
    points = points_de_seance(seance=seance)
    presences = presences_de_seance(seance=seance)
    membres = list(membres_de_seance(seance=seance))
    mes_votes = {}
    bulletins = []  # (membre for whom I vote, label)
    if moi is not None:
        ma_presence = presences.get(moi.pk)
        if ma_presence and ma_presence.statut == StatutPresence.PRESENT:
            if a_voix_deliberative(moi):
                bulletins.append((moi, "Mon vote"))
            for p in presences.values():
                if p.mandataire_id == moi.pk:
                    bulletins.append((p.membre, f"Pour {p.membre.utilisateur} (pouvoir)"))
        for vote in Vote.objects.filter(point__seance=seance, membre__in=[m for m, _ in bulletins]):
            mes_votes[(vote.point_id, vote.membre_id)] = vote.choix
    lignes_points = []
    for point in points:
        recuses = {r.membre_id for r in point.recusations.all()}
        if moi is not None and seance.etat == "ouverte":
            votes = []
            for membre, libelle in bulletins:
                votes.append(
                    {
                        "membre": membre,
                        "libelle": libelle,
                        "recuse": membre.pk in recuses
                        or (
                            point.projet.maitre_ouvrage_id is not None
                            and membre.organisation_id == point.projet.maitre_ouvrage_id
                        ),
                        "choix": mes_votes.get((point.pk, membre.pk)),
                    }
                )
        else:
            votes = []
        lignes_points.append(
            {"point": point, "bulletins": votes, "recusations": point.recusations.all()}
        )
    return {
        "seance": seance,
        "moi": moi,
        "points": lignes_points,
        "membres": [(m, presences.get(m.pk)) for m in membres],
        "votants": [m for m in membres if a_voix_deliberative(m)],
        "quorum": etat_quorum(seance=seance),
        "peut_gerer": peut_gerer_seances(request.user, moi),
        "choix": ChoixVote.choices,
        "statuts_presence": StatutPresence.choices,
    }


def seance(request, pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    contexte = _contexte_seance(request, seance)
    if contexte["peut_gerer"] and seance.etat == "planifiee":
        contexte["inscriptibles"] = list(projets_inscriptibles(seance=seance))
    return render(request, "gouvernance/seance.html", contexte)


@require_POST
def seance_inscrire(request, pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    projet = projet_pour(utilisateur=request.user, reference=request.POST.get("projet", ""))
    try:
        services.seance_inscrire_projet(seance=seance, projet=projet, par=request.user)
    except RegleMetierError as erreur:
        _refus(request, erreur)
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
    try:
        service(seance=seance, par=request.user)
    except RegleMetierError as erreur:
        _refus(request, erreur)
    else:
        messages.success(request, message)
    return redirect("gouvernance:seance", pk=pk)


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
        {"seance": seance, "quorum": etat_quorum(seance=seance), "lignes": decompte(seance=seance)},
    )


@require_POST
def presences(request, pk):
    """The whole attendance sheet at once: nothing is written if one line is refused."""
    seance = seance_pour(utilisateur=request.user, pk=pk)
    actuelles = presences_de_seance(seance=seance)
    membres = {m.pk: m for m in membres_de_seance(seance=seance)}
    try:
        with transaction.atomic():
            for membre_pk, membre in membres.items():
                statut = request.POST.get(f"presence_{membre_pk}", "")
                if not statut:
                    continue
                mandataire_pk = request.POST.get(f"mandataire_{membre_pk}") or None
                mandataire = membres.get(int(mandataire_pk)) if mandataire_pk else None
                actuelle = actuelles.get(membre_pk)
                if (
                    actuelle
                    and actuelle.statut == statut
                    and (actuelle.mandataire_id == (mandataire.pk if mandataire else None))
                ):
                    continue
                services.presence_enregistrer(
                    seance=seance,
                    membre=membre,
                    statut=statut,
                    mandataire=mandataire if statut == StatutPresence.REPRESENTE else None,
                    par=request.user,
                )
    except RegleMetierError as erreur:
        _refus(request, erreur)
        messages.error(request, "La feuille de présence n'a pas été enregistrée.")
    except ValueError as erreur:
        raise Http404 from erreur
    else:
        messages.success(request, "Feuille de présence enregistrée.")
    return redirect("gouvernance:seance", pk=pk)


@require_POST
def voter(request, pk, point_pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    point = get_object_or_404(
        PointOrdreDuJour.objects.select_related("seance"), pk=point_pk, seance=seance
    )
    pour_membre = None
    if request.POST.get("pour_membre"):
        pour_membre = get_object_or_404(
            Membre, pk=request.POST["pour_membre"], comite_id=seance.comite_id
        )
    choix = request.POST.get("choix", "")
    modifier = bool(request.POST.get("modifier"))
    service = services.vote_modifier if modifier else services.vote_enregistrer
    try:
        service(point=point, choix=choix, par=request.user, pour_membre=pour_membre)
    except RegleMetierError as erreur:
        _refus(request, erreur)
    else:
        messages.success(
            request,
            f"Vote « {dict(ChoixVote.choices).get(choix)} » enregistré sur le dossier "
            f"{point.projet.reference}. Vous pouvez le changer jusqu'à la clôture.",
        )
    retour = request.POST.get("retour")
    if retour == "point":
        return redirect("gouvernance:point", pk=pk, point_pk=point_pk)
    return redirect(f"{redirect('gouvernance:seance', pk=pk).url}#point-{point.ordre}")


def point(request, pk, point_pk):
    """What a member reads before voting: the dossier, its financing plan, the grid results."""
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
        }
    )
    return render(request, "gouvernance/point.html", contexte)


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
                }
                for ligne in decompte(seance=seance)
            ],
        }
    )


def proces_verbal(request, pk):
    seance = seance_pour(utilisateur=request.user, pk=pk)
    if seance.etat != "close":
        messages.info(request, "Le procès-verbal est établi à la clôture de la séance.")
        return redirect("gouvernance:seance", pk=pk)
    return render(request, "gouvernance/proces_verbal.html", contexte_proces_verbal(seance=seance))


def grille(request):
    _exiger_gouvernance(request)
    return render(request, "gouvernance/grille.html", {"grille": grille_active()})


def evaluation(request, reference):
    """An instructor fills the grid for a dossier: saved as a draft, or filed."""
    projet = projet_pour(utilisateur=request.user, reference=reference)
    if not peut_instruire(request.user):
        raise PermissionDenied("Seuls les agents des signataires instruisent les dossiers.")
    grille_ = grille_active()
    if grille_ is None:
        raise Http404
    existante = projet.evaluations.filter(grille=grille_, instructeur=request.user).first()
    valeurs = {}
    if existante:
        for note in existante.notes.all():
            valeurs[note.critere_id] = (note.note, note.commentaire)
    erreurs: dict[str, list[str]] = {}
    avis = existante.avis if existante else ""
    commentaire = existante.commentaire if existante else ""
    if request.method == "POST":
        notes = []
        for critere in grille_.criteres.all():
            brute = request.POST.get(f"note_{critere.code}", "").strip()
            texte = request.POST.get(f"commentaire_{critere.code}", "")
            try:
                note = int(brute) if brute else None
            except ValueError:
                note = -1
            notes.append(services.NoteSaisie(critere.code, note, texte))
            valeurs[critere.pk] = (brute, texte)
        avis = request.POST.get("avis", "")
        commentaire = request.POST.get("commentaire", "")
        deposer = "deposer" in request.POST
        try:
            if deposer:
                services.evaluation_deposer(
                    projet=projet, par=request.user, notes=notes, avis=avis, commentaire=commentaire
                )
            else:
                services.evaluation_enregistrer(
                    projet=projet, par=request.user, notes=notes, avis=avis, commentaire=commentaire
                )
        except ActionNonAutorisee as erreur:
            raise PermissionDenied(erreur.message) from erreur
        except RegleMetierError as erreur:
            erreurs = erreur.erreurs
            messages.error(request, erreur.message)
        else:
            if deposer:
                messages.success(request, "Grille déposée : l'instruction du dossier est terminée.")
                return redirect("projets:detail", reference=reference)
            messages.success(request, "Grille enregistrée (brouillon).")
            return redirect("gouvernance:evaluation", reference=reference)
    criteres = [
        {
            "critere": c,
            "note": valeurs.get(c.pk, ("", ""))[0],
            "commentaire": valeurs.get(c.pk, ("", ""))[1],
            "erreurs": erreurs.get(f"note_{c.code}", []),
            "echelle": range(c.echelle_max + 1),
        }
        for c in grille_.criteres.all()
    ]
    return render(
        request,
        "gouvernance/evaluation.html",
        {
            "projet": projet,
            "grille": grille_,
            "criteres": criteres,
            "avis": avis,
            "commentaire": commentaire,
            "erreurs_avis": erreurs.get("avis", []),
            "deposee": bool(existante and existante.deposee_le),
            "modifiable": projet.statut in (Statut.EN_INSTRUCTION, Statut.INSTRUIT),
            "choix_avis": [
                ("favorable", "Favorable"),
                ("reserve", "Réservé"),
                ("defavorable", "Défavorable"),
            ],
        },
    )
