from django.contrib import admin

from reprise.models import DossierRepris, ImportProgrammation


@admin.register(ImportProgrammation)
class ImportProgrammationAdmin(admin.ModelAdmin):
    list_display = ["pk", "nom_fichier", "depose_par", "etat", "nombre_lignes", "depose_le"]
    list_filter = ["etat"]
    readonly_fields = [f.name for f in ImportProgrammation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DossierRepris)
class DossierReprisAdmin(admin.ModelAdmin):
    list_display = ["identifiant_origine", "projet", "import_origine"]
    search_fields = ["identifiant_origine", "projet__reference"]
    readonly_fields = ["identifiant_origine", "projet", "import_origine"]

    def has_add_permission(self, request):
        return False
