from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projets.models import (
    EvenementPiece,
    LignePlanFinancement,
    ParametreMesure,
    Phase,
    Projet,
    TransitionProjet,
)


class LigneInline(admin.TabularInline):
    """The financing plan is written by the services (projet_creer, projet_modifier), which
    check it and keep its history: read-only here."""

    model = LignePlanFinancement
    extra = 0
    can_delete = False
    fields = readonly_fields = ("ordre", "signataire", "source", "nature", "montant")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class TransitionInline(admin.TabularInline):
    """The journal is read-only everywhere: transitions are written by the services only."""

    model = TransitionProjet
    extra = 0
    can_delete = False
    readonly_fields = ["action", "de_statut", "vers_statut", "par", "le", "commentaire"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# What the contract states of a listed operation (Article 2 and the programme's lists).
CHAMPS_CONTRACTUELS = ("titre", "mesure", "montant_mentionne")


@admin.register(Projet)
class ProjetAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "titre", "mesure", "statut", "maitre_ouvrage", "cout_total_ht"]
    list_filter = ["statut", "origine", "hors_cper", "mesure__axe", "departements"]
    list_select_related = ["mesure", "maitre_ouvrage"]
    search_fields = ["reference", "titre", "maitre_ouvrage__nom"]
    raw_id_fields = ["mesure", "maitre_ouvrage", "operation_parente", "cree_par"]
    filter_horizontal = ["departements", "territoires_speciaux"]
    # The lifecycle moves only through the services, which write the journal.
    readonly_fields = ["reference", "statut", "depose_le", "motif_abandon"]
    inlines = [LigneInline, PhaseInline, TransitionInline]

    def get_readonly_fields(self, request, obj=None):
        champs = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.identifiant_contrat:
            # A listed operation's contractual fields change only through an avenant.
            champs += [*CHAMPS_CONTRACTUELS, "identifiant_contrat"]
        return champs

    def has_delete_permission(self, request, obj=None):
        # A dossier has a journal (PROTECT) and a history: it is abandoned, never deleted.
        return False


@admin.register(TransitionProjet)
class TransitionProjetAdmin(admin.ModelAdmin):
    """The lifecycle journal, to read only (append-only in the database too)."""

    list_display = ["le", "projet", "action", "de_statut", "vers_statut", "par"]
    list_filter = ["action", "vers_statut"]
    list_select_related = ["projet", "par"]
    search_fields = ["projet__reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvenementPiece)
class EvenementPieceAdmin(admin.ModelAdmin):
    """The pieces' journal (uploads, replacements, withdrawals, requests), to read only."""

    list_display = ["le", "projet", "genre", "detail", "par"]
    list_filter = ["genre"]
    list_select_related = ["projet", "par"]
    search_fields = ["projet__reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ParametreMesure)
class ParametreMesureAdmin(admin.ModelAdmin):
    list_display = ["noeud", "taux_autofinancement_minimum"]
    raw_id_fields = ["noeud"]
    filter_horizontal = ["organisations_exemptees"]
