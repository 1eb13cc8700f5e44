"""Scenarios in the admin: the committees' socio-economic criteria are set here (« réglage
fixé par le secrétariat »); candidate operations, scenarios and positions are read only, as
they change through the services (journal and history)."""

from django.contrib import admin

from scenarios.models import CritereComite, JournalScenario, OperationCandidate, Position, Scenario


@admin.register(CritereComite)
class CritereComiteAdmin(admin.ModelAdmin):
    list_display = ["libelle", "comite", "ordre"]
    list_filter = ["comite"]
    prepopulated_fields = {"code": ["libelle"]}


class LectureSeuleAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OperationCandidate)
class OperationCandidateAdmin(LectureSeuleAdmin):
    list_display = ["intitule", "sous_axe", "maitre_ouvrage", "cout"]
    list_filter = ["sous_axe"]


@admin.register(Scenario)
class ScenarioAdmin(LectureSeuleAdmin):
    list_display = ["nom", "sous_axe", "statut", "seance", "avenant"]
    list_filter = ["sous_axe", "statut"]


@admin.register(Position)
class PositionAdmin(LectureSeuleAdmin):
    list_display = ["scenario", "signataire", "avis", "plafond", "par", "le"]


@admin.register(JournalScenario)
class JournalScenarioAdmin(LectureSeuleAdmin):
    list_display = ["le", "scenario", "par", "resume"]
