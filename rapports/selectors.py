"""Reads of the reports: what a bilan and a fiche projet show, and the jobs a person may see.

`donnees_bilan` gathers every figure of the « Bilan d'exécution » in one structure: the
envelopes (Article 2 and in force) and, from the ledger (`financement`), what is programmed,
committed and paid — per signatory (the stored running totals of `Enveloppe`), per signatory
and axis, per axis, per département, per year, and the Canal Seine-Nord Europe parity. Nothing
here invents a figure: every amount is read from the ledger's rows or its stored totals.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from axes.models import Contrat, Departement, Noeud, Signataire, TerritoireSpecial
from comptes.models import Utilisateur
from financement.models import Engagement, LigneProgrammee, Paiement
from financement.selectors import (
    Execution,
    PariteCsne,
    avenants_des_enveloppes,
    engage_et_paye_par_annee,
    execution_par_annee,
    execution_par_axe,
    execution_par_departement,
    execution_par_signataire,
    parite_csne,
    signataires_avec_enveloppe,
    sommes_par_signataire_et_axe,
)
from gouvernance.selectors import ResultatsGrille, resultats_grille
from projets.models import (
    CommuneProjet,
    LignePlanFinancement,
    Phase,
    Projet,
    TransitionProjet,
)
from rapports.graphiques import (
    BLEU_CLAIR,
    BLEU_FRANCE,
    BLEU_MOYEN,
    GRIS_CLAIR,
    Graphique,
    Serie,
    barres_empilees,
    barres_groupees,
)
from rapports.models import Travail
from socle.montants import taux

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LigneSignataire:
    """One signatory: what Article 2 says and the envelope in force (after avenants)."""

    signataire: Signataire
    montant_article_2: Decimal
    enveloppe: Decimal
    part: Decimal  # share of the envelope in the contract's total, in percent
    avenant: int | None = None  # the avenant in force that set the envelope, if any


@dataclass
class LigneProgramme:
    """One node of the programme tree with the operations and the ledger at or below it."""

    noeud: Noeud
    operations: int
    programme: Decimal = ZERO
    engage: Decimal = ZERO
    paye: Decimal = ZERO
    enfants: list["LigneProgramme"] = field(default_factory=list)

    @property
    def niveau(self) -> int:
        return self.noeud.niveau


@dataclass(frozen=True)
class Barre:
    """One bar of the envelope chart, geometry computed on the server (no JavaScript)."""

    libelle: str
    montant: Decimal
    y: int
    largeur: Decimal
    mise_en_avant: bool

    @property
    def y_texte(self) -> int:
        return self.y + 13


@dataclass(frozen=True)
class GraphiqueEnveloppes:
    barres: list[Barre]
    hauteur: int
    largeur_max: int
    x_barres: int

    @property
    def x_valeurs(self) -> int:
        return self.x_barres + self.largeur_max + 8

    @property
    def largeur(self) -> int:
        return self.x_valeurs + 90


@dataclass(frozen=True)
class BlocSignataireAxes:
    """One signatory's programmed lines summed per axis (only the axes it programmed on)."""

    signataire: Signataire
    axes: list[Execution]
    total: Execution


@dataclass(frozen=True)
class LigneAnnee:
    """Committed in a budget year (against the credits opened, where known), paid in a
    calendar year."""

    annee: int
    ouvert: Decimal | None
    engage: Decimal
    paye: Decimal

    @property
    def disponible(self) -> Decimal | None:
        return None if self.ouvert is None else self.ouvert - self.engage

    @property
    def taux_consommation(self) -> Decimal | None:
        return None if not self.ouvert else taux(self.engage, self.ouvert)


@dataclass
class DonneesBilan:
    contrat: Contrat
    genere_le: datetime
    signataires: list[LigneSignataire]
    total_article_2: Decimal
    total_enveloppes: Decimal
    axes: list[LigneProgramme]
    operations_total: int
    operations_hors_cper: int
    graphique: GraphiqueEnveloppes
    execution: list[Execution]
    execution_total: Execution
    signataires_axes: list[BlocSignataireAxes]
    par_axe: list[Execution]
    par_departement: list[Execution]
    par_annee: list[LigneAnnee]
    parite: PariteCsne
    graphique_execution: Graphique
    graphique_axes: Graphique
    graphique_annees: Graphique
    lignes_programmees: list[LigneProgrammee] = field(default_factory=list)
    signataire: Signataire | None = None  # set for the single-signatory variant

    @property
    def ligne_signataire(self) -> LigneSignataire | None:
        if self.signataire is None:
            return None
        return next(ligne for ligne in self.signataires if ligne.signataire == self.signataire)

    @property
    def signataires_affiches(self) -> list[LigneSignataire]:
        ligne = self.ligne_signataire
        return [ligne] if ligne else self.signataires

    @property
    def sommaire(self) -> list[tuple[str, str]]:
        """The chapters, in order: (anchor, title). Numbers come from the position."""
        if self.signataire is None:
            return [
                ("signataires", "Les engagements des neuf signataires"),
                ("execution", "L'exécution des enveloppes"),
                ("signataires_axes", "Par signataire et par axe"),
                ("axes", "Par axe"),
                ("departements", "Par département"),
                ("annees", "Par année"),
                ("csne", "La parité État-Région du Canal Seine-Nord Europe"),
                ("programme", "Le programme par axe"),
                ("donnees", "Sources et limites des données"),
            ]
        return [
            ("signataires", "L'engagement du signataire"),
            ("execution", "L'exécution de l'enveloppe"),
            ("axes", "Par axe"),
            ("annees", "Par année"),
            ("lignes", "Les lignes programmées"),
            ("programme", "Le programme par axe"),
            ("donnees", "Sources et limites des données"),
        ]

    @property
    def numeros(self) -> dict[str, int]:
        return {ancre: rang for rang, (ancre, _) in enumerate(self.sommaire, start=1)}

    @property
    def execution_affichee(self) -> list[Execution]:
        if self.signataire is None:
            return self.execution
        return [e for e in self.execution if e.code == self.signataire.code]

    @property
    def par_axe_total(self) -> Execution:
        return _total(self.par_axe)

    @property
    def par_annee_total(self) -> LigneAnnee:
        ouverts = [ligne.ouvert for ligne in self.par_annee if ligne.ouvert is not None]
        return LigneAnnee(
            annee=0,
            ouvert=sum(ouverts, ZERO) if ouverts else None,
            engage=sum((ligne.engage for ligne in self.par_annee), ZERO),
            paye=sum((ligne.paye for ligne in self.par_annee), ZERO),
        )


def _total(lignes: list[Execution], libelle: str = "Total") -> Execution:
    enveloppes = [ligne.enveloppe for ligne in lignes if ligne.enveloppe is not None]
    return Execution(
        libelle=libelle,
        enveloppe=sum(enveloppes, ZERO) if enveloppes else None,
        programme=sum((ligne.programme for ligne in lignes), ZERO),
        engage=sum((ligne.engage for ligne in lignes), ZERO),
        paye=sum((ligne.paye for ligne in lignes), ZERO),
    )


def _arbre_avec_operations(
    *, contrat: Contrat, signataire: Signataire | None = None
) -> tuple[list[LigneProgramme], int, int]:
    """Programme tree with, on each node, the operations attached at or below it and what is
    programmed, committed and paid there (for one signatory, or for all).

    Three queries: the nodes, the operations per node, the ledger per node.
    """
    par_noeud = dict(
        Projet.objects.filter(mesure__contrat=contrat)
        .values_list("mesure_id")
        .annotate(n=Count("pk"))
        .values_list("mesure_id", "n")
    )
    lignes_programmees = LigneProgrammee.objects.filter(noeud__contrat=contrat)
    if signataire is not None:
        lignes_programmees = lignes_programmees.filter(signataire=signataire)
    registre = {
        s["noeud_id"]: s
        for s in lignes_programmees.values("noeud_id").annotate(
            programme=Sum("montant_programme"),
            engage=Sum("montant_engage"),
            paye=Sum("montant_paye"),
        )
    }
    lignes: dict[int, LigneProgramme] = {}
    racines: list[LigneProgramme] = []
    noeuds = Noeud.objects.filter(contrat=contrat).order_by("position")
    for noeud in noeuds:
        sommes = registre.get(noeud.pk, {})
        ligne = LigneProgramme(
            noeud,
            par_noeud.get(noeud.pk, 0),
            programme=sommes.get("programme") or ZERO,
            engage=sommes.get("engage") or ZERO,
            paye=sommes.get("paye") or ZERO,
        )
        lignes[noeud.pk] = ligne
        if noeud.parent_id is None:
            racines.append(ligne)
        else:
            lignes[noeud.parent_id].enfants.append(ligne)

    def cumuler(ligne: LigneProgramme) -> int:
        for enfant in ligne.enfants:
            cumuler(enfant)
            ligne.operations += enfant.operations
            ligne.programme += enfant.programme
            ligne.engage += enfant.engage
            ligne.paye += enfant.paye
        return ligne.operations

    total = sum(cumuler(racine) for racine in racines)
    hors_cper = Projet.objects.filter(mesure__contrat=contrat, hors_cper=True).count()
    return racines, total, hors_cper


def _graphique_enveloppes(
    lignes: list[LigneSignataire], signataire: Signataire | None
) -> GraphiqueEnveloppes:
    """Horizontal bars, one per signatory, proportional to the envelope in force."""
    hauteur_barre, pas, largeur_max, x_barres = 18, 26, 260, 240
    plus_grand = max((ligne.enveloppe for ligne in lignes), default=ZERO)
    barres = [
        Barre(
            libelle=ligne.signataire.nom,
            montant=ligne.enveloppe,
            y=rang * pas,
            largeur=(
                (ligne.enveloppe * largeur_max / plus_grand).quantize(Decimal("0.1"))
                if plus_grand
                else Decimal("0.0")
            ),
            mise_en_avant=signataire is not None and ligne.signataire == signataire,
        )
        for rang, ligne in enumerate(lignes)
    ]
    return GraphiqueEnveloppes(
        barres=barres,
        hauteur=len(barres) * pas - (pas - hauteur_barre),
        largeur_max=largeur_max,
        x_barres=x_barres,
    )


SERIES_EXECUTION = [
    Serie("Payé", BLEU_FRANCE),
    Serie("Engagé non payé", BLEU_MOYEN),
    Serie("Programmé non engagé", BLEU_CLAIR),
    Serie("Disponible", "#ffffff", bordure="#929292"),
]
SERIES_REGISTRE = [
    Serie("Programmé", BLEU_CLAIR),
    Serie("Engagé", BLEU_MOYEN),
    Serie("Payé", BLEU_FRANCE),
]
SERIES_ANNEES = [Serie("Crédits ouverts", GRIS_CLAIR, bordure="#929292"), *SERIES_REGISTRE[1:]]


def _graphique_execution(lignes: list[Execution]) -> Graphique:
    return barres_empilees(
        lignes=[
            (
                ligne.libelle,
                [
                    ligne.paye,
                    ligne.engage - ligne.paye,
                    ligne.programme - ligne.engage,
                    max(ligne.disponible or ZERO, ZERO),
                ],
            )
            for ligne in lignes
        ],
        series=SERIES_EXECUTION,
        description="Enveloppe de chaque signataire : payé, engagé, programmé et disponible",
    )


def _graphique_axes(lignes: list[Execution]) -> Graphique:
    return barres_groupees(
        groupes=[
            (f"Axe {ligne.code}", [ligne.programme, ligne.engage, ligne.paye]) for ligne in lignes
        ],
        series=SERIES_REGISTRE,
        description="Programmé, engagé et payé par axe, en millions d'euros",
    )


def _graphique_annees(lignes: list[LigneAnnee], avec_credits: bool) -> Graphique:
    series = SERIES_ANNEES if avec_credits else SERIES_REGISTRE[1:]
    return barres_groupees(
        groupes=[
            (
                str(ligne.annee),
                ([ligne.ouvert or ZERO] if avec_credits else []) + [ligne.engage, ligne.paye],
            )
            for ligne in lignes
        ],
        series=series,
        description="Engagé par année budgétaire et payé par année civile, en millions d'euros",
    )


def _annees(contrat: Contrat, *autres: Iterable[int]) -> list[int]:
    connues = set(range(contrat.annee_debut, contrat.annee_fin + 1))
    for annees in autres:
        connues |= set(annees)
    return sorted(connues)


def _par_annee_du_contrat(*, contrat: Contrat) -> list[LigneAnnee]:
    """All signatories: commitments by budget year, payments by calendar year. Credits opened
    are left out: summed over signatories that did not all record theirs, they would mislead."""
    engage, paye = engage_et_paye_par_annee(contrat=contrat)
    return [
        LigneAnnee(
            annee=annee, ouvert=None, engage=engage.get(annee) or ZERO, paye=paye.get(annee) or ZERO
        )
        for annee in _annees(contrat, engage, paye)
    ]


def _par_annee_du_signataire(*, contrat: Contrat, signataire: Signataire) -> list[LigneAnnee]:
    lignes = {ligne["annee"]: ligne for ligne in execution_par_annee(signataire=signataire)}
    return [
        LigneAnnee(
            annee=annee,
            ouvert=(lignes.get(annee) or {}).get("ouvert"),
            engage=(lignes.get(annee) or {}).get("engage") or ZERO,
            paye=(lignes.get(annee) or {}).get("paye") or ZERO,
        )
        for annee in _annees(contrat, lignes)
    ]


def _signataires_axes(
    *, contrat: Contrat, signataires: list[Signataire]
) -> list[BlocSignataireAxes]:
    """Σ per signatory and axis (the stored slices), one query; axes with nothing are left
    out."""
    sommes: dict[int, list[Execution]] = {}
    requete = sommes_par_signataire_et_axe(contrat=contrat)
    for s in requete:
        sommes.setdefault(s["signataire_id"], []).append(
            Execution(
                libelle=f"Axe {s['axe__code']} – {s['axe__titre']}",
                code=s["axe__code"],
                enveloppe=None,
                programme=s["programme"],
                engage=s["engage"],
                paye=s["paye"],
            )
        )
    return [
        BlocSignataireAxes(
            signataire=signataire,
            axes=sommes.get(signataire.pk, []),
            total=_total(sommes.get(signataire.pk, []), libelle=f"Total {signataire.nom}"),
        )
        for signataire in signataires
    ]


def donnees_bilan(*, contrat: Contrat, signataire_code: str | None = None) -> DonneesBilan:
    """Everything the « Bilan d'exécution du CPER » prints: Article 2, the envelopes in force
    and their execution from the ledger, sliced by signatory, axis, département and year.

    With `signataire_code`, the bilan focuses on that signatory: its envelope, its lines by
    axis and by year (against the credits it opened) and the list of its programmed lines. An
    unknown code raises `Signataire.DoesNotExist`.
    """
    signataires = list(signataires_avec_enveloppe(contrat=contrat))
    total_enveloppes = sum((s.enveloppe.montant for s in signataires), ZERO)
    total_article_2 = sum((s.montant_article_2 for s in signataires), ZERO)
    avenants = avenants_des_enveloppes(contrat=contrat)
    lignes = [
        LigneSignataire(
            signataire=s,
            montant_article_2=s.montant_article_2,
            enveloppe=s.enveloppe.montant,
            part=taux(s.enveloppe.montant, total_enveloppes),
            avenant=avenants.get(s.pk),
        )
        for s in signataires
    ]
    signataire = None
    if signataire_code:
        signataire = next((s for s in signataires if s.code == signataire_code), None)
        if signataire is None:
            raise Signataire.DoesNotExist(f"Signataire inconnu : {signataire_code}")
    axes, operations_total, hors_cper = _arbre_avec_operations(
        contrat=contrat, signataire=signataire
    )
    execution, execution_total = execution_par_signataire(contrat=contrat)
    par_axe = execution_par_axe(contrat=contrat, signataire=signataire)
    if signataire is None:
        par_annee = _par_annee_du_contrat(contrat=contrat)
        lignes_programmees: list[LigneProgrammee] = []
        signataires_axes = _signataires_axes(contrat=contrat, signataires=signataires)
        par_departement = execution_par_departement(contrat=contrat)
        execution_graphique = execution
    else:
        par_annee = _par_annee_du_signataire(contrat=contrat, signataire=signataire)
        lignes_programmees = list(
            LigneProgrammee.objects.filter(signataire=signataire)
            .select_related("projet", "noeud")
            .order_by("projet__reference", "pk")
        )
        signataires_axes = []
        par_departement = []
        execution_graphique = [e for e in execution if e.code == signataire.code]
    return DonneesBilan(
        contrat=contrat,
        genere_le=timezone.now(),
        signataires=lignes,
        total_article_2=total_article_2,
        total_enveloppes=total_enveloppes,
        axes=axes,
        operations_total=operations_total,
        operations_hors_cper=hors_cper,
        graphique=_graphique_enveloppes(lignes, signataire),
        execution=execution,
        execution_total=execution_total,
        signataires_axes=signataires_axes,
        par_axe=par_axe,
        par_departement=par_departement,
        par_annee=par_annee,
        parite=parite_csne(contrat=contrat),
        graphique_execution=_graphique_execution(execution_graphique),
        graphique_axes=_graphique_axes(par_axe),
        graphique_annees=_graphique_annees(par_annee, avec_credits=signataire is not None),
        lignes_programmees=lignes_programmees,
        signataire=signataire,
    )


@dataclass
class DonneesFiche:
    """Everything the « Fiche projet » prints about one dossier."""

    projet: Projet
    genere_le: datetime
    lignes_plan: list[LignePlanFinancement]
    total_plan: Decimal
    departements: list[Departement]
    communes: list[CommuneProjet]
    territoires: list[TerritoireSpecial]
    phases: list[Phase]
    transitions: list[TransitionProjet]
    lignes_programmees: list[LigneProgrammee]
    total_programme: Execution
    # The co-funders' instruction (scores, opinions), for those who see the governance.
    instruction: ResultatsGrille | None = None


def donnees_fiche_projet(*, projet: Projet, avec_instruction: bool = False) -> DonneesFiche:
    """The dossier, its financing plan, territory, calendar, cross-cutting principles, its
    lifecycle journal and its programmed lines with their commitments and payments; with
    `avec_instruction`, the consolidated score and each co-funder's grid and opinion.

    A fixed number of queries whatever the size of the dossier (prefetches)."""
    projet = (
        Projet.objects.select_related("mesure", "mesure__axe", "maitre_ouvrage")
        .prefetch_related(
            "departements",
            "territoires_speciaux",
            "communes",
            "phases",
            Prefetch(
                "lignes_financement",
                queryset=LignePlanFinancement.objects.select_related("signataire"),
            ),
        )
        .get(pk=projet.pk)
    )
    lignes_plan = list(projet.lignes_financement.all())
    lignes_programmees = list(
        LigneProgrammee.objects.filter(projet=projet)
        .select_related("signataire", "noeud")
        .prefetch_related(
            Prefetch(
                "engagements",
                queryset=Engagement.objects.order_by("date_acte", "pk").prefetch_related(
                    Prefetch("paiements", queryset=Paiement.objects.order_by("date", "pk"))
                ),
            )
        )
        .order_by("signataire__ordre", "pk")
    )
    total = Execution(
        libelle="Total",
        enveloppe=None,
        programme=sum((ligne.montant_programme for ligne in lignes_programmees), ZERO),
        engage=sum((ligne.montant_engage for ligne in lignes_programmees), ZERO),
        paye=sum((ligne.montant_paye for ligne in lignes_programmees), ZERO),
    )
    return DonneesFiche(
        projet=projet,
        genere_le=timezone.now(),
        lignes_plan=lignes_plan,
        total_plan=sum((ligne.montant for ligne in lignes_plan), ZERO),
        departements=list(projet.departements.all()),
        communes=list(projet.communes.all()),
        territoires=list(projet.territoires_speciaux.all()),
        phases=list(projet.phases.all()),
        transitions=list(projet.transitions.select_related("par").order_by("le", "pk")),
        lignes_programmees=lignes_programmees,
        total_programme=total,
        instruction=resultats_grille(projet=projet) if avec_instruction else None,
    )


def travaux_de(*, utilisateur: Utilisateur) -> QuerySet[Travail]:
    """The jobs a person asked for, most recent first."""
    return Travail.objects.filter(demandeur=utilisateur).order_by("-cree_le", "-pk")


def travail_visible(*, utilisateur: Utilisateur | AnonymousUser, pk: int) -> Travail:
    """A job its requester or an administrator may see; anyone else gets a 404."""
    return get_object_or_404(
        Travail.objects.visibles_par(utilisateur).select_related("demandeur"), pk=pk
    )
