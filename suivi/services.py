"""Write use-cases of the execution follow-up (one transaction each)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from axes.models import Niveau, Noeud
from comptes.models import Utilisateur
from financement.models import LigneProgrammee
from financement.regles import verifier_annee_budgetaire
from projets.models import Projet
from socle.exceptions import ActionNonAutorisee, RegleMetierError
from socle.montants import format_euros
from suivi.fraicheur import avancer
from suivi.models import (
    ContributionIndicateur,
    Echeance,
    Indicateur,
    JournalSuivi,
    NatureIndicateur,
)
from suivi.permissions import (
    peut_definir_indicateurs,
    peut_modifier_echeancier,
    peut_renseigner_contribution,
)


@transaction.atomic
def echeancier_definir(
    *, ligne: LigneProgrammee, echeances: dict[int, tuple[Decimal, Decimal]], par: Utilisateur
) -> list[Echeance]:
    """Replace a programmed line's schedule ({année: (AE, CP)}). The totals cannot exceed the
    programmed amount (Article 2: the amounts are contractual); all or nothing."""
    ligne = (
        LigneProgrammee.objects.select_for_update()
        .select_related("signataire", "projet")
        .get(pk=ligne.pk)
    )
    if not peut_modifier_echeancier(par, ligne):
        raise ActionNonAutorisee(
            "Seuls le porteur du dossier et les agents "
            f"{ligne.signataire.de_nom} modifient l'échéancier de cette ligne."
        )
    erreurs: dict[str, list[str]] = {}
    for annee, (ae, cp) in echeances.items():
        verifier_annee_budgetaire(annee, champ="annee")
        if ae < 0 or cp < 0:
            erreurs.setdefault("montant", []).append(
                f"{annee} : les montants ne peuvent pas être négatifs."
            )
    total_ae = sum((ae for ae, _ in echeances.values()), Decimal("0.00"))
    total_cp = sum((cp for _, cp in echeances.values()), Decimal("0.00"))
    for nom, total in (("montant_ae", total_ae), ("montant_cp", total_cp)):
        if total > ligne.montant_programme:
            erreurs.setdefault(nom, []).append(
                f"L'échéancier totalise {format_euros(total)}, plus que les "
                f"{format_euros(ligne.montant_programme)} programmés sur la ligne."
            )
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    Echeance.objects.filter(ligne=ligne).delete()
    avancer()  # `bulk_create` sends no signal: the review's figures are stale
    creees = Echeance.objects.bulk_create(
        Echeance(ligne=ligne, annee=a, montant_ae=ae, montant_cp=cp, par=par)
        for a, (ae, cp) in sorted(echeances.items())
    )
    JournalSuivi.objects.create(
        par=par,
        action="echeancier_definir",
        objet=f"ligne {ligne.pk} ({ligne.projet.reference}, {ligne.signataire.code})",
        detail={str(a): [str(ae), str(cp)] for a, (ae, cp) in sorted(echeances.items())},
    )
    return creees


@dataclass(frozen=True)
class IndicateurSaisi:
    noeud: Noeud
    nom: str
    unite: str
    nature: str
    cible_2027: Decimal
    source: str
    valeur_reference: Decimal | None = None


def _erreurs_indicateur(
    saisie: IndicateurSaisi, indicateur: Indicateur | None
) -> dict[str, list[str]]:
    erreurs: dict[str, list[str]] = {}
    if saisie.noeud.niveau < Niveau.MESURE:
        erreurs["noeud"] = ["Un indicateur se rattache à une mesure (ou une sous-mesure)."]
    if saisie.nature not in NatureIndicateur.values:
        erreurs["nature"] = ["Choisissez « réalisation » ou « résultat »."]
    for champ in ("nom", "unite", "source"):
        if not getattr(saisie, champ).strip():
            erreurs[champ] = ["Ce champ est obligatoire."]
    doublon = Indicateur.objects.filter(noeud=saisie.noeud, nom=saisie.nom.strip())
    if indicateur is not None:
        doublon = doublon.exclude(pk=indicateur.pk)
    if doublon.exists():
        erreurs["nom"] = ["Cette mesure a déjà un indicateur de ce nom."]
    return erreurs


@transaction.atomic
def indicateur_definir(
    *, saisie: IndicateurSaisi, par: Utilisateur, indicateur: Indicateur | None = None
) -> Indicateur:
    """Create (or correct) an indicator of a measure: the secretariat only. The target is the
    partners' figure, typed by the secretariat: the contract gives none."""
    if not peut_definir_indicateurs(par):
        raise ActionNonAutorisee("Seul le secrétariat du CPER définit les indicateurs.")
    erreurs = _erreurs_indicateur(saisie, indicateur)
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    valeurs = {
        "noeud": saisie.noeud,
        "nom": saisie.nom.strip(),
        "unite": saisie.unite.strip(),
        "nature": saisie.nature,
        "valeur_reference": saisie.valeur_reference,
        "cible_2027": saisie.cible_2027,
        "source": saisie.source.strip(),
        "par": par,
    }
    if indicateur is None:
        indicateur = Indicateur.objects.create(**valeurs)
        action = "indicateur_creer"
    else:
        indicateur = Indicateur.objects.select_for_update().get(pk=indicateur.pk)
        for cle, valeur in valeurs.items():
            setattr(indicateur, cle, valeur)
        indicateur.save()
        action = "indicateur_modifier"
    JournalSuivi.objects.create(
        par=par,
        action=action,
        objet=f"indicateur {indicateur.pk} ({indicateur.noeud.code})",
        detail={
            "nom": indicateur.nom,
            "cible_2027": str(indicateur.cible_2027),
            "valeur_reference": None
            if indicateur.valeur_reference is None
            else str(indicateur.valeur_reference),
        },
    )
    return indicateur


@transaction.atomic
def contribution_renseigner(
    *,
    projet: Projet,
    indicateur: Indicateur,
    valeur_attendue: Decimal,
    par: Utilisateur,
    valeur_realisee: Decimal | None = None,
    commentaire: str = "",
) -> ContributionIndicateur:
    """The dossier's expected contribution to an indicator of its measure and, as the works
    progress, the value achieved: its porteur (or the secretariat), nobody else."""
    projet = Projet.objects.select_for_update().select_related("mesure").get(pk=projet.pk)
    if not peut_renseigner_contribution(par, projet):
        raise ActionNonAutorisee(
            "Seul le porteur du dossier (ou le secrétariat du CPER) renseigne sa contribution "
            "aux indicateurs."
        )
    erreurs: dict[str, list[str]] = {}
    if not indicateur.noeud.couvre(projet.mesure):
        erreurs["indicateur"] = [
            f"Cet indicateur suit la mesure {indicateur.noeud.code}, pas celle du dossier "
            f"({projet.mesure.code})."
        ]
    if valeur_attendue < 0:
        erreurs["valeur_attendue"] = ["La contribution attendue ne peut pas être négative."]
    if valeur_realisee is not None and valeur_realisee < 0:
        erreurs["valeur_realisee"] = ["La valeur réalisée ne peut pas être négative."]
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    contribution, _ = ContributionIndicateur.objects.update_or_create(
        projet=projet,
        indicateur=indicateur,
        defaults={
            "valeur_attendue": valeur_attendue,
            "valeur_realisee": valeur_realisee,
            "commentaire": commentaire,
            "par": par,
        },
    )
    JournalSuivi.objects.create(
        par=par,
        action="contribution_renseigner",
        objet=f"{projet.reference} indicateur {indicateur.pk}",
        detail={
            "valeur_attendue": str(valeur_attendue),
            "valeur_realisee": None if valeur_realisee is None else str(valeur_realisee),
        },
    )
    return contribution
