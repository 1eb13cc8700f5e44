from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from axes.cache import memorise_en_memoire
from comptes.models import Role
from projets.droits import ActionDossier, est_operation_du_contrat, verdict
from projets.filters import ProjetFilter
from projets.forms import (
    DemandePiecesForm,
    DocumentForm,
    LignesFormSet,
    LignesReequilibrageFormSet,
    PhasesFormSet,
    ProjetForm,
    ReequilibrageForm,
    RemplacementForm,
    donnees_projet,
    initial_projet,
    lignes_valides,
)
from projets.models import Projet
from projets.permissions import peut_creer_projet, peut_modifier_projet
from projets.pieces import demandes_ouvertes, etat_des_pieces, types_demandes
from projets.reequilibrage import plan_reequilibrer
from projets.selectors import (
    historique_projet,
    page_de_la_liste,
    projet_pour,
    projets_pour_la_page_liste,
)
from projets.services import (
    actions_possibles,
    document_deposer,
    pieces_demander,
    projet_creer,
    projet_modifier,
    projet_transitionner,
    taux_autofinancement_minimum,
)
from projets.services import document_remplacer as document_remplacer_service
from projets.services import document_retirer as document_retirer_service
from projets.workflow import AVEC_SUIVI_FINANCIER, MODIFIABLE_PAR_PORTEUR, TRANSITIONS, Action
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError

TAILLE_PAGE = 50


def liste(request):
    filtre = ProjetFilter(
        request.GET or None,
        queryset=projets_pour_la_page_liste(utilisateur=request.user).order_by("reference"),
    )
    projets = filtre.qs if filtre.is_bound and filtre.is_valid() else filtre.queryset
    page, lignes = page_de_la_liste(projets, request.GET.get("page"), TAILLE_PAGE)
    if set(request.GET) <= {"page"}:
        # Without a filter the form is the same for everyone and changes with the programme
        # only (its choices): written once per process while the programme stays the same.
        filtres = memorise_en_memoire(
            "projets:liste:filtres",
            lambda: render_to_string("projets/_filtres.html", {"form": filtre.form}),
        )
    else:
        filtres = render_to_string("projets/_filtres.html", {"form": filtre.form})
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "projets/liste.html",
        {
            "filtres": filtres,
            "page": page,
            "lignes": lignes,
            "parametres": parametres.urlencode(),
            "peut_creer": peut_creer_projet(request.user),
        },
    )


def detail(request, reference, form_document=None, statut=200):
    projet = projet_pour(utilisateur=request.user, reference=reference)
    lignes = list(projet.lignes_financement.select_related("signataire"))
    total = sum((ligne.montant for ligne in lignes), 0)
    taux_minimum, fondement = taux_autofinancement_minimum(projet)
    documents = list(projet.documents.select_related("depose_par"))
    return render(
        request,
        "projets/detail.html",
        {
            "projet": projet,
            "lignes": lignes,
            "total_lignes": total,
            "ecart": (projet.cout_total_ht - total) if projet.cout_total_ht is not None else None,
            "taux_minimum": taux_minimum,
            "fondement_taux": fondement,
            # The model's order without its first key (the dossier's reference: a join).
            "phases": list(projet.phases.order_by("annee_debut", "pk")),
            "communes": list(projet.communes.all()),
            "departements": list(projet.departements.all()),
            "territoires": list(projet.territoires_speciaux.all()),
            "transitions": list(projet.transitions.select_related("par")),
            "documents": documents,
            **_contexte_pieces(request.user, projet, documents),
            "historique": historique_projet(projet=projet),
            "actions": [
                (a, Action(a).label, TRANSITIONS[a].commentaire_obligatoire)
                for a in actions_possibles(projet, request.user)
            ],
            "a_un_suivi_financier": projet.statut in AVEC_SUIVI_FINANCIER,
            # Issue 16: where the works stand, as the porteur last declared it.
            "avancement": projet.avancements.select_related("par").first()
            if projet.statut in AVEC_SUIVI_FINANCIER
            else None,
            "peut_modifier": peut_modifier_projet(request.user, projet),
            "peut_reequilibrer": projet.montant_a_reequilibrer > 0
            and verdict(request.user, projet, ActionDossier.REEQUILIBRER).permis,
            # A refused upload shows its form again, the reason under the file field.
            **({"form_document": form_document} if form_document is not None else {}),
        },
        status=statut,
    )


# The API's names of a plan line's fields, as the page names them (one « Financeur » select
# holds a signatory or another source).
CHAMPS_DE_LA_LIGNE = {"signataire": "financeur", "source": "financeur"}


def _ajouter_au_tableau(formset, texte: str) -> None:
    formset._non_form_errors = formset.error_class(
        [*formset.non_form_errors(), texte], renderer=formset.renderer
    )


def _erreurs_des_rangees(erreur: RegleMetierError, lignes) -> None:
    """Each line's refusal beside its cell: the service numbers the lines it was given, the
    rows typed and kept (`lignes_valides`), in the same order."""
    rangees = lignes_valides(lignes) if lignes.is_bound else []
    for rang, erreurs in enumerate(erreur.rangees.get("lignes", [])):
        for champ, textes in erreurs.items():
            nom = CHAMPS_DE_LA_LIGNE.get(champ, champ)
            for texte in textes:
                if rang < len(rangees) and nom in rangees[rang].fields:
                    rangees[rang].add_error(nom, texte)
                else:
                    texte = f"Ligne {rang + 1} : {texte[:1].lower()}{texte[1:]}"
                    _ajouter_au_tableau(lignes, texte)


def _contexte_pieces(utilisateur, projet, documents) -> dict:
    """The pieces part of the dossier page: the checklist asked at filing, the open requests
    for more pieces, and what the person may do with the pieces now."""
    demandes = demandes_ouvertes(projet)
    joindre = verdict(utilisateur, projet, ActionDossier.JOINDRE_DOCUMENT).permis
    completer = (
        not joindre
        and bool(demandes)
        and verdict(utilisateur, projet, ActionDossier.JOINDRE_PIECE_DEMANDEE).permis
    )
    return {
        # Asked at filing: not of an operation the contract lists, never filed.
        "pieces_au_depot": etat_des_pieces(projet, {d.type_piece for d in documents})
        if not est_operation_du_contrat(projet)
        and (projet.statut in MODIFIABLE_PAR_PORTEUR or projet.depose_le is not None)
        else [],
        "demandes_pieces": demandes,
        "peut_joindre": joindre or completer,
        "form_document": DocumentForm(types=types_demandes(demandes) if completer else None),
        "peut_retirer": verdict(utilisateur, projet, ActionDossier.RETIRER_DOCUMENT).permis,
        "peut_remplacer": verdict(utilisateur, projet, ActionDossier.REMPLACER_DOCUMENT).permis,
        "peut_demander_pieces": verdict(utilisateur, projet, ActionDossier.DEMANDER_PIECES).permis,
    }


def _appliquer_erreurs(erreur: RegleMetierError, form, lignes, phases) -> None:
    """Show each business-rule message next to its field, each line's next to its cell."""
    for champ, textes in erreur.erreurs.items():
        for texte in textes:
            if champ == "lignes":
                _ajouter_au_tableau(lignes, texte)
            elif champ == "phases":
                _ajouter_au_tableau(phases, texte)
            elif champ in form.fields:
                form.add_error(champ, texte)
            else:
                form.add_error(None, texte)
    _erreurs_des_rangees(erreur, lignes)


def _formulaires_initiaux(projet, porteur: bool):
    """The dossier's form and its two tables, filled from the stored dossier (or empty, with
    two blank lines of financing plan and one phase to start with)."""
    initial: dict = {}
    lignes_init: list[dict] = []
    phases_init: list[dict] = []
    if projet is not None:
        initial, lignes_init, phases_init = initial_projet(projet)
    form = ProjetForm(initial=initial, porteur=porteur)
    lignes = LignesFormSet(initial=lignes_init or None, prefix="lignes")
    phases = PhasesFormSet(initial=phases_init or None, prefix="phases")
    if not lignes_init:
        lignes.extra = 2
    if not phases_init:
        phases.extra = 1
    return form, lignes, phases


def _avec_une_rangee(donnees, ajout, porteur):
    """Server-side "add a row", so that the table works without JavaScript: the same input
    with one more row, shown without errors."""
    donnees = donnees.copy()
    prefixe = "lignes" if ajout == "ligne" else "phases"
    donnees[f"{prefixe}-TOTAL_FORMS"] = int(donnees[f"{prefixe}-TOTAL_FORMS"]) + 1
    form = ProjetForm(donnees, porteur=porteur)
    lignes = LignesFormSet(donnees, prefix="lignes")
    phases = PhasesFormSet(donnees, prefix="phases")
    form.is_bound = lignes.is_bound = phases.is_bound = True
    form._errors = {}
    lignes._errors, lignes._non_form_errors = [], lignes.error_class()
    phases._errors, phases._non_form_errors = [], phases.error_class()
    return form, lignes, phases


def _enregistrer(request, projet, form, lignes, phases):
    """Save the checked input (and file it, when asked): the redirect to the dossier, or None
    with each business-rule message next to its field."""
    deposer = "deposer" in request.POST
    try:
        with transaction.atomic():
            donnees = donnees_projet(form, lignes, phases)
            if projet is None:
                resultat = projet_creer(donnees=donnees, par=request.user)
            else:
                resultat = projet_modifier(projet=projet, donnees=donnees, par=request.user)
            if deposer:
                projet_transitionner(projet=resultat, action=Action.DEPOSER, par=request.user)
    except (ActionNonAutorisee, EtatIncompatible) as erreur:
        messages.error(request, erreur.message)
        if projet is not None:
            return redirect("projets:detail", reference=projet.reference)
        raise PermissionDenied(erreur.message) from erreur
    except RegleMetierError as erreur:
        _appliquer_erreurs(erreur, form, lignes, phases)
        if deposer:
            messages.error(
                request,
                "Le dossier n'a pas été déposé et rien n'a été enregistré : "
                "corrigez les points signalés.",
            )
        return None
    messages.success(
        request,
        f"Dossier {resultat.reference} déposé."
        if deposer
        else f"Dossier {resultat.reference} enregistré.",
    )
    return redirect("projets:detail", reference=resultat.reference)


def _formulaire(request, projet=None):
    porteur = request.user.role == Role.PORTEUR and not request.user.est_administrateur
    if request.method != "POST":
        form, lignes, phases = _formulaires_initiaux(projet, porteur)
    else:
        form = ProjetForm(request.POST, porteur=porteur)
        lignes = LignesFormSet(request.POST, prefix="lignes")
        phases = PhasesFormSet(request.POST, prefix="phases")
        ajout = request.POST.get("ajouter")
        if ajout in ("ligne", "phase"):
            form, lignes, phases = _avec_une_rangee(request.POST, ajout, porteur)
        elif form.is_valid() & lignes.is_valid() & phases.is_valid():
            reponse = _enregistrer(request, projet, form, lignes, phases)
            if reponse is not None:
                return reponse
    return render(
        request,
        "projets/formulaire.html",
        {"form": form, "lignes": lignes, "phases": phases, "projet": projet},
    )


def creer(request):
    if not peut_creer_projet(request.user):
        raise PermissionDenied("Votre rôle ne permet pas de créer un projet.")
    return _formulaire(request)


def modifier(request, reference):
    projet = projet_pour(utilisateur=request.user, reference=reference)
    avis = verdict(request.user, projet, ActionDossier.MODIFIER)
    if not avis.permis:
        if not avis.etat:
            raise ActionNonAutorisee(avis.motif)  # the French 403 page (socle.middleware)
        messages.error(request, avis.motif)
        return redirect("projets:detail", reference=reference)
    return _formulaire(request, projet)


def formulaire_refuse(request, projet: Projet, erreur: RegleMetierError) -> HttpResponse:
    """The dossier's form with the filing refusals next to their fields (the action edge of
    `financement.views.projet_action` shows it when « déposer » is refused)."""
    initial, lignes_init, phases_init = initial_projet(projet)
    porteur = request.user.role == Role.PORTEUR and not request.user.est_administrateur
    formulaire = ProjetForm(initial, porteur=porteur)
    formulaire.full_clean()
    lignes = LignesFormSet(initial=lignes_init or None, prefix="lignes")
    phases = PhasesFormSet(initial=phases_init or None, prefix="phases")
    _appliquer_erreurs(erreur, formulaire, lignes, phases)
    messages.error(request, erreur.message)
    return render(
        request,
        "projets/formulaire.html",
        {"form": formulaire, "lignes": lignes, "phases": phases, "projet": projet},
    )


@require_POST
def document_ajouter(request, reference):
    projet = projet_pour(utilisateur=request.user, reference=reference)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = document_deposer(
                projet=projet,
                fichier=form.cleaned_data["fichier"],
                type_piece=form.cleaned_data["type_piece"],
                par=request.user,
            )
        except ActionNonAutorisee:
            raise  # the French 403 page (socle.middleware)
        except RegleMetierError as erreur:
            for texte in [t for textes in erreur.erreurs.values() for t in textes] or [
                erreur.message
            ]:
                form.add_error("fichier", texte)
        else:
            messages.success(
                request,
                f"Document « {document.nom} » ajouté ({document.get_type_piece_display()}).",
            )
            return redirect(f"{reverse('projets:detail', args=[reference])}#documents")
    # The dossier's page again, the reason under the file field and in the error summary.
    return detail(request, reference, form_document=form, statut=400)


@require_POST
def document_retirer(request, reference, pk):
    """The porteur withdraws a piece of its draft (or of its « incomplet » dossier): refused
    with the table's reason otherwise (403, or 409 once the dossier is filed)."""
    projet = projet_pour(utilisateur=request.user, reference=reference)
    document = get_object_or_404(projet.documents, pk=pk)
    document_retirer_service(document=document, par=request.user)  # refusals: socle.middleware
    messages.success(request, f"Document « {document.nom} » retiré du dossier.")
    return redirect(f"{reverse('projets:detail', args=[reference])}#documents")


@require_POST
def document_remplacer(request, reference, pk):
    """The porteur replaces a piece of its draft by a new file of the same type."""
    projet = projet_pour(utilisateur=request.user, reference=reference)
    document = get_object_or_404(projet.documents, pk=pk)
    form = RemplacementForm(request.POST, request.FILES)
    if not form.is_valid():
        avis = verdict(request.user, projet, ActionDossier.REMPLACER_DOCUMENT)
        if not avis.permis:  # who may not replace learns it before the missing file
            raise (EtatIncompatible if avis.etat else ActionNonAutorisee)(avis.motif)
        for textes in form.errors.values():
            for texte in textes:
                messages.error(request, texte)
        return redirect(f"{reverse('projets:detail', args=[reference])}#documents")
    ancien = document.nom
    try:
        nouveau = document_remplacer_service(
            document=document, fichier=form.cleaned_data["fichier"], par=request.user
        )
    except (ActionNonAutorisee, EtatIncompatible):
        raise  # the French 403 / 409 page (socle.middleware)
    except RegleMetierError as erreur:
        for textes in erreur.erreurs.values():
            for texte in textes:
                messages.error(request, texte)
    else:
        messages.success(request, f"Document « {ancien} » remplacé par « {nouveau.nom} ».")
    return redirect(f"{reverse('projets:detail', args=[reference])}#documents")


def pieces_demander_vue(request, reference):
    """An instructor asks the porteur for more pieces after filing (which types, a message)."""
    projet = projet_pour(utilisateur=request.user, reference=reference)
    avis = verdict(request.user, projet, ActionDossier.DEMANDER_PIECES)
    if not avis.permis:
        raise (EtatIncompatible if avis.etat else ActionNonAutorisee)(avis.motif)
    form = DemandePiecesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            demande = pieces_demander(
                projet=projet,
                types=form.cleaned_data["types"],
                message=form.cleaned_data["message"],
                par=request.user,
            )
        except (ActionNonAutorisee, EtatIncompatible):
            raise
        except RegleMetierError as erreur:
            for champ, textes in erreur.erreurs.items():
                for texte in textes:
                    form.add_error(champ if champ in form.fields else None, texte)
        else:
            messages.success(
                request,
                f"Pièces demandées au porteur : {', '.join(demande.libelles)}. Il peut les "
                "joindre au dossier déposé ; la demande se clôt quand toutes sont fournies.",
            )
            return redirect(f"{reverse('projets:detail', args=[reference])}#documents")
    return render(
        request,
        "projets/demande_pieces.html",
        {"projet": projet, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def document_telecharger(request, reference, pk):
    projet = projet_pour(utilisateur=request.user, reference=reference)
    document = get_object_or_404(projet.documents, pk=pk)
    return FileResponse(
        document.fichier.open("rb"),
        as_attachment=True,
        filename=document.nom,
        content_type=document.type_mime,
    )


def reequilibrer(request, reference):
    """After a committee reduced or refused a co-funder's line: the porteur (or the
    secretariat) covers the gap with its own funds, another funder that is not a signatory, or
    a lower cost. Refused with nothing written until the plan balances."""
    projet = projet_pour(utilisateur=request.user, reference=reference)
    avis = verdict(request.user, projet, ActionDossier.REEQUILIBRER)
    if not avis.permis:
        if not avis.etat:
            raise ActionNonAutorisee(avis.motif)
        messages.error(request, avis.motif)
        return redirect("projets:detail", reference=reference)
    if projet.montant_a_reequilibrer <= 0:
        messages.info(request, "Le plan de financement de ce dossier est équilibré.")
        return redirect("projets:detail", reference=reference)
    hors_signataires = list(projet.lignes_financement.filter(signataire=None))
    if request.method == "POST" and request.POST.get("ajouter") == "ligne":
        # Without scripts, « Ajouter une ligne » shows the same input with one more row.
        donnees = request.POST.copy()
        donnees["lignes-TOTAL_FORMS"] = str(int(donnees.get("lignes-TOTAL_FORMS") or 0) + 1)
        form = ReequilibrageForm(initial={"cout_total_ht": donnees.get("cout_total_ht")})
        lignes = LignesReequilibrageFormSet(donnees, prefix="lignes")
        lignes._errors, lignes._non_form_errors = [], lignes.error_class()
        return render(
            request,
            "projets/reequilibrage.html",
            _contexte_reequilibrage(projet, form, lignes),
        )
    if request.method == "POST":
        form = ReequilibrageForm(request.POST)
        lignes = LignesReequilibrageFormSet(request.POST, prefix="lignes")
        if form.is_valid() & lignes.is_valid():
            try:
                plan_reequilibrer(
                    projet=projet,
                    lignes=[f.saisie() for f in lignes_valides(lignes)],
                    cout_total_ht=form.cleaned_data["cout_total_ht"],
                    par=request.user,
                )
            except RegleMetierError as erreur:
                _appliquer_erreurs(erreur, form, lignes, lignes)
                if erreur.message and not erreur.erreurs and not erreur.rangees:
                    form.add_error(None, erreur.message)
            else:
                messages.success(
                    request,
                    f"Plan de financement du dossier {projet.reference} rééquilibré : il couvre "
                    "de nouveau le coût du projet. Les lignes des signataires restent celles "
                    "décidées par le comité.",
                )
                return redirect(f"{reverse('projets:detail', args=[reference])}#reequilibrage")
    else:
        form = ReequilibrageForm()
        lignes = LignesReequilibrageFormSet(
            initial=[
                {
                    "financeur": f"src:{ligne.source}",
                    "nature": ligne.nature,
                    "montant": ligne.montant,
                }
                for ligne in hors_signataires
            ]
            or None,
            prefix="lignes",
        )
    return render(
        request,
        "projets/reequilibrage.html",
        _contexte_reequilibrage(projet, form, lignes),
        status=400 if request.method == "POST" else 200,
    )


def _contexte_reequilibrage(projet, form, lignes) -> dict:
    signataires = [
        ligne
        for ligne in projet.lignes_financement.select_related("signataire")
        if ligne.signataire_id is not None
    ]
    return {
        "projet": projet,
        "form": form,
        "lignes": lignes,
        "lignes_signataires": signataires,
        "total_signataires": sum((ligne.montant for ligne in signataires), 0),
    }
