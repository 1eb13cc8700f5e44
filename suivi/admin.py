from django.contrib import admin

from suivi.models import ContributionIndicateur, Echeance, Indicateur, JournalSuivi


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


class LectureSeule(admin.ModelAdmin):
    """Written through `suivi.services` only (who may act, journal)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Indicateur)
class IndicateurAdmin(LectureSeule):
    list_display = ["noeud", "nom", "unite", "nature", "cible_2027", "par"]
    list_select_related = ["noeud", "par"]


@admin.register(ContributionIndicateur)
class ContributionIndicateurAdmin(LectureSeule):
    list_display = ["projet", "indicateur", "valeur_attendue", "valeur_realisee", "par"]
    list_select_related = ["projet", "indicateur__noeud", "par"]


@admin.register(JournalSuivi)
class JournalSuiviAdmin(LectureSeule):
    list_display = ["quand", "par", "action", "objet"]
    list_select_related = ["par"]
