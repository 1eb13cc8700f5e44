from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from comptes.forms import ConnexionForm, JetonForm
from comptes.oidc import url_deconnexion_fournisseur
from comptes.services import jeton_creer, jeton_revoquer
from socle.exceptions import RegleMetierError


@method_decorator(login_not_required, name="dispatch")
class ConnexionView(auth_views.LoginView):
    template_name = "comptes/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "proconnect": settings.OIDC_ACTIVE}


class DeconnexionView(auth_views.LogoutView):
    """Log-out; a ProConnect session then ends at the provider too (which sends back home)."""

    def post(self, request, *args, **kwargs):
        chez_le_fournisseur = (
            url_deconnexion_fournisseur(request) if request.session.get("oidc_id_token") else None
        )
        reponse = super().post(request, *args, **kwargs)
        if chez_le_fournisseur:
            return HttpResponseRedirect(chez_le_fournisseur)
        return reponse


def _page_compte(request, *, form=None, cle=None, jeton_cree=None):
    return render(
        request,
        "comptes/compte.html",
        {
            "utilisateur": request.user,
            "jetons": list(request.user.jetons_api.all()),
            "form_jeton": form or JetonForm(),
            "cle": cle,
            "jeton_cree": jeton_cree,
        },
    )


def compte(request):
    """The signed-in person's account: who they are, for which organisation, in which role,
    and their personal API tokens."""
    return _page_compte(request)


@require_POST
def jeton_creer_vue(request):
    """Create a token; its key is shown on this response only, never stored nor shown again
    (no redirect: the key would have to be kept somewhere in between)."""
    form = JetonForm(request.POST)
    if form.is_valid():
        try:
            jeton, cle = jeton_creer(utilisateur=request.user, nom=form.cleaned_data["nom"])
        except RegleMetierError as erreur:
            for champ, textes in erreur.erreurs.items():
                for texte in textes:
                    form.add_error(champ if champ in form.fields else None, texte)
        else:
            return _page_compte(request, cle=cle, jeton_cree=jeton)
    return _page_compte(request, form=form)


def jeton_revoquer_vue(request, pk):
    """GET asks for confirmation, POST revokes. Another person's token is a 404."""
    jeton = get_object_or_404(request.user.jetons_api.actifs(), pk=pk)
    if request.method == "POST":
        jeton_revoquer(jeton=jeton, par=request.user)
        messages.success(request, f"Le jeton « {jeton.nom} » est révoqué.")
        return redirect("compte")
    return render(request, "comptes/jeton_revoquer.html", {"jeton": jeton})
