from django.contrib import admin

from axes.models import ArticleContrat, Contrat, Departement, Noeud, Signataire, TerritoireSpecial


class ArticleInline(admin.StackedInline):
    model = ArticleContrat
    extra = 0


@admin.register(Contrat)
class ContratAdmin(admin.ModelAdmin):
    list_display = ["nom", "annee_debut", "annee_fin", "lieu_signature", "date_signature"]
    inlines = [ArticleInline]


@admin.register(Signataire)
class SignataireAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "representant", "montant_article_2", "date_deliberation"]
    list_filter = ["type"]
    list_select_related = ["organisation"]
    search_fields = ["nom", "representant"]
    # The signed amount is the contract's: an avenant changes the envelope, not Article 2.
    readonly_fields = ["montant_article_2", "ligne_article_2"]


@admin.register(Noeud)
class NoeudAdmin(admin.ModelAdmin):
    list_display = ["code", "titre", "niveau", "ligne"]
    list_filter = ["niveau", "axe"]
    list_select_related = ["axe"]
    search_fields = ["code", "titre"]
    raw_id_fields = ["parent", "axe"]

    # The programme tree is the contract's: it changes only through an avenant.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code_insee", "nom", "signataire"]
    list_select_related = ["signataire"]


@admin.register(TerritoireSpecial)
class TerritoireSpecialAdmin(admin.ModelAdmin):
    list_display = ["nom", "code", "ligne"]
