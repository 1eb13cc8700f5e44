from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from comptes.connexion import (
    ConnexionVerrouillee,
    cle_de,
    tentative_commencer,
    tentative_echouee,
    tentative_reussie,
)


class ProtectionForceBruteMixin:
    """Counts each attempt of an identifier from an address before checking the password,
    refuses it while that pair is locked, resets the count on success (comptes.connexion)."""

    def clean(self):
        identifiant = self.cleaned_data.get("username")
        if not identifiant or not self.cleaned_data.get("password"):
            return super().clean()
        cle = cle_de(self.request, identifiant)
        try:
            derniere = tentative_commencer(cle=cle)
        except ConnexionVerrouillee as verrou:
            raise ValidationError(str(verrou), code="verrouille") from verrou
        try:
            donnees = super().clean()
        except ValidationError:
            tentative_echouee(cle=cle, derniere=derniere)
            raise
        tentative_reussie(cle=cle)
        return donnees


class ConnexionForm(ProtectionForceBruteMixin, AuthenticationForm, DsfrBaseForm):
    # Labels are declared on the fields: DsfrBaseForm builds (and caches) the bound fields in
    # its __init__, so a label changed after super().__init__() never reaches the page.
    username = UsernameField(label="Identifiant", widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect. Vérifiez votre saisie "
        "(les majuscules comptent).",
        "inactive": "Ce compte est désactivé. Contactez le secrétariat du CPER.",
    }


class AdminConnexionForm(ProtectionForceBruteMixin, AdminAuthenticationForm):
    """The admin's log-in form, under the same lockout as the portal's."""


class JetonForm(DsfrBaseForm):
    nom = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Par exemple : « Tableau de bord du service » ; pour le reconnaître plus tard.",
    )
