"""Pages of the log-in steps beyond the password: the second factor and its enrolment,
ProConnect (OpenID Connect) and its requests for access, the password reset."""

import logging

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from mozilla_django_oidc import views as oidc_views
from requests import RequestException

from comptes import double_facteur
from comptes.connexion import (
    ConnexionVerrouillee,
    cle_de,
    tentative_commencer,
    tentative_echouee,
    tentative_reussie,
)
from comptes.forms import (
    CodeForm,
    DemandeApprouverForm,
    NouveauMotDePasseForm,
    ReinitialisationForm,
)
from comptes.models import DemandeAcces, StatutDemande
from comptes.oidc import CLE_DEMANDE, JetonRefuse
from comptes.services import demande_approuver, demande_refuser
from socle.exceptions import RegleMetierError

journal = logging.getLogger("comptes.oidc")


def _suite(request, defaut: str = settings.LOGIN_REDIRECT_URL) -> str:
    suite = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suite
    return reverse(defaut)


# --- Second factor -------------------------------------------------------------------------


def _code_verifie(request, form, verifier):
    """Check a code under the log-in lockout: `verifier(code)` returns the accepting device or
    None. Adds the French error to the form and returns None when refused."""
    cle = cle_de(request, request.user.get_username())
    try:
        derniere = tentative_commencer(cle=cle)
    except ConnexionVerrouillee as verrou:
        form.add_error(None, str(verrou))
        return None
    resultat = verifier(form.cleaned_data["code"])
    if not resultat:
        tentative_echouee(cle=cle, derniere=derniere)
        form.add_error(
            "code", "Code incorrect ou déjà utilisé : vérifiez l'heure de votre téléphone."
        )
        return None
    tentative_reussie(cle=cle)
    return resultat


def second_facteur(request):
    """Second step of a password log-in that owes a second factor."""
    if not double_facteur.session_en_attente(request):
        return redirect(_suite(request))
    if not double_facteur.a_un_second_facteur(request.user):
        return redirect(f"{reverse('double_facteur')}?{urlencode({'next': _suite(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        appareil = _code_verifie(
            request, form, lambda code: double_facteur.verifier_code(request.user, code)
        )
        if appareil is not None:
            double_facteur.second_facteur_donne(request, appareil)
            if appareil.__class__.__name__ == "CodesSecours":
                restants = double_facteur.codes_secours_restants(request.user)
                messages.warning(
                    request,
                    f"Code de secours utilisé : il vous en reste {restants}. "
                    "Générez-en de nouveaux depuis « Mon compte » si besoin.",
                )
            return redirect(_suite(request))
    return render(request, "comptes/second_facteur.html", {"form": form, "next": _suite(request)})


def double_facteur_vue(request):
    """Enrolment of a TOTP application (QR code made here), then its state and the recovery
    codes. A session that owes a factor may enrol only if no factor exists yet."""
    utilisateur = request.user
    en_attente = double_facteur.session_en_attente(request)
    actif = double_facteur.a_un_second_facteur(utilisateur)
    if actif:
        if en_attente:
            return redirect("second_facteur")
        return render(
            request,
            "comptes/double_facteur.html",
            {
                "actif": True,
                "restants": double_facteur.codes_secours_restants(utilisateur),
                "exige": double_facteur.role_exige(utilisateur),
            },
        )
    appareil = double_facteur.totp_a_confirmer(utilisateur)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = _code_verifie(
            request,
            form,
            lambda code: double_facteur.totp_confirmer(appareil=appareil, code=code),
        )
        if codes:
            appareil.refresh_from_db()
            double_facteur.second_facteur_donne(request, appareil)
            return render(
                request,
                "comptes/double_facteur.html",
                {"actif": True, "codes": codes, "suite": _suite(request, "compte")},
            )
    uri = appareil.config_url
    return render(
        request,
        "comptes/double_facteur.html",
        {
            "actif": False,
            "form": form,
            "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
            "cle": _base32(appareil.bin_key),
            "exige": double_facteur.role_exige(utilisateur),
            "en_attente": en_attente,
            "next": _suite(request, "compte"),
        },
    )


def _base32(octets: bytes) -> str:
    from base64 import b32encode

    texte = b32encode(octets).decode().rstrip("=")
    return " ".join(texte[i : i + 4] for i in range(0, len(texte), 4))


@require_POST
def codes_secours_regenerer(request):
    """New recovery codes, for a session that gave its second factor only."""
    if double_facteur.session_en_attente(request):
        return redirect("second_facteur")
    if not double_facteur.a_un_second_facteur(request.user):
        raise Http404
    codes = double_facteur.codes_secours_generer(utilisateur=request.user)
    return render(
        request,
        "comptes/double_facteur.html",
        {"actif": True, "codes": codes, "suite": reverse("compte")},
    )


# --- ProConnect ----------------------------------------------------------------------------


def _oidc_actif():
    if not settings.OIDC_ACTIVE:
        raise Http404("La connexion ProConnect n'est pas activée sur ce portail.")


@login_not_required
def oidc_connexion(request):
    _oidc_actif()
    return oidc_views.OIDCAuthenticationRequestView.as_view()(request)


class RappelProConnect(oidc_views.OIDCAuthenticationCallbackView):
    """The provider's answer. Any refusal (unknown `state`, expired or forged token, provider
    error) ends on the log-in page with a French message; nobody is logged in."""

    def get(self, request):
        request.session.pop(CLE_DEMANDE, None)
        try:
            return super().get(request)
        except JetonRefuse as refus:
            journal.warning("Jeton ProConnect refusé : %s", refus)
            if str(refus) == "expire":
                return self._refus(
                    "le jeton d'identité du fournisseur a expiré. Recommencez la connexion."
                )
            return self._refus("le jeton d'identité du fournisseur n'est pas valide.")
        except SuspiciousOperation as refus:
            journal.warning("Réponse ProConnect refusée : %s", refus)
            return self._refus(
                "la réponse du fournisseur ne correspond à aucune demande de connexion en "
                "cours. Recommencez depuis cette page."
            )
        except RequestException as erreur:
            journal.error("Fournisseur ProConnect injoignable : %s", erreur)
            return self._refus("le fournisseur d'identité ne répond pas. Réessayez plus tard.")

    def _refus(self, motif: str):
        messages.error(self.request, f"Connexion ProConnect refusée : {motif}")
        return redirect("connexion")

    def login_failure(self):
        if self.request.session.get(CLE_DEMANDE):
            return redirect("demande_acces")
        if "error" in self.request.GET:
            return self._refus("le fournisseur a interrompu la connexion.")
        return self._refus("ce compte ProConnect n'a pas accès au portail.")


@login_not_required
def oidc_rappel(request):
    _oidc_actif()
    return RappelProConnect.as_view()(request)


@login_not_required
def demande_acces(request):
    """What an unknown ProConnect identity sees: its request is with the secretariat."""
    pk = request.session.get(CLE_DEMANDE)
    demande = DemandeAcces.objects.filter(pk=pk).first() if pk else None
    return render(request, "comptes/demande_acces.html", {"demande": demande})


def _secretariat(request):
    if not request.user.est_administrateur:
        raise PermissionDenied("Seul le secrétariat du CPER traite les demandes d'accès.")


def demandes_acces(request):
    _secretariat(request)
    return render(
        request,
        "comptes/demandes_acces.html",
        {
            "en_attente": DemandeAcces.objects.filter(statut=StatutDemande.EN_ATTENTE),
            "traitees": DemandeAcces.objects.exclude(statut=StatutDemande.EN_ATTENTE)
            .select_related("traitee_par", "utilisateur__organisation")
            .order_by("-traitee_le")[:50],
        },
    )


def demande_acces_traiter(request, pk):
    _secretariat(request)
    demande = get_object_or_404(DemandeAcces, pk=pk, statut=StatutDemande.EN_ATTENTE)
    form = DemandeApprouverForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "refuser":
                demande_refuser(demande=demande, par=request.user)
                messages.success(request, f"La demande de {demande.email} est refusée.")
                return redirect("demandes_acces")
            if form.is_valid():
                compte = demande_approuver(
                    demande=demande,
                    par=request.user,
                    organisation=form.cleaned_data["organisation"],
                    role=form.cleaned_data["role"],
                )
                messages.success(
                    request,
                    f"Accès accordé à {demande.email} : {compte.get_role_display()}, "
                    f"{compte.organisation}.",
                )
                return redirect("demandes_acces")
        except RegleMetierError as erreur:
            for champ, textes in erreur.erreurs.items():
                for texte in textes:
                    form.add_error(champ if champ in form.fields else None, texte)
    return render(request, "comptes/demande_acces_traiter.html", {"demande": demande, "form": form})


# --- Password reset ------------------------------------------------------------------------


class ReinitialisationView(auth_views.PasswordResetView):
    template_name = "registration/reinitialisation_demande.html"
    email_template_name = "registration/reinitialisation_courriel.txt"
    subject_template_name = "registration/reinitialisation_sujet.txt"
    form_class = ReinitialisationForm
    success_url = reverse_lazy("reinitialisation_envoyee")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class ReinitialisationEnvoyeeView(auth_views.PasswordResetDoneView):
    template_name = "registration/reinitialisation_envoyee.html"


class ReinitialisationConfirmerView(auth_views.PasswordResetConfirmView):
    template_name = "registration/reinitialisation_nouveau.html"
    form_class = NouveauMotDePasseForm
    success_url = reverse_lazy("reinitialisation_terminee")


class ReinitialisationTermineeView(auth_views.PasswordResetCompleteView):
    template_name = "registration/reinitialisation_terminee.html"
