from django.contrib import admin

from rapports.models import Travail


@admin.register(Travail)
class TravailAdmin(admin.ModelAdmin):
    list_display = ["pk", "type", "demandeur", "etat", "progression", "cree_le", "termine_le"]
    list_filter = ["etat", "type"]
    search_fields = ["demandeur__username"]
    readonly_fields = [f.name for f in Travail._meta.fields]

    def has_add_permission(self, request):
        return False
