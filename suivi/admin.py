from django.contrib import admin

from suivi.models import Echeance


@admin.register(Echeance)
class EcheanceAdmin(admin.ModelAdmin):
    """Read-only: a schedule is written through `suivi.services.echeancier_definir`, which
    checks who may write it and that it stays within the programmed amount."""

    list_display = ["ligne", "annee", "montant_ae", "montant_cp", "par", "modifie_le"]
    list_filter = ["ligne__signataire", "annee"]
    list_select_related = ["ligne__projet", "ligne__signataire", "par"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
