from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    UsernameField,
)
from django.core.exceptions import ValidationError

from comptes.connexion import (
    Cle,
    ConnexionVerrouillee,
    adresse_du_client,
    cle_de,
    normaliser_identifiant,
    tentative_commencer,
    tentative_echouee,
    tentative_reussie,
)
from comptes.double_facteur import exige_second_facteur
from comptes.models import Organisation, Role
from socle.formulaires import FormulaireDsfr


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
        utilisateur = self.get_user()
        if utilisateur is None or not exige_second_facteur(utilisateur):
            tentative_reussie(cle=cle)
        # Otherwise the count goes on until the second factor is given: a known password
        # never opens more tries of codes than the lockout allows.
        return donnees


class ConnexionForm(ProtectionForceBruteMixin, AuthenticationForm, FormulaireDsfr):
    # Labels are declared on the fields: django-dsfr builds (and caches) the bound fields in
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


class JetonForm(FormulaireDsfr):
    nom = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Par exemple : « Tableau de bord du service » ; pour le reconnaître plus tard.",
    )


class CodeForm(FormulaireDsfr):
    code = forms.CharField(
        label="Code de vérification",
        max_length=20,
        help_text="Les 6 chiffres affichés par votre application, ou un code de secours.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": "Saisissez le code de vérification."},
    )


class ReinitialisationForm(PasswordResetForm, FormulaireDsfr):
    """Django's reset form, counted per address and per client address: past the limit the
    same refusal is shown whether the address has an account or not."""

    email = forms.EmailField(
        label="Adresse électronique de votre compte",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Saisissez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
        },
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        ip = adresse_du_client(self.request)
        cles = [
            (
                Cle(normaliser_identifiant(f"reinitialisation:{email}"), ip),
                "COMPTES_REINITIALISATION_MAX",
            ),
            (Cle("reinitialisation:*", ip), "COMPTES_REINITIALISATION_MAX_PAR_IP"),
        ]
        for cle, reglage in cles:
            try:
                tentative_commencer(cle=cle, maximum=getattr(settings, reglage))
            except ConnexionVerrouillee as verrou:
                minutes = str(verrou).rsplit("réessayez dans ", 1)[-1]
                raise ValidationError(
                    "Trop de demandes de réinitialisation depuis votre poste : réessayez dans "
                    f"{minutes}",
                    code="limite",
                ) from verrou
        return email

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django renders the message; a worker sends it, so that the answer takes the same
        time whether an e-mail goes out or not."""
        from django.template import loader

        from comptes.tasks import courriel_envoyer_task

        sujet = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        corps = loader.render_to_string(email_template_name, context)
        courriel_envoyer_task.delay(sujet, corps, from_email, [to_email])


class NouveauMotDePasseForm(SetPasswordForm, FormulaireDsfr):
    new_password1 = forms.CharField(
        label="Nouveau mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text="Au moins 8 caractères, pas uniquement des chiffres, ni trop courant, "
        "ni trop proche de votre identifiant.",
    )
    new_password2 = forms.CharField(
        label="Confirmation du nouveau mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    error_messages = {"password_mismatch": "Les deux mots de passe ne sont pas identiques."}


class DemandeApprouverForm(FormulaireDsfr):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("nom"),
        empty_label="Choisissez l'organisation",
        error_messages={"required": "Choisissez l'organisation de la personne."},
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=[("", "— choisir —"), *Role.choices],
        error_messages={"required": "Choisissez le rôle de la personne."},
    )
