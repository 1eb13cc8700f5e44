"""Reads of the reports: what a bilan shows, and the jobs a person may see.

`donnees_bilan` gathers every figure of the « Bilan d'exécution » in one structure. Today the
data model holds the envelopes (Article 2 and in force) and the operations of the programme;
the columns « programmé / engagé / payé » will come from the ledger (`financement`) and belong
in `LigneSignataire` and `LigneProgramme` once it exists. Nothing here invents a figure.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from axes.models import Contrat, Noeud, Signataire
from cper.socle.montants import taux
from financement.selectors import signataires_avec_enveloppe
from projets.models import Projet
from rapports.models import Travail

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LigneSignataire:
    """One signatory: what Article 2 says and the envelope in force (after avenants)."""

    signataire: Signataire
    montant_article_2: Decimal
    enveloppe: Decimal
    part: Decimal  # share of the envelope in the contract's total, in percent


@dataclass
class LigneProgramme:
    """One node of the programme tree with the operations attached to it or below it."""

    noeud: Noeud
    operations: int
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
class Graphique:
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
    graphique: Graphique
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


def _arbre_avec_operations(*, contrat: Contrat) -> tuple[list[LigneProgramme], int, int]:
    """Programme tree with, on each node, the number of operations attached at or below it.

    Two queries: the nodes, and the count of operations per node they are attached to.
    """
    par_noeud = dict(
        Projet.objects.filter(mesure__contrat=contrat)
        .values_list("mesure_id")
        .annotate(n=Count("pk"))
        .values_list("mesure_id", "n")
    )
    lignes: dict[int, LigneProgramme] = {}
    racines: list[LigneProgramme] = []
    noeuds = Noeud.objects.filter(contrat=contrat).order_by("position")
    for noeud in noeuds:
        ligne = LigneProgramme(noeud, par_noeud.get(noeud.pk, 0))
        lignes[noeud.pk] = ligne
        if noeud.parent_id is None:
            racines.append(ligne)
        else:
            lignes[noeud.parent_id].enfants.append(ligne)

    def cumuler(ligne: LigneProgramme) -> int:
        ligne.operations += sum(cumuler(enfant) for enfant in ligne.enfants)
        return ligne.operations

    total = sum(cumuler(racine) for racine in racines)
    hors_cper = Projet.objects.filter(mesure__contrat=contrat, hors_cper=True).count()
    return racines, total, hors_cper


def _graphique(lignes: list[LigneSignataire], signataire: Signataire | None) -> Graphique:
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
    return Graphique(
        barres=barres,
        hauteur=len(barres) * pas - (pas - hauteur_barre),
        largeur_max=largeur_max,
        x_barres=x_barres,
    )


def donnees_bilan(*, contrat: Contrat, signataire_code: str | None = None) -> DonneesBilan:
    """Everything the « Bilan d'exécution du CPER » prints (article 2 and the programme).

    With `signataire_code`, the bilan focuses on that signatory; an unknown code raises
    `Signataire.DoesNotExist`.
    """
    signataires = list(signataires_avec_enveloppe(contrat=contrat))
    total_enveloppes = sum((s.enveloppe.montant for s in signataires), ZERO)
    total_article_2 = sum((s.montant_article_2 for s in signataires), ZERO)
    lignes = [
        LigneSignataire(
            signataire=s,
            montant_article_2=s.montant_article_2,
            enveloppe=s.enveloppe.montant,
            part=taux(s.enveloppe.montant, total_enveloppes),
        )
        for s in signataires
    ]
    signataire = None
    if signataire_code:
        signataire = next((s for s in signataires if s.code == signataire_code), None)
        if signataire is None:
            raise Signataire.DoesNotExist(f"Signataire inconnu : {signataire_code}")
    axes, operations_total, hors_cper = _arbre_avec_operations(contrat=contrat)
    return DonneesBilan(
        contrat=contrat,
        genere_le=timezone.now(),
        signataires=lignes,
        total_article_2=total_article_2,
        total_enveloppes=total_enveloppes,
        axes=axes,
        operations_total=operations_total,
        operations_hors_cper=hors_cper,
        graphique=_graphique(lignes, signataire),
        signataire=signataire,
    )


def travaux_de(*, utilisateur) -> QuerySet[Travail]:
    """The jobs a person asked for, most recent first."""
    return Travail.objects.filter(demandeur=utilisateur).order_by("-cree_le", "-pk")


def travail_visible(*, utilisateur, pk: int) -> Travail:
    """A job its requester or an administrator may see; anyone else gets a 404."""
    return get_object_or_404(
        Travail.objects.visibles_par(utilisateur).select_related("demandeur"), pk=pk
    )
