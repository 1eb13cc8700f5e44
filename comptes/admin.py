from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from comptes.forms import AdminConnexionForm
from comptes.models import (
    CodesSecours,
    DemandeAcces,
    IdentiteProConnect,
    Invitation,
    JetonApi,
    Organisation,
    TentativeConnexion,
    Utilisateur,
)

# The admin's log-in page is under the same brute-force lockout as the portal's.
admin.site.login_form = AdminConnexionForm


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle", "type", "siret"]
    list_filter = ["type"]
    search_fields = ["nom", "sigle", "siret"]


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "organisation", "role"]
    list_filter = ["role", "organisation__type", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Rattachement", {"fields": ("organisation", "role")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Rattachement", {"fields": ("organisation", "role", "email")}),
    )


@admin.register(TentativeConnexion)
class TentativeConnexionAdmin(admin.ModelAdmin):
    """Read-only; deleting a row lifts its lock (an administrator unlocking a person)."""

    list_display = (
        "identifiant",
        "adresse_ip",
        "echecs",
        "dernier_essai_le",
        "verrouille_jusqu_au",
        "verrouillages",
    )
    search_fields = ["identifiant", "adresse_ip"]
    readonly_fields = (*list_display, "verrouille_le")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JetonApi)
class JetonApiAdmin(admin.ModelAdmin):
    """Administrators see and may revoke tokens; the key itself exists nowhere."""

    list_display = ["nom", "utilisateur", "prefixe", "cree_le", "dernier_usage_le", "revoque_le"]
    list_filter = ["revoque_le"]
    list_select_related = ["utilisateur"]
    search_fields = ["nom", "utilisateur__username", "prefixe"]
    readonly_fields = ["utilisateur", "prefixe", "empreinte", "cree_le", "dernier_usage_le"]

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """The secretariat invites an address: its first ProConnect log-in links to the account of
    that address, or creates one with this role and organisation."""

    list_display = ["email", "role", "organisation", "cree_le", "expire_le", "utilisee_le"]
    list_filter = ["role"]
    search_fields = ["email"]
    autocomplete_fields = ["organisation", "utilisateur"]
    readonly_fields = ["invitee_par", "cree_le", "utilisee_le"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.invitee_par = request.user
        super().save_model(request, obj, form, change)


@admin.register(DemandeAcces)
class DemandeAccesAdmin(admin.ModelAdmin):
    """Read-only: requests are approved or refused on the portal's page (role and
    organisation chosen there)."""

    list_display = ["email", "prenom", "nom", "siret", "statut", "cree_le", "traitee_par"]
    list_filter = ["statut"]
    search_fields = ["email", "nom"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdentiteProConnect)
class IdentiteProConnectAdmin(admin.ModelAdmin):
    """Deleting a link makes the next ProConnect log-in of that identity a new request."""

    list_display = ["utilisateur", "sujet", "emetteur", "liee_le", "derniere_connexion_le"]
    search_fields = ["utilisateur__username", "utilisateur__email", "sujet"]
    readonly_fields = ["utilisateur", "emetteur", "sujet", "liee_le", "derniere_connexion_le"]

    def has_add_permission(self, request):
        return False


@admin.register(CodesSecours)
class CodesSecoursAdmin(admin.ModelAdmin):
    """Deleting a person's recovery codes (with their TOTP device, under « TOTP devices »)
    lets them enrol again; the codes themselves exist nowhere."""

    list_display = ["user", "name"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request):
        return False
