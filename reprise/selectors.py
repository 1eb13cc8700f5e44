"""Reads of the import: the export of the programming (the template's rows) and the imports."""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from financement.models import Engagement, LigneProgrammee, Paiement
from projets.models import LignePlanFinancement, NatureFinancement, Projet
from projets.workflow import AVEC_SUIVI_FINANCIER
from reprise.gabarit import Valeur
from reprise.models import ImportProgrammation
from reprise.verification import NATURES_COURTES

Rangee = dict[str, Valeur]


def _projets_programmes() -> QuerySet[Projet]:
    return (
        Projet.objects.filter(statut__in=AVEC_SUIVI_FINANCIER)
        .select_related("mesure", "maitre_ouvrage", "reprise")
        .prefetch_related(
            "departements",
            "communes",
            Prefetch(
                "lignes_financement",
                queryset=LignePlanFinancement.objects.select_related(
                    "signataire", "programmation"
                ).order_by("ordre", "pk"),
            ),
            Prefetch(
                "lignes_programmees__engagements",
                queryset=Engagement.objects.order_by("date_acte", "pk").prefetch_related(
                    Prefetch("paiements", queryset=Paiement.objects.order_by("date", "pk"))
                ),
            ),
        )
        .order_by("reference")
    )


def _colonnes_dossier(projet: Projet) -> Rangee:
    reprise = getattr(projet, "reprise", None)
    maitre_ouvrage = projet.maitre_ouvrage
    return {
        "reference": projet.reference,
        "identifiant": reprise.identifiant_origine if reprise is not None else None,
        "titre": projet.titre,
        "mesure": projet.mesure.code,
        "maitre_ouvrage": maitre_ouvrage.nom if maitre_ouvrage else projet.maitre_ouvrage_texte,
        "siret": (maitre_ouvrage.siret or None) if maitre_ouvrage else None,
        "departements": "; ".join(sorted(d.code_insee for d in projet.departements.all())) or None,
        "communes": "; ".join(sorted(c.code_insee for c in projet.communes.all())) or None,
        "statut": projet.get_statut_display(),
    }


def _colonnes_ligne(ligne: LignePlanFinancement, montant: Decimal) -> Rangee:
    return {
        "financeur": ligne.signataire.code if ligne.signataire else ligne.source,
        "nature": NATURES_COURTES[NatureFinancement(ligne.nature)],
        "montant_programme": montant,
    }


def _colonnes_engagement(engagement: Engagement) -> Rangee:
    return {
        "engagement_reference": engagement.reference,
        "engagement_acte": engagement.get_type_acte_display(),
        "engagement_date": engagement.date_acte,
        "engagement_annee": engagement.annee_budgetaire,
        "montant_engage": engagement.montant,
    }


def _colonnes_paiement(paiement: Paiement) -> Rangee:
    return {
        "paiement_reference": paiement.reference,
        "paiement_type": paiement.get_type_display(),
        "paiement_date": paiement.date,
        "montant_paye": paiement.montant,
    }


def rangees_programmation() -> Iterator[Rangee]:
    """The programming the portal holds (dossiers programmé, en cours, soldé), one row per
    financing line, commitment and payment, in the template's columns."""
    for projet in _projets_programmes():
        dossier = _colonnes_dossier(projet)
        engagements: dict[int, list[Engagement]] = {
            lp.ligne_plan_id: list(lp.engagements.all()) for lp in projet.lignes_programmees.all()
        }
        for ligne in projet.lignes_financement.all():
            programmee: LigneProgrammee | None = getattr(ligne, "programmation", None)
            montant = programmee.montant_programme if programmee is not None else ligne.montant
            base = {**dossier, **_colonnes_ligne(ligne, montant)}
            liste = engagements.get(ligne.pk, [])
            if not liste:
                yield base
            for engagement in liste:
                avec_engagement = {**base, **_colonnes_engagement(engagement)}
                paiements = list(engagement.paiements.all())
                if not paiements:
                    yield avec_engagement
                for paiement in paiements:
                    yield {**avec_engagement, **_colonnes_paiement(paiement)}


def imports_recents() -> QuerySet[ImportProgrammation]:
    return ImportProgrammation.objects.select_related("depose_par", "applique_par")[:30]
