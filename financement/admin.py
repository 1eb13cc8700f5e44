"""The ledger in the admin, to read only: every amount and state of the ledger changes through
the services (programming, commitment, payment, credits, maquette import, avenants), which
keep the running totals and write the journal in the same transaction. The journal itself is
append-only, in the database too (trigger of migration 0004)."""

from django.contrib import admin

from financement.models import (
    ApprobationAvenant,
    Avenant,
    CreditsOuverts,
    DemandePaiement,
    Engagement,
    Enveloppe,
    EvenementDemande,
    JournalFinancier,
    LigneDepense,
    LigneProgrammee,
    MaquetteLigne,
    ModificationEnveloppe,
    ModificationMaquette,
    Paiement,
    VerificationRegistre,
    VersionEnveloppe,
)


class LectureSeuleAdmin(admin.ModelAdmin):
    """Shown, searched and filtered; never added, changed or deleted from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LectureSeuleInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enveloppe)
class EnveloppeAdmin(LectureSeuleAdmin):
    # An envelope changes only through an avenant in force (Article 4).
    list_display = ["signataire", "montant", "montant_programme", "montant_engage", "montant_paye"]
    list_select_related = ["signataire"]


@admin.register(VersionEnveloppe)
class VersionEnveloppeAdmin(LectureSeuleAdmin):
    list_display = ["signataire", "montant", "depuis", "avenant"]
    list_filter = ["signataire"]
    list_select_related = ["signataire", "avenant"]


@admin.register(MaquetteLigne)
class MaquetteLigneAdmin(LectureSeuleAdmin):
    list_display = ["signataire", "noeud", "montant", "montant_programme"]
    list_filter = ["signataire"]
    list_select_related = ["signataire", "noeud"]
    search_fields = ["noeud__code"]


@admin.register(CreditsOuverts)
class CreditsOuvertsAdmin(LectureSeuleAdmin):
    list_display = ["signataire", "annee", "montant", "montant_engage"]
    list_filter = ["signataire", "annee"]
    list_select_related = ["signataire"]


class EngagementInline(LectureSeuleInline):
    model = Engagement
    fields = ("date_acte", "type_acte", "reference", "montant", "montant_paye", "par")
    readonly_fields = fields


@admin.register(LigneProgrammee)
class LigneProgrammeeAdmin(LectureSeuleAdmin):
    list_display = [
        "projet",
        "signataire",
        "noeud",
        "montant_programme",
        "montant_engage",
        "montant_paye",
        "montant_degage",
    ]
    list_filter = ["signataire"]
    list_select_related = ["projet", "signataire", "noeud"]
    search_fields = ["projet__reference", "projet__titre"]
    inlines = [EngagementInline]


class PaiementInline(LectureSeuleInline):
    model = Paiement
    fields = ("date", "type", "montant", "reference", "par")
    readonly_fields = fields


@admin.register(Engagement)
class EngagementAdmin(LectureSeuleAdmin):
    list_display = [
        "reference",
        "type_acte",
        "date_acte",
        "signataire",
        "montant",
        "montant_paye",
        "annee_budgetaire",
    ]
    list_filter = ["signataire", "type_acte", "annee_budgetaire"]
    list_select_related = ["signataire"]
    search_fields = ["reference", "ligne__projet__reference"]
    inlines = [PaiementInline]


@admin.register(Paiement)
class PaiementAdmin(LectureSeuleAdmin):
    list_display = ["engagement", "date", "type", "montant", "reference"]
    list_filter = ["type"]
    list_select_related = ["engagement"]
    search_fields = ["reference", "engagement__reference"]


class ModificationEnveloppeInline(LectureSeuleInline):
    model = ModificationEnveloppe
    readonly_fields = ["signataire", "nouveau_montant"]


class ModificationMaquetteInline(LectureSeuleInline):
    model = ModificationMaquette
    readonly_fields = ["signataire", "noeud", "nouveau_montant"]


class ApprobationInline(LectureSeuleInline):
    model = ApprobationAvenant
    readonly_fields = ["signataire", "date", "reference", "par", "enregistree_le"]


@admin.register(Avenant)
class AvenantAdmin(LectureSeuleAdmin):
    list_display = ["numero", "titre", "statut", "initie_par", "entre_en_vigueur_le"]
    list_filter = ["statut"]
    inlines = [ModificationEnveloppeInline, ModificationMaquetteInline, ApprobationInline]


@admin.register(JournalFinancier)
class JournalFinancierAdmin(LectureSeuleAdmin):
    list_display = ["le", "type", "signataire", "projet", "montant", "par"]
    list_filter = ["type", "signataire"]
    list_select_related = ["signataire", "projet", "par"]
    search_fields = ["projet__reference"]
    date_hierarchy = "le"


@admin.register(VerificationRegistre)
class VerificationRegistreAdmin(admin.ModelAdmin):
    list_display = ["lancee_le", "resultat", "nombre_ecarts", "controles", "duree"]
    list_filter = ["resultat"]
    readonly_fields = [f.name for f in VerificationRegistre._meta.fields]

    def has_add_permission(self, request):
        return False


# Payment requests (issue 16): decided only through `financement.execution`.
class LigneDepenseInline(LectureSeuleInline):
    model = LigneDepense
    readonly_fields = [
        "fournisseur",
        "date_facture",
        "reference",
        "montant_ht",
        "montant_ttc",
        "montant_eligible",
    ]


class EvenementDemandeInline(LectureSeuleInline):
    model = EvenementDemande
    readonly_fields = ["etape", "montant", "commentaire", "par", "le"]


@admin.register(DemandePaiement)
class DemandePaiementAdmin(LectureSeuleAdmin):
    list_display = ["pk", "ligne", "type", "statut", "montant_demande", "montant_accepte"]
    list_filter = ["type", "statut"]
    list_select_related = ["ligne__projet", "ligne__signataire"]
    search_fields = ["ligne__projet__reference"]
    exclude = ["documents", "paiements"]
    inlines = [LigneDepenseInline, EvenementDemandeInline]
