import csv
import io
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Subquery
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from axes.models import Contrat, Signataire
from axes.selectors import contrat_courant, nombre_signataires
from financement.donnees_ouvertes import (
    COLONNES_PROJETS_PROGRAMMES,
    COLONNES_SCDL,
    lignes_hors_scdl,
)
from financement.forms import (
    ApprobationForm,
    AvenantForm,
    CreditsForm,
    EngagementForm,
    MaquetteForm,
    PaiementForm,
    SiretSignatairesForm,
)
from financement.models import Avenant, JournalFinancier, MaquetteLigne
from financement.permissions import peut_approuver_pour, peut_executer, peut_preparer_avenant
from financement.selectors import (
    engagement_pour,
    enveloppes_a_la_date,
    execution_par_annee,
    execution_par_axe,
    execution_par_departement,
    execution_par_signataire,
    graphique_taux,
    ligne_pour,
    lignes_du_signataire,
    parite_csne,
)
from financement.services import (
    avenant_approuver,
    avenant_creer,
    avenant_mettre_en_vigueur,
    credits_ouvrir,
    date_de_programmation,
    engagement_enregistrer,
    maquette_importer,
    paiement_enregistrer,
    projet_faire_avancer,
    signataires_siret_renseigner,
)
from projets.forms import TransitionForm
from projets.permissions import peut_modifier_projet
from projets.selectors import projet_pour
from projets.views import formulaire_refuse
from projets.workflow import APRES_ACTION, TRANSITIONS, Action
from socle.carte import carte_departements
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from socle.exports import table_schema
from socle.formulaires import MontantField


def _erreurs_vers_formulaire(erreur: RegleMetierError, form) -> None:
    for champ, textes in erreur.erreurs.items():
        for texte in textes:
            form.add_error(champ if champ in form.fields else None, texte)


def _url_projets_programmes(code_insee: str) -> str:
    return (
        reverse("projets:liste")
        + f"?departement={code_insee}&statut=programme&statut=en_cours&statut=solde"
    )


def programme(request):
    contrat = contrat_courant()
    lignes, total = execution_par_signataire(contrat=contrat)
    departements = execution_par_departement(contrat=contrat)
    carte = carte_departements(
        {d.code: d.programme for d in departements},
        titre="Montants programmés par département",
        url=_url_projets_programmes,
    )
    return render(
        request,
        "financement/programme.html",
        {
            "contrat": contrat,
            "lignes": lignes,
            "total": total,
            "axes": execution_par_axe(contrat=contrat),
            "departements": departements,
            "carte": carte,
            "graphique": graphique_taux(
                lignes, "Consommation des enveloppes par signataire (% de chaque enveloppe)"
            ),
            "parite": parite_csne(contrat=contrat),
        },
    )


def signataire(request, code):
    # The signatory of the contract in force (`contrat_courant`), read with it: one query.
    sig = get_object_or_404(
        Signataire.objects.select_related("contrat", "enveloppe", "organisation"),
        contrat_id=Subquery(Contrat.objects.order_by("pk").values("pk")[:1]),
        code=code,
    )
    contrat = sig.contrat
    form = CreditsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not peut_executer(request.user, sig):
            raise PermissionDenied("Seuls les agents de ce signataire ouvrent ses crédits.")
        if form.is_valid():
            try:
                credits_ouvrir(
                    signataire=sig,
                    annee=form.cleaned_data["annee"],
                    montant=form.cleaned_data["montant"],
                    par=request.user,
                )
            except RegleMetierError as erreur:
                _erreurs_vers_formulaire(erreur, form)
            else:
                messages.success(request, "Crédits ouverts enregistrés.")
                return redirect("financement:signataire", code=code)
    date_consultee = None
    if request.GET.get("date"):
        try:
            date_consultee = date.fromisoformat(request.GET["date"])
        except ValueError:
            messages.error(request, "Date invalide : utilisez le format AAAA-MM-JJ.")
    historique = None
    if date_consultee:
        historique = {
            s.code: montant
            for s, montant in enveloppes_a_la_date(contrat=contrat, le=date_consultee)
        }.get(code)
    enveloppe = sig.enveloppe
    return render(
        request,
        "financement/signataire.html",
        {
            "signataire": sig,
            "enveloppe": enveloppe,
            "axes": execution_par_axe(contrat=contrat, signataire=sig),
            "annees": execution_par_annee(signataire=sig),
            "lignes": lignes_du_signataire(signataire=sig, limite=200),
            "maquette": list(
                MaquetteLigne.objects.filter(signataire=sig)
                .select_related("noeud")
                .only("montant", "montant_programme", "noeud__code")
            ),
            "form_credits": form,
            "peut_executer": peut_executer(request.user, sig),
            "date_consultee": date_consultee,
            "montant_a_la_date": historique,
            "versions": list(sig.versions_enveloppe.select_related("avenant").order_by("depuis")),
        },
    )


def etat_a_la_date(request):
    contrat = contrat_courant()
    try:
        le = (
            date.fromisoformat(request.GET.get("date", ""))
            if request.GET.get("date")
            else timezone.localdate()
        )
    except ValueError:
        le = timezone.localdate()
        messages.error(request, "Date invalide : utilisez le format AAAA-MM-JJ.")
    lignes = enveloppes_a_la_date(contrat=contrat, le=le)
    total = sum((m for _, m in lignes if m is not None), 0)
    return render(request, "financement/etat.html", {"le": le, "lignes": lignes, "total": total})


def projet(request, reference):
    p = projet_pour(utilisateur=request.user, reference=reference)
    lignes = list(
        p.lignes_programmees.select_related("signataire").prefetch_related("engagements__paiements")
    )
    return render(request, "financement/projet.html", {"projet": p, "lignes": lignes})


def _page_ligne(request, lp, *, form_engagement=None, form_paiement=None, statut=200):
    """The programmed line with its commitments, each with its own payment form."""
    engagements = list(lp.engagements.prefetch_related("paiements"))
    for engagement in engagements:
        if form_paiement is not None and form_paiement.prefix == f"paiement-{engagement.pk}":
            engagement.form_paiement = form_paiement
        else:
            engagement.form_paiement = PaiementForm(prefix=f"paiement-{engagement.pk}")
    return render(
        request,
        "financement/ligne.html",
        {
            "ligne": lp,
            "engagements": engagements,
            "form_paiement": form_paiement,  # the refused one, for the error summary
            "form_engagement": form_engagement
            or EngagementForm(initial={"annee_budgetaire": timezone.localdate().year}),
            "programmee_le": date_de_programmation(lp),
            "peut_executer": peut_executer(request.user, lp.signataire),
        },
        status=statut,
    )


def ligne(request, pk):
    return _page_ligne(request, ligne_pour(utilisateur=request.user, pk=pk))


@require_POST
def engager(request, pk):
    lp = ligne_pour(utilisateur=request.user, pk=pk)
    if not peut_executer(request.user, lp.signataire):
        raise PermissionDenied(
            f"Seuls les agents {lp.signataire.de_nom} enregistrent ses engagements."
        )
    form = EngagementForm(request.POST)
    if form.is_valid():
        try:
            engagement_enregistrer(ligne=lp, par=request.user, **form.cleaned_data)
        except ActionNonAutorisee as erreur:
            raise PermissionDenied(erreur.message) from erreur
        except RegleMetierError as erreur:
            _erreurs_vers_formulaire(erreur, form)
        else:
            messages.success(request, "Engagement enregistré.")
            return redirect("financement:ligne", pk=pk)
    return _page_ligne(request, lp, form_engagement=form, statut=400)


@require_POST
def payer(request, pk):
    engagement = engagement_pour(utilisateur=request.user, pk=pk)
    lp = engagement.ligne
    if not peut_executer(request.user, engagement.signataire):
        raise PermissionDenied(
            f"Seuls les agents {engagement.signataire.de_nom} enregistrent ses paiements."
        )
    form = PaiementForm(request.POST, prefix=f"paiement-{engagement.pk}")
    if form.is_valid():
        try:
            paiement_enregistrer(engagement=engagement, par=request.user, **form.cleaned_data)
        except ActionNonAutorisee as erreur:
            raise PermissionDenied(erreur.message) from erreur
        except RegleMetierError as erreur:
            _erreurs_vers_formulaire(erreur, form)
        else:
            messages.success(request, "Paiement enregistré.")
            return redirect("financement:ligne", pk=lp.pk)
    return _page_ligne(request, lp, form_paiement=form, statut=400)


def avenants(request):
    return render(
        request,
        "financement/avenants.html",
        {
            "avenants": list(
                Avenant.objects.select_related("initie_par").prefetch_related("approbations")
            ),
            "peut_preparer": peut_preparer_avenant(request.user),
            "nombre_signataires": nombre_signataires(),
        },
    )


def avenant_nouveau(request):
    if not peut_preparer_avenant(request.user):
        raise PermissionDenied("Seul le secrétariat du CPER prépare les avenants.")
    form = AvenantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            avenant = avenant_creer(
                numero=form.cleaned_data["numero"],
                titre=form.cleaned_data["titre"],
                justification=form.cleaned_data["justification"],
                initie_par=form.cleaned_data["initie_par"],
                enveloppes=form.enveloppes(),
                operations=form.operations(),
                par=request.user,
            )
        except RegleMetierError as erreur:
            erreurs = dict(erreur.erreurs)
            if "operations" in erreurs:
                erreurs["operation"] = erreurs.pop("operations")
            _erreurs_vers_formulaire(RegleMetierError(erreurs=erreurs), form)
        else:
            messages.success(request, f"Avenant n° {avenant.numero} soumis aux signataires.")
            return redirect("financement:avenant", numero=avenant.numero)
    return render(request, "financement/avenant_form.html", {"form": form})


def avenant(request, numero):
    av = get_object_or_404(Avenant.objects.select_related("initie_par"), numero=numero)
    approuves = set(av.approbations.values_list("signataire_id", flat=True))
    approuvables = Signataire.objects.exclude(pk__in=approuves).filter(
        pk__in=[
            s.pk
            for s in Signataire.objects.select_related("organisation")
            if peut_approuver_pour(request.user, s)
        ]
    )
    form = ApprobationForm(
        request.POST if request.method == "POST" else None, signataires=approuvables
    )
    if request.method == "POST":
        if not approuvables.exists():
            raise PermissionDenied("Vous ne pouvez enregistrer aucune approbation de cet avenant.")
        if form.is_valid():
            try:
                avenant_approuver(avenant=av, par=request.user, **form.cleaned_data)
            except RegleMetierError as erreur:
                _erreurs_vers_formulaire(erreur, form)
            else:
                messages.success(request, "Approbation enregistrée.")
                return redirect("financement:avenant", numero=numero)
    return render(
        request,
        "financement/avenant.html",
        {
            "avenant": av,
            "modifications": list(av.modifications.select_related("signataire__enveloppe")),
            "operations": list(
                av.operations.select_related("projet", "nouvelle_mesure", "ancienne_mesure")
            ),
            "approbations": list(av.approbations.select_related("signataire", "par")),
            "manquants": list(Signataire.objects.exclude(pk__in=approuves).order_by("ordre")),
            "form": form if approuvables.exists() and av.est_en_approbation else None,
            "peut_preparer": peut_preparer_avenant(request.user),
            "nombre_signataires": nombre_signataires(),
        },
    )


def avenant_vigueur(request, numero):
    av = get_object_or_404(Avenant, numero=numero)
    if not peut_preparer_avenant(request.user):
        raise PermissionDenied("Seul le secrétariat du CPER met un avenant en vigueur.")
    if request.method == "POST":
        try:
            avenant_mettre_en_vigueur(avenant=av, par=request.user, le=timezone.localdate())
        except RegleMetierError as erreur:
            for textes in erreur.erreurs.values():
                for texte in textes:
                    messages.error(request, texte)
        else:
            messages.success(
                request, f"L'avenant n° {numero} est en vigueur : les enveloppes ont changé."
            )
        return redirect("financement:avenant", numero=numero)
    return render(request, "financement/avenant_vigueur.html", {"avenant": av})


def maquette(request):
    if not peut_preparer_avenant(request.user):
        raise PermissionDenied("Seul le secrétariat du CPER importe la maquette financière.")
    form = MaquetteForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            lignes = lire_csv_maquette(form.cleaned_data["fichier"])
            nombre = maquette_importer(lignes=lignes, par=request.user)
        except RegleMetierError as erreur:
            _erreurs_vers_formulaire(erreur, form)
        else:
            messages.success(request, f"{nombre} lignes de maquette importées.")
            return redirect("financement:maquette")
    return render(
        request,
        "financement/maquette.html",
        {
            "form": form,
            "lignes": list(MaquetteLigne.objects.select_related("signataire", "noeud")),
        },
    )


def lire_csv_maquette(fichier) -> list:
    """`signataire;noeud;montant` rows, amounts typed the French way; errors per line."""
    try:
        texte = fichier.read().decode("utf-8-sig")
    except UnicodeDecodeError as erreur:
        raise RegleMetierError(erreurs={"fichier": ["Le fichier n'est pas en UTF-8."]}) from erreur
    champ = MontantField()
    lignes, erreurs = [], []
    for rang, ligne in enumerate(csv.reader(io.StringIO(texte), delimiter=";"), start=1):
        if not ligne or not "".join(ligne).strip():
            continue
        if rang == 1 and ligne[0].strip().lower() == "signataire":
            continue
        if len(ligne) != 3:
            erreurs.append(f"Ligne {rang} : trois colonnes attendues (signataire;noeud;montant).")
            continue
        try:
            montant = champ.clean(ligne[2])
        except Exception:
            erreurs.append(f"Ligne {rang} : montant illisible « {ligne[2]} ».")
            continue
        lignes.append((ligne[0].strip(), ligne[1].strip(), montant))
    if erreurs:
        raise RegleMetierError(erreurs={"fichier": erreurs})
    return lignes


def journal(request):
    if not request.user.est_administrateur:
        raise PermissionDenied("Le journal financier est réservé au secrétariat du CPER.")
    return render(
        request,
        "financement/journal.html",
        {
            "mouvements": list(
                JournalFinancier.objects.select_related("signataire", "projet", "par")[:300]
            )
        },
    )


@login_not_required
def donnees_ouvertes(request):
    """The public page that documents the open datasets, their columns and their limits."""
    return render(
        request,
        "financement/donnees_ouvertes.html",
        {
            "colonnes_projets": COLONNES_PROJETS_PROGRAMMES,
            "colonnes_scdl": COLONNES_SCDL,
            "hors_scdl": lignes_hors_scdl(),
        },
    )


@login_not_required
def schema_projets_programmes(request):
    """Table Schema (frictionless) of the « projets programmés » dataset."""
    return JsonResponse(
        table_schema(
            COLONNES_PROJETS_PROGRAMMES,
            name="cper-hdf-projets-programmes",
            title="CPER Hauts-de-France 2021-2027 : projets programmés et montants par financeur",
            path="/api/v1/donnees/projets-programmes.csv",
            dialect={"delimiter": ",", "header": True, "encoding": "utf-8"},
            missingValues=[""],
            primaryKey="identifiant",
        ),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


@login_not_required
def schema_scdl(request):
    """The copy of the SCDL « subventions » Table Schema the export is checked against."""
    chemin = settings.BASE_DIR / "fixtures" / "schemas" / "scdl-subventions.json"
    return HttpResponse(chemin.read_bytes(), content_type="application/json")


def projet_action(request, reference, action):
    """A step of a dossier's lifecycle taken by hand, from the dossier's page (a confirmation
    with a comment, then POST). The steps that move money go through the ledger's use-cases."""
    projet = projet_pour(utilisateur=request.user, reference=reference)
    if action not in TRANSITIONS:
        raise Http404
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        motif_obligatoire=TRANSITIONS[action].commentaire_obligatoire,
    )
    if request.method == "POST" and form.is_valid():
        try:
            projet_faire_avancer(
                projet=projet,
                action=action,
                par=request.user,
                commentaire=form.cleaned_data["commentaire"],
            )
        except ActionNonAutorisee:
            raise  # the French 403 page with the table's reason (socle.middleware)
        except EtatIncompatible as erreur:
            messages.error(request, erreur.message)
            return redirect("projets:detail", reference=reference)
        except RegleMetierError as erreur:
            if action == Action.DEPOSER and peut_modifier_projet(request.user, projet):
                return formulaire_refuse(request, projet, erreur)
            for textes in erreur.erreurs.values():
                for texte in textes:
                    form.add_error("commentaire", texte)
        else:
            messages.success(request, APRES_ACTION[action])
            return redirect("projets:detail", reference=reference)
    return render(
        request,
        "projets/transition.html",
        {
            "projet": projet,
            "action": action,
            "libelle": Action(action).label,
            "motif_obligatoire": TRANSITIONS[action].commentaire_obligatoire,
            "form": form,
        },
    )


def siret_signataires(request):
    """The CPER secretariat records the signatories' SIRET (`idAttribuant` of the SCDL file)."""
    if not peut_preparer_avenant(request.user):
        raise PermissionDenied("Seul le secrétariat du CPER renseigne le SIRET des signataires.")
    signataires = list(
        Signataire.objects.filter(contrat=contrat_courant())
        .select_related("organisation")
        .order_by("ordre")
    )
    form = SiretSignatairesForm(
        request.POST if request.method == "POST" else None, signataires=signataires
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = signataires_siret_renseigner(sirets=form.cleaned_data, par=request.user)
        except ActionNonAutorisee as erreur:
            raise PermissionDenied(erreur.message) from erreur
        except RegleMetierError as erreur:
            _erreurs_vers_formulaire(erreur, form)
        else:
            messages.success(request, f"SIRET enregistrés ({len(changes)} modifié(s)).")
            return redirect("financement:siret_signataires")
    statut = 400 if request.method == "POST" else 200
    return render(request, "financement/siret_signataires.html", {"form": form}, status=statut)
