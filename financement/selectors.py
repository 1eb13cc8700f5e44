"""Read use-cases of the ledger: where each envelope stands, by axis, département and year."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Model, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404

from axes.cache import memorise
from axes.models import Contrat, Departement, Noeud, Signataire
from comptes.models import Utilisateur
from financement.models import (
    STATUTS_EXECUTABLES,
    Avenant,
    CreditsOuverts,
    DemandePaiement,
    Engagement,
    Enveloppe,
    LigneProgrammee,
    StatutAvenant,
    TotalAnnee,
    TotalAxe,
    TotalDepartement,
    VersionEnveloppe,
)
from projets.models import Projet, voit_tous_les_projets
from socle.graphiques import Graphique, Serie, barres_horizontales
from socle.montants import format_taux, taux

ZERO = Decimal("0.00")
M = TypeVar("M", bound=Model)


@dataclass
class LigneEnveloppe:
    """An envelope in force; `avenant` is the number of the avenant that set its amount, None
    while it is the signed one (Article 2)."""

    signataire: Signataire
    montant: Decimal
    part: Decimal
    avenant: int | None = None


class LignesEnveloppes(list[LigneEnveloppe]):
    """The envelopes in force, and which avenants set some of them (none: all are Article 2's)."""

    @property
    def avenants(self) -> list[int]:
        return sorted({ligne.avenant for ligne in self if ligne.avenant is not None})


def avenants_des_enveloppes(*, contrat: Contrat, le: date | None = None) -> dict[int, int]:
    """Signatory pk → number of the avenant in force that set its envelope's amount, for the
    envelopes an avenant changed (the others stand at their Article 2 amount)."""
    versions: dict[int, VersionEnveloppe] = {}
    qs = VersionEnveloppe.objects.filter(signataire__contrat=contrat).select_related("avenant")
    if le is not None:
        qs = qs.filter(depuis__lte=le)
    for version in qs.order_by("depuis", "pk"):
        versions[version.signataire_id] = version
    return {pk: v.avenant.numero for pk, v in versions.items() if v.avenant is not None}


@dataclass
class Execution:
    """Envelope, programmé, engagé, payé and what they leave, for any slice of the ledger."""

    libelle: str
    enveloppe: Decimal | None
    programme: Decimal
    engage: Decimal
    paye: Decimal
    code: str = ""

    @property
    def disponible(self) -> Decimal | None:
        return None if self.enveloppe is None else self.enveloppe - self.programme

    @property
    def taux_programmation(self) -> Decimal | None:
        return None if not self.enveloppe else taux(self.programme, self.enveloppe)

    @property
    def taux_engagement(self) -> Decimal | None:
        return None if not self.enveloppe else taux(self.engage, self.enveloppe)

    @property
    def taux_paiement(self) -> Decimal | None:
        return None if not self.enveloppe else taux(self.paye, self.enveloppe)


def signataires_avec_enveloppe(*, contrat: Contrat) -> QuerySet[Signataire]:
    return (
        Signataire.objects.filter(contrat=contrat)
        .select_related("organisation", "enveloppe")
        .order_by("ordre")
    )


def tableau_enveloppes(*, contrat: Contrat) -> tuple[LignesEnveloppes, Decimal]:
    """The nine envelopes in force, each with its share of the total and the avenant that set
    it (if any), and the total. A page calls a figure « article 2 » only when it is the signed
    one."""
    signataires = list(signataires_avec_enveloppe(contrat=contrat))
    avenants = avenants_des_enveloppes(contrat=contrat)
    total = sum((s.enveloppe.montant for s in signataires), ZERO)
    lignes = LignesEnveloppes(
        LigneEnveloppe(s, s.enveloppe.montant, taux(s.enveloppe.montant, total), avenants.get(s.pk))
        for s in signataires
    )
    return lignes, total


def execution_par_signataire(*, contrat: Contrat) -> tuple[list[Execution], Execution]:
    """The nine envelopes and their running totals (one query), and the programme's total."""
    lignes = [
        Execution(
            libelle=e.signataire.nom,
            code=e.signataire.code,
            enveloppe=e.montant,
            programme=e.montant_programme,
            engage=e.montant_engage,
            paye=e.montant_paye,
        )
        for e in Enveloppe.objects.filter(signataire__contrat=contrat)
        .select_related("signataire")
        .order_by("signataire__ordre")
    ]
    total = Execution(
        libelle="Total",
        enveloppe=sum((ligne.enveloppe or ZERO for ligne in lignes), ZERO),
        programme=sum((ligne.programme for ligne in lignes), ZERO),
        engage=sum((ligne.engage for ligne in lignes), ZERO),
        paye=sum((ligne.paye for ligne in lignes), ZERO),
    )
    return lignes, total


def _sommes(
    queryset: QuerySet[LigneProgrammee], *cles: str
) -> QuerySet[LigneProgrammee, dict[str, Any]]:
    # `order_by()`: the model's default ordering would otherwise join the dossier and the
    # signatory into the aggregate for nothing.
    sommes: QuerySet[LigneProgrammee, dict[str, Any]] = (
        queryset.order_by()
        .values(*cles)
        .annotate(
            programme=Sum("montant_programme"),
            engage=Sum("montant_engage"),
            paye=Sum("montant_paye"),
        )
    )
    return sommes


def _sommes_stockees(queryset: QuerySet[Any], cle: str) -> dict[Any, dict[str, Any]]:
    """Σ programmé / engagé / payé of stored slices (migration 0009) per `cle`."""
    return {
        s[cle]: s
        for s in queryset.order_by()
        .values(cle)
        .annotate(
            programme=Sum("montant_programme"),
            engage=Sum("montant_engage"),
            paye=Sum("montant_paye"),
        )
    }


def execution_par_axe(*, contrat: Contrat, signataire: Signataire | None = None) -> list[Execution]:
    """Programmé / engagé / payé per axis (the maquette by axis is the envelope where it exists),
    read from the stored slices per signatory and axis (`TotalAxe`, kept by the triggers)."""
    totaux = TotalAxe.objects.filter(axe__contrat=contrat)
    if signataire is not None:
        totaux = totaux.filter(signataire=signataire)
    sommes = _sommes_stockees(totaux, "axe_id")
    resultat = []
    for pk, code, titre in _axes_du_contrat(contrat):
        s = sommes.get(pk, {})
        resultat.append(
            Execution(
                libelle=f"Axe {code} – {titre}",
                code=code,
                enveloppe=None,
                programme=s.get("programme") or ZERO,
                engage=s.get("engage") or ZERO,
                paye=s.get("paye") or ZERO,
            )
        )
    return resultat


def _axes_du_contrat(contrat: Contrat) -> list[tuple[int, str, str]]:
    """(pk, code, titre) of the contract's axes in order, kept with the programme's tree."""
    return memorise(
        f"axes-du-contrat:{contrat.pk}",
        lambda: list(
            Noeud.objects.axes()
            .filter(contrat=contrat)
            .order_by("position")
            .values_list("pk", "code", "titre")
        ),
    )


def _departements() -> list[tuple[int, str, str]]:
    """(pk, nom, code INSEE) of the départements, kept with the programme's tree."""
    return memorise(
        "departements",
        lambda: list(
            Departement.objects.order_by("code_insee").values_list("pk", "nom", "code_insee")
        ),
    )


def execution_par_departement(*, contrat: Contrat) -> list[Execution]:
    """Per département; a dossier on several départements counts fully in each of them. Read
    from the stored slices per signatory and département (`TotalDepartement`)."""
    sommes = _sommes_stockees(
        TotalDepartement.objects.filter(signataire__contrat=contrat), "departement_id"
    )
    return [
        Execution(
            libelle=f"{nom} ({code_insee})",
            code=code_insee,
            enveloppe=None,
            programme=(sommes.get(pk) or {}).get("programme") or ZERO,
            engage=(sommes.get(pk) or {}).get("engage") or ZERO,
            paye=(sommes.get(pk) or {}).get("paye") or ZERO,
        )
        for pk, nom, code_insee in _departements()
    ]


# The Canal Seine-Nord Europe sub-axis of the contract, on which État and Région aim at parity
# "de façon globale sur l'ensemble des projets ou actions issus de ce sous-axe" (l. 1426-1427).
CODE_NOEUD_CSNE = "II.6"


@dataclass
class PariteCsne:
    etat: Decimal
    region: Decimal
    code: str = CODE_NOEUD_CSNE

    @property
    def total(self) -> Decimal:
        return self.etat + self.region

    @property
    def part_etat(self) -> Decimal:
        return taux(self.etat, self.total)

    @property
    def part_region(self) -> Decimal:
        return taux(self.region, self.total)


def parite_csne(*, contrat: Contrat) -> PariteCsne:
    """État and Région programmed on the Canal Seine-Nord Europe sub-axis (`CODE_NOEUD_CSNE`)
    and below: the contract aims at parity over the whole sub-axis (l. 1426-1427), it is not a
    per-project rule."""
    sommes = dict(
        LigneProgrammee.objects.filter(
            noeud__contrat=contrat, signataire__code__in=["etat", "region"]
        )
        .filter(Noeud.q_sous_code(CODE_NOEUD_CSNE, prefixe="noeud"))
        .order_by()
        .values_list("signataire__code")
        .annotate(total=Sum("montant_programme"))
    )
    return PariteCsne(etat=sommes.get("etat") or ZERO, region=sommes.get("region") or ZERO)


def execution_par_annee(*, signataire: Signataire) -> list[dict[str, Any]]:
    """Committed per budget year (against opened credits) and paid per calendar year, read
    from the stored slices per signatory and year (`TotalAnnee`, kept by the triggers); a year
    left with nothing (a commitment cancelled) is not listed."""
    engage: dict[int, Decimal] = {}
    paye: dict[int, Decimal] = {}
    for total in TotalAnnee.objects.filter(signataire=signataire).exclude(
        montant_engage=0, montant_paye=0
    ):
        engage[total.annee] = total.montant_engage
        paye[total.annee] = total.montant_paye
    ouverts = {c.annee: c for c in signataire.credits_ouverts.all()}
    annees = sorted(set(engage) | set(paye) | set(ouverts))
    return [
        {
            "annee": annee,
            "ouvert": ouverts[annee].montant if annee in ouverts else None,
            "engage": engage.get(annee) or ZERO,
            "paye": paye.get(annee) or ZERO,
            "disponible": (ouverts[annee].montant - (engage.get(annee) or ZERO))
            if annee in ouverts
            else None,
        }
        for annee in annees
    ]


def engage_et_paye_par_annee(*, contrat: Contrat) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """All signatories of the contract: committed per budget year, paid per calendar year, from
    the stored slices (`TotalAnnee`); years left with nothing are not listed."""
    engage: dict[int, Decimal] = {}
    paye: dict[int, Decimal] = {}
    for s in (
        TotalAnnee.objects.filter(signataire__contrat=contrat)
        .order_by()
        .values("annee")
        .annotate(engage=Sum("montant_engage"), paye=Sum("montant_paye"))
    ):
        if s["engage"] or s["paye"]:
            engage[s["annee"]] = s["engage"]
            paye[s["annee"]] = s["paye"]
    return engage, paye


def sommes_par_signataire_et_axe(*, contrat: Contrat) -> list[dict[str, Any]]:
    """Programmé / engagé / payé per signatory and axis from the stored slices (`TotalAxe`),
    ordered by signatory and axis position; slices left with nothing are not listed."""
    rangees = (
        TotalAxe.objects.filter(axe__contrat=contrat)
        .exclude(montant_programme=0, montant_engage=0, montant_paye=0)
        .values(
            "signataire_id",
            "axe__code",
            "axe__titre",
            "axe__position",
            programme=F("montant_programme"),
            engage=F("montant_engage"),
            paye=F("montant_paye"),
        )
        .order_by("signataire_id", "axe__position")
    )
    return [cast(dict[str, Any], rangee) for rangee in rangees]


@dataclass(frozen=True, slots=True)
class LigneDuRegistre:
    """What the signatory's page shows of one programmed line (no model instance: 200 rows)."""

    pk: int
    reference: str
    titre: str
    mesure: str
    programme: Decimal
    engage: Decimal
    paye: Decimal


def lignes_du_signataire(*, signataire: Signataire, limite: int = 200) -> list[LigneDuRegistre]:
    """The signatory's first `limite` programmed lines by dossier reference: only what the
    ledger's table shows (not the dossiers' long texts), read as plain values."""
    return [
        LigneDuRegistre(*rangee)
        for rangee in LigneProgrammee.objects.filter(signataire=signataire)
        .order_by("projet__reference")
        .values_list(
            "pk",
            "projet__reference",
            "projet__titre",
            "noeud__code",
            "montant_programme",
            "montant_engage",
            "montant_paye",
        )[:limite]
    ]


def des_projets_visibles(
    queryset: QuerySet[M], *, utilisateur: Utilisateur | AnonymousUser, chemin: str = "projet"
) -> QuerySet[M]:
    """Rows whose dossier (`chemin`) the person may see. Someone who sees every dossier gets no
    filter, rather than an `IN (SELECT id FROM projets)` that each count and page would run."""
    if utilisateur.is_authenticated and voit_tous_les_projets(utilisateur):
        return queryset
    return queryset.filter(**{f"{chemin}__in": Projet.objects.visibles_par(utilisateur)})


def lignes_visibles(*, utilisateur: Utilisateur | AnonymousUser) -> QuerySet[LigneProgrammee]:
    """Programmed lines of the dossiers the person may see."""
    return des_projets_visibles(
        LigneProgrammee.objects.all(), utilisateur=utilisateur
    ).select_related("projet", "signataire", "noeud")


def ligne_pour(*, utilisateur: Utilisateur | AnonymousUser, pk: int) -> LigneProgrammee:
    return get_object_or_404(lignes_visibles(utilisateur=utilisateur), pk=pk)


def engagement_pour(*, utilisateur: Utilisateur | AnonymousUser, pk: int) -> Engagement:
    return get_object_or_404(
        des_projets_visibles(
            Engagement.objects.all(), utilisateur=utilisateur, chemin="ligne__projet"
        ).select_related("ligne__projet", "signataire"),
        pk=pk,
    )


def enveloppes_a_la_date(*, contrat: Contrat, le: date) -> list[tuple[Signataire, Decimal | None]]:
    """The contract at a date: each envelope as it stood then (Article 2, then avenants)."""
    versions: dict[int, VersionEnveloppe] = {}
    for version in VersionEnveloppe.objects.filter(
        signataire__contrat=contrat, depuis__lte=le
    ).order_by("depuis", "pk"):
        versions[version.signataire_id] = version
    return [
        (s, versions[s.pk].montant if s.pk in versions else None)
        for s in Signataire.objects.filter(contrat=contrat).order_by("ordre")
    ]


SERIES_EXECUTION = [
    Serie("Enveloppe", "enveloppe"),
    Serie("Programmé", "programme"),
    Serie("Engagé", "engage"),
    Serie("Payé", "paye"),
]


def graphique_execution(lignes: list[Execution], titre: str) -> Graphique:
    """Envelope, programmé, engagé and payé of each line, as one bar chart."""
    return barres_horizontales(
        [
            (ligne.libelle, [ligne.enveloppe, ligne.programme, ligne.engage, ligne.paye])
            for ligne in lignes
        ],
        series=SERIES_EXECUTION,
        titre=titre,
        description="Pour chaque ligne : enveloppe, programmé, engagé et payé, à la même "
        "échelle, en millions d'euros. Les montants exacts figurent dans le tableau qui suit.",
    )


def graphique_taux(lignes: list[Execution], titre: str) -> Graphique:
    """Programmé, engagé and payé as a share of each envelope: comparable across signatories
    whatever the size of their envelope."""
    return barres_horizontales(
        [
            (ligne.libelle, [ligne.taux_programmation, ligne.taux_engagement, ligne.taux_paiement])
            for ligne in lignes
        ],
        series=SERIES_EXECUTION[1:],
        titre=titre,
        description="Pour chaque signataire : part de son enveloppe programmée, engagée et payée, "
        "en pourcentage, sur une échelle de 0 à 100 %. Les montants figurent dans le tableau "
        "qui suit.",
        formater=format_taux,
        echelle=Decimal(100),
    )


# --- What waits for a signatory's agents (the dashboard and the weekly e-mail) -------------
SEUIL_CREDITS = Decimal("0.90")


def lignes_sans_engagement(
    *, signataire: Signataire | None = None, contrat: Contrat | None = None
) -> QuerySet[LigneProgrammee]:
    """The signatory's programmed lines with nothing committed yet, on dossiers that can be
    committed (programmé or en cours), oldest programming first. The dashboard and the weekly
    e-mail list exactly these lines. Without a signatory: those of every signatory of
    `contrat`."""
    par_qui: dict[str, Signataire | Contrat | None] = (
        {"signataire": signataire} if signataire is not None else {"signataire__contrat": contrat}
    )
    return (
        LigneProgrammee.objects.filter(
            **par_qui,
            montant_engage=0,
            montant_programme__gt=0,
            projet__statut__in=STATUTS_EXECUTABLES,
        )
        .select_related("projet", "signataire")
        .order_by("programme_le", "pk")
    )


@dataclass(frozen=True)
class CreditsTendus:
    signataire: str
    ouvert: Decimal
    engage: Decimal
    reste: Decimal
    taux: Decimal


def credits_presque_consommes(*, signataire: Signataire, annee: int) -> list[CreditsTendus]:
    """The signatory's credits of the year committed beyond `SEUIL_CREDITS` (90 %)."""
    return [
        CreditsTendus(
            signataire=c.signataire.nom,
            ouvert=c.montant,
            engage=c.montant_engage,
            reste=c.montant - c.montant_engage,
            taux=taux(c.montant_engage, c.montant),
        )
        for c in CreditsOuverts.objects.filter(
            signataire=signataire, annee=annee, montant__gt=0
        ).select_related("signataire")
        if c.montant_engage > c.montant * SEUIL_CREDITS
    ]


def enveloppe_du_signataire(*, signataire: Signataire) -> Enveloppe:
    return Enveloppe.objects.select_related("signataire").get(signataire=signataire)


def avenants_en_approbation() -> list[Avenant]:
    """Avenants waiting for the signatories' approvals, with the approvals already given."""
    return list(
        Avenant.objects.filter(statut=StatutAvenant.EN_APPROBATION).prefetch_related("approbations")
    )


# --- Execution by the porteur (issue 16) -------------------------------------------------------
def demandes_visibles(*, utilisateur: Utilisateur | AnonymousUser) -> QuerySet[DemandePaiement]:
    """Payment requests of the dossiers the person may see (a porteur: its own)."""
    return des_projets_visibles(
        DemandePaiement.objects.all(), utilisateur=utilisateur, chemin="ligne__projet"
    ).select_related(
        "ligne__projet", "ligne__signataire", "ligne__ligne_plan", "deposee_par", "instruite_par"
    )


def demande_pour(*, utilisateur: Utilisateur | AnonymousUser, pk: int) -> DemandePaiement:
    return get_object_or_404(demandes_visibles(utilisateur=utilisateur), pk=pk)


def lignes_en_execution(*, projet: Projet) -> list[LigneProgrammee]:
    """The dossier's programmed lines, each with its payment requests (and their invoices)."""
    return list(
        projet.lignes_programmees.select_related(
            "projet", "signataire", "ligne_plan"
        ).prefetch_related(
            Prefetch(
                "demandes_paiement",
                queryset=DemandePaiement.objects.prefetch_related("depenses").order_by("pk"),
            )
        )
    )
