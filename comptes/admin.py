from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from comptes.forms import AdminConnexionForm
from comptes.models import Organisation, TentativeConnexion, Utilisateur

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
        *UserAdmin.fieldsets,
        ("Rattachement", {"fields": ("organisation", "role")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Rattachement", {"fields": ("organisation", "role", "email")}),
    )


@admin.register(TentativeConnexion)
class TentativeConnexionAdmin(admin.ModelAdmin):
    """Read-only; deleting a row lifts its lock (an administrator unlocking a person)."""

    list_display = [
        "identifiant",
        "adresse_ip",
        "echecs",
        "dernier_essai_le",
        "verrouille_jusqu_au",
        "verrouillages",
    ]
    search_fields = ["identifiant", "adresse_ip"]
    readonly_fields = [*list_display, "verrouille_le"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
