from django.contrib import admin

from financement.models import Enveloppe


@admin.register(Enveloppe)
class EnveloppeAdmin(admin.ModelAdmin):
    list_display = ["signataire", "montant"]
    list_select_related = ["signataire"]
    # An envelope changes only through an avenant in force (Article 4).
    readonly_fields = ["signataire", "montant"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
