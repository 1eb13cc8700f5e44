from django.contrib import admin

from rapports.models import Travail, VerificationRegistre


@admin.register(Travail)
class TravailAdmin(admin.ModelAdmin):
    list_display = ["pk", "type", "demandeur", "etat", "progression", "cree_le", "termine_le"]
    list_filter = ["etat", "type"]
    search_fields = ["demandeur__username"]
    readonly_fields = [f.name for f in Travail._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(VerificationRegistre)
class VerificationRegistreAdmin(admin.ModelAdmin):
    list_display = ["lancee_le", "resultat", "nombre_ecarts", "controles", "duree"]
    list_filter = ["resultat"]
    readonly_fields = [f.name for f in VerificationRegistre._meta.fields]

    def has_add_permission(self, request):
        return False
