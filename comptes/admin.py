from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from comptes.forms import AdminConnexionForm
from comptes.models import JetonApi, Organisation, TentativeConnexion, Utilisateur

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
