from django.contrib import admin

from territoires.models import PerimetreTerritoire


@admin.register(PerimetreTerritoire)
class PerimetreTerritoireAdmin(admin.ModelAdmin):
    """The secretariat fixes here the communes of a special territory (the admin's journal
    records who did it, and the model's history each version)."""

    list_display = ["territoire", "nombre_communes", "modifie_par", "modifie_le"]
    readonly_fields = ["modifie_par", "modifie_le"]
    fields = ["territoire", "codes_insee", "source", "modifie_par", "modifie_le"]

    @admin.display(description="communes")
    def nombre_communes(self, obj: PerimetreTerritoire) -> int:
        return len(obj.codes)

    def save_model(self, request, obj, form, change):
        obj.modifie_par = request.user
        super().save_model(request, obj, form, change)
