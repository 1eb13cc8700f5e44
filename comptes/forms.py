from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from dsfr.forms import DsfrBaseForm


class ConnexionForm(AuthenticationForm, DsfrBaseForm):
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


class JetonForm(DsfrBaseForm):
    nom = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Par exemple : « Tableau de bord du service » ; pour le reconnaître plus tard.",
    )
