"""Committees, members and the grid are edited here; sessions, votes and decisions are written
only by the services and shown read-only."""

from django.contrib import admin

from gouvernance.models import (
    ArbitrageLigne,
    Comite,
    Critere,
    Decision,
    DecisionLigne,
    GrilleAnalyse,
    JournalGouvernance,
    Membre,
    Seance,
)


class MembreInline(admin.TabularInline):
    model = Membre
    extra = 0
    raw_id_fields = ["utilisateur", "organisation"]


@admin.register(Comite)
class ComiteAdmin(admin.ModelAdmin):
    list_display = [
        "nom",
        "type",
        "pouvoir_programmer",
        "regle_quorum",
        "regle_majorite",
        "regle_egalite",
        "ligne",
    ]
    list_filter = ["type"]
    filter_horizontal = ["mesures", "pilotes"]
    inlines = [MembreInline]


class CritereInline(admin.TabularInline):
    model = Critere
    extra = 0


@admin.register(GrilleAnalyse)
class GrilleAnalyseAdmin(admin.ModelAdmin):
    list_display = ["libelle", "version", "active"]
    inlines = [CritereInline]


class LectureSeule(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Seance)
class SeanceAdmin(LectureSeule):
    list_display = ["comite", "date", "etat"]
    list_filter = ["etat", "comite"]


class DecisionLigneInline(admin.TabularInline):
    model = DecisionLigne
    extra = 0
    can_delete = False
    fields = ("signataire", "issue", "montant_demande", "montant_retenu", "motif")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(LectureSeule):
    list_display = ["point", "resultat", "pour", "contre", "abstention", "programme"]
    inlines = [DecisionLigneInline]


@admin.register(ArbitrageLigne)
class ArbitrageLigneAdmin(LectureSeule):
    list_display = ["point", "ligne", "issue", "montant", "par", "le"]


@admin.register(JournalGouvernance)
class JournalGouvernanceAdmin(LectureSeule):
    list_display = ["le", "action", "par", "seance", "projet"]
