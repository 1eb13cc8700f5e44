from django.contrib import admin

from projets.models import Projet


@admin.register(Projet)
class ProjetAdmin(admin.ModelAdmin):
    list_display = ["reference", "titre", "mesure", "statut", "maitre_ouvrage", "montant_mentionne"]
    list_filter = ["statut", "origine", "hors_cper", "mesure__axe", "departements"]
    list_select_related = ["mesure", "maitre_ouvrage"]
    search_fields = ["reference", "titre", "maitre_ouvrage__nom"]
    raw_id_fields = ["mesure", "maitre_ouvrage", "operation_parente"]
    filter_horizontal = ["departements", "territoires_speciaux"]
