"""Pages of the execution by the porteur (issue 16): the dossier's progress and payment
requests, a request to one funder, its instruction by that funder's agents. Thin: the rules are
`financement.execution`'s and `projets.droits`'."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from financement.execution import (
    demande_completer,
    demande_deposer,
    demande_instruire,
    ligne_soldee,
    plafond,
    taux_acomptes,
    taux_avance,
)
from financement.forms import (
    AvancementForm,
    ComplementForm,
    DemandeForm,
    DepensesFormSet,
    InstructionForm,
    depenses_saisies,
)
from financement.models import StatutDemande, TypePaiement
from financement.permissions import peut_executer
from financement.selectors import demande_pour, ligne_pour, lignes_en_execution
from projets.droits import ActionDossier, peut
from projets.execution import AvancementSaisi, avancement_declarer
from projets.selectors import projet_pour
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError


def _vers_formulaire(erreur: RegleMetierError, form, formset=None) -> None:
    for champ, textes in erreur.erreurs.items():
        for texte in textes:
            if champ == "depenses" and formset is not None:
                formset._non_form_errors = formset.error_class([*formset.non_form_errors(), texte])
            elif champ == "documents" and "justificatif" in form.fields:
                form.add_error("justificatif", texte)
            else:
                form.add_error(champ if champ in form.fields else None, texte)


def _regles() -> dict[str, object]:
    return {"taux_avance": taux_avance(), "taux_acomptes": taux_acomptes()}


def execution(request, reference):
    """The dossier's execution: its progress (declared by its porteur) and, per funder line,
    the payment requests and what each nature of request may still ask."""
    projet = projet_pour(utilisateur=request.user, reference=reference)
    form = None
    peut_declarer = peut(request.user, projet, ActionDossier.DECLARER_AVANCEMENT)
    if request.method == "POST":
        if not peut_declarer:
            raise PermissionDenied(
                "Seul le porteur du dossier (ou le secrétariat du CPER) déclare son avancement, "
                "quand il est programmé ou en cours."
            )
        form = AvancementForm(request.POST)
        if form.is_valid():
            try:
                avancement_declarer(
                    projet=projet, par=request.user, saisie=AvancementSaisi(**form.cleaned_data)
                )
            except RegleMetierError as erreur:
                _vers_formulaire(erreur, form)
            else:
                messages.success(request, "Avancement déclaré.")
                return redirect("financement:execution", reference=reference)
    lignes = lignes_en_execution(projet=projet)
    peut_demander = peut(request.user, projet, ActionDossier.DEMANDER_PAIEMENT)
    peut_instruire = peut(request.user, projet, ActionDossier.INSTRUIRE_PAIEMENT)
    for ligne in lignes:
        # The requests and their expenses are read once, with the lines (issue 14).
        demandes = list(ligne.demandes_paiement.all())
        ligne.soldee = ligne_soldee(ligne, demandes)
        ligne.ouverte = next((d for d in demandes if d.est_ouverte), None)
        ligne.peut_demander = peut_demander and not ligne.soldee and ligne.ouverte is None
        ligne.peut_instruire = peut_instruire and peut_executer(request.user, ligne.signataire)
        if not ligne.soldee:
            ligne.plafonds = [
                (TypePaiement(t).label, plafond(ligne=ligne, type_=t, demandes=demandes))
                for t in TypePaiement.values
            ]
    return render(
        request,
        "financement/execution.html",
        {
            "projet": projet,
            "avancements": list(projet.avancements.select_related("par")),
            "form": form if form is not None else (AvancementForm() if peut_declarer else None),
            "lignes": lignes,
            **_regles(),
        },
        status=400 if form is not None and form.errors else 200,
    )


def demander(request, pk):
    """A payment request to the funder of one programmed line, by the dossier's porteur."""
    ligne = ligne_pour(utilisateur=request.user, pk=pk)
    projet = ligne.projet
    if not peut(request.user, projet, ActionDossier.DEMANDER_PAIEMENT):
        raise PermissionDenied(
            "Seul le porteur du dossier (ou le secrétariat du CPER) demande un paiement, quand "
            "le dossier est programmé ou en cours."
        )
    post = request.method == "POST"
    form = DemandeForm(request.POST if post else None, request.FILES if post else None)
    formset = DepensesFormSet(request.POST if post else None, prefix="depenses")
    if post and form.is_valid() and formset.is_valid():
        fichier = form.cleaned_data.get("justificatif")
        try:
            demande = demande_deposer(
                ligne=ligne,
                par=request.user,
                type_=form.cleaned_data["type_"],
                montant=form.cleaned_data["montant_demande"],
                depenses=depenses_saisies(formset),
                etat_final=form.cleaned_data["etat_final"],
                commentaire=form.cleaned_data["commentaire"],
                fichiers=[fichier] if fichier else [],
            )
        except EtatIncompatible as erreur:
            messages.error(request, erreur.message)
            return redirect("financement:execution", reference=projet.reference)
        except RegleMetierError as erreur:
            _vers_formulaire(erreur, form, formset)
        else:
            messages.success(
                request,
                f"Demande déposée : les services {ligne.signataire.de_nom} l'instruisent ; vous "
                "recevrez leur décision par courriel.",
            )
            return redirect("financement:demande", pk=demande.pk)
    return render(
        request,
        "financement/demander.html",
        {
            "ligne": ligne,
            "projet": projet,
            "form": form,
            "formset": formset,
            "plafonds": [
                (TypePaiement(t).label, plafond(ligne=ligne, type_=t)) for t in TypePaiement.values
            ],
            **_regles(),
        },
        status=400 if post else 200,
    )


def _page_demande(
    request, demande, *, form_instruction=None, form_complement=None, formset=None, statut=200
):
    ligne = demande.ligne
    projet = ligne.projet
    peut_instruire = (
        demande.statut == StatutDemande.DEPOSEE
        and peut(request.user, projet, ActionDossier.INSTRUIRE_PAIEMENT)
        and peut_executer(request.user, ligne.signataire)
    )
    peut_completer = demande.statut == StatutDemande.COMPLEMENTS and peut(
        request.user, projet, ActionDossier.DEMANDER_PAIEMENT
    )
    eligible = sum(d.montant_eligible for d in demande.depenses.all())
    return render(
        request,
        "financement/demande.html",
        {
            "demande": demande,
            "ligne": ligne,
            "projet": projet,
            "depenses": list(demande.depenses.all()),
            "total_eligible": eligible,
            "documents": list(demande.documents.all()),
            "evenements": list(demande.evenements.select_related("par")),
            "paiements": list(demande.paiements.all()),
            "plafond": plafond(
                ligne=ligne, type_=demande.type, depenses_en_plus=eligible, a_l_acceptation=True
            )
            if peut_instruire
            else None,
            "form_instruction": (
                form_instruction
                or InstructionForm(initial={"montant_accepte": demande.montant_demande})
            )
            if peut_instruire
            else None,
            "form_complement": (form_complement or ComplementForm()) if peut_completer else None,
            "formset": (formset or DepensesFormSet(prefix="depenses")) if peut_completer else None,
            **_regles(),
        },
        status=statut,
    )


def demande(request, pk):
    return _page_demande(request, demande_pour(utilisateur=request.user, pk=pk))


@require_POST
def instruire(request, pk):
    """The decision of the funder's agent (or the secretariat) on a request."""
    d = demande_pour(utilisateur=request.user, pk=pk)
    form = InstructionForm(request.POST)
    if form.is_valid():
        try:
            demande_instruire(
                demande=d,
                par=request.user,
                decision=form.cleaned_data["decision"],
                montant=form.cleaned_data["montant_accepte"],
                motif=form.cleaned_data["motif"],
                reference=form.cleaned_data["reference"],
            )
        except ActionNonAutorisee:
            raise  # the French 403 page with the reason (socle.middleware)
        except EtatIncompatible as erreur:
            messages.error(request, erreur.message)
            return redirect("financement:demande", pk=pk)
        except RegleMetierError as erreur:
            _vers_formulaire(erreur, form)
        else:
            messages.success(request, "Décision enregistrée : le porteur en est averti.")
            return redirect("financement:demande", pk=pk)
    return _page_demande(request, d, form_instruction=form, statut=400)


@require_POST
def completer(request, pk):
    """The porteur's complements to a request the funder sent back."""
    d = demande_pour(utilisateur=request.user, pk=pk)
    form = ComplementForm(request.POST, request.FILES)
    formset = DepensesFormSet(request.POST, prefix="depenses")
    if form.is_valid() and formset.is_valid():
        fichier = form.cleaned_data.get("justificatif")
        try:
            demande_completer(
                demande=d,
                par=request.user,
                depenses=depenses_saisies(formset),
                montant=form.cleaned_data["montant_demande"],
                commentaire=form.cleaned_data["commentaire"],
                fichiers=[fichier] if fichier else [],
            )
        except ActionNonAutorisee:
            raise
        except EtatIncompatible as erreur:
            messages.error(request, erreur.message)
            return redirect("financement:demande", pk=pk)
        except RegleMetierError as erreur:
            _vers_formulaire(erreur, form, formset)
        else:
            messages.success(request, "Demande complétée : elle retourne au financeur.")
            return redirect("financement:demande", pk=pk)
    return _page_demande(request, d, form_complement=form, formset=formset, statut=400)
