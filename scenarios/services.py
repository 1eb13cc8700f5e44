"""Write use-cases of co-financing scenarios: each is one transaction that ends with its
journal row. Nothing here moves money: adoption drafts an avenant and dossiers through the
use-cases of `financement` and `projets`, and the ledger moves only once the avenant is in
force and the dossiers are programmed through their normal lifecycle."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol, cast

from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from axes.models import Departement, Noeud, Signataire
from comptes.models import Organisation, Utilisateur
from financement import services as financement_services
from financement.models import Avenant
from financement.regles import annees_budgetaires
from gouvernance.models import Comite, Seance
from projets import services as projets_services
from projets.models import NatureFinancement, SourceFinancement
from scenarios.calculs import bilan, modifications_d_enveloppes, scenario_charge
from scenarios.models import (
    Avis,
    JournalScenario,
    OperationCandidate,
    OperationScenario,
    PartScenario,
    Position,
    Scenario,
    StatutScenario,
)
from scenarios.permissions import (
    peut_enregistrer_candidate,
    peut_gerer_scenarios,
    peut_prendre_position,
)
from scenarios.regles import est_ouvert
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from socle.montants import CENTIME, format_euros

Erreurs = dict[str, list[str]]


class _Historise(Protocol):
    _history_user: Utilisateur


def _sauver(ligne: Model, par: Utilisateur) -> None:
    """Save a row and name its author in its history (django-simple-history)."""
    cast(_Historise, ligne)._history_user = par
    ligne.save()


def _supprimer(ligne: Model, par: Utilisateur) -> None:
    cast(_Historise, ligne)._history_user = par
    ligne.delete()


def _journal(
    scenario: Scenario, action: str, resume: str, par: Utilisateur, **details: object
) -> None:
    JournalScenario.objects.create(
        scenario=scenario,
        action=action,
        resume=resume[:500],
        par=par,
        details={cle: str(valeur) for cle, valeur in details.items()},
    )


def _verifier_sous_axe(sous_axe: Noeud) -> None:
    if not est_ouvert(sous_axe):
        raise RegleMetierError(
            erreurs={
                "sous_axe": [
                    "Les scénarios de cofinancement portent sur un sous-axe du volet Mobilités "
                    "(réglage fixé par le secrétariat)."
                ]
            }
        )


# --- Candidate operations ------------------------------------------------------------------
@transaction.atomic
def candidate_creer(
    *,
    sous_axe: Noeud,
    intitule: str,
    maitre_ouvrage: Organisation,
    cout: Decimal,
    annee_debut: int,
    annee_fin: int,
    par: Utilisateur,
    territoire: str = "",
    departements: Iterable[Departement] = (),
    criteres: dict[str, str] | None = None,
) -> OperationCandidate:
    """Record an operation envisaged for a sub-axis (Étape 2): the secretariat, or an agent of
    the technical committee's pilot."""
    if not peut_enregistrer_candidate(par, sous_axe):
        raise ActionNonAutorisee(
            "Seuls le secrétariat du CPER et le pilote du comité technique du sous-axe "
            "enregistrent les opérations envisagées."
        )
    _verifier_sous_axe(sous_axe)
    erreurs: Erreurs = {}
    if not intitule.strip():
        erreurs["intitule"] = ["Indiquez l'intitulé de l'opération."]
    if cout is None or cout <= 0:
        erreurs["cout"] = ["Le coût doit être supérieur à zéro."]
    _erreurs_annees(annee_debut, annee_fin, "annee_fin", erreurs)
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    operation = OperationCandidate(
        sous_axe=sous_axe,
        intitule=intitule.strip(),
        maitre_ouvrage=maitre_ouvrage,
        cout=cout,
        annee_debut=annee_debut,
        annee_fin=annee_fin,
        territoire=territoire.strip(),
        criteres={k: v.strip() for k, v in (criteres or {}).items() if v and v.strip()},
        cree_par=par,
    )
    _sauver(operation, par)
    operation.departements.set(list(departements))
    return operation


def _erreurs_annees(debut: int | None, fin: int | None, champ: str, erreurs: Erreurs) -> None:
    annees = annees_budgetaires()
    if debut is None or fin is None:
        erreurs.setdefault(champ, []).append("Indiquez la première et la dernière année.")
    elif fin < debut:
        erreurs.setdefault(champ, []).append("La dernière année doit suivre la première.")
    elif debut not in annees or fin not in annees:
        erreurs.setdefault(champ, []).append(
            f"Les années doivent être comprises entre {annees[0]} et {annees[-1]}."
        )


# --- Scenarios -----------------------------------------------------------------------------
@dataclass
class PartSaisie:
    """One funder's share as typed: an amount in euros or a percentage of the cost."""

    signataire: Signataire | None = None
    source: str = ""
    montant: Decimal | None = None
    pourcentage: Decimal | None = None


@dataclass
class OperationSaisie:
    operation: OperationCandidate
    incluse: bool = True
    annee_debut: int | None = None
    annee_fin: int | None = None
    parts: list[PartSaisie] = field(default_factory=list)


def _montant_de(part: PartSaisie, cout: Decimal) -> Decimal | None:
    if part.pourcentage is not None:
        return (cout * part.pourcentage / 100).quantize(CENTIME, rounding=ROUND_HALF_UP)
    return part.montant


def _erreurs_parts(nom: str, saisie: OperationSaisie, erreurs: list[str]) -> dict[str, Decimal]:
    """The shares of one retained operation, in euros by funder key; errors appended."""
    montants: dict[str, Decimal] = {}
    for part in saisie.parts:
        if (part.signataire is None) == (not part.source):
            erreurs.append(
                f"{nom} : chaque part nomme soit un signataire, soit un autre financeur."
            )
            continue
        if part.source and part.source not in SourceFinancement.values:
            erreurs.append(f"{nom} : financeur inconnu « {part.source} ».")
            continue
        if (part.montant is None) == (part.pourcentage is None):
            erreurs.append(f"{nom} : indiquez pour chaque part un montant ou un pourcentage.")
            continue
        if part.pourcentage is not None and not 0 < part.pourcentage <= 100:
            erreurs.append(f"{nom} : un pourcentage est compris entre 0 et 100.")
            continue
        montant = _montant_de(part, saisie.operation.cout)
        if montant is None or montant <= 0:
            erreurs.append(f"{nom} : une part doit être supérieure à zéro.")
            continue
        cle = f"s{part.signataire.pk}" if part.signataire is not None else part.source
        if cle in montants:
            erreurs.append(f"{nom} : un même financeur figure deux fois.")
            continue
        montants[cle] = montant
    total = sum(montants.values(), Decimal("0.00"))
    if not erreurs and total != saisie.operation.cout:
        erreurs.append(
            f"{nom} : les parts totalisent {format_euros(total)} pour un coût de "
            f"{format_euros(saisie.operation.cout)} (écart de "
            f"{format_euros(saisie.operation.cout - total)})."
        )
    return montants


def _verifier_operations(
    sous_axe: Noeud, saisies: Sequence[OperationSaisie]
) -> dict[int, dict[str, Decimal]]:
    erreurs: list[str] = []
    vues: set[int] = set()
    montants: dict[int, dict[str, Decimal]] = {}
    for saisie in saisies:
        operation = saisie.operation
        nom = f"« {operation.intitule} »"
        if operation.sous_axe_id != sous_axe.pk:
            erreurs.append(f"{nom} n'est pas envisagée pour le sous-axe {sous_axe.code}.")
            continue
        if operation.pk in vues:
            erreurs.append(f"{nom} figure deux fois.")
            continue
        vues.add(operation.pk)
        if not saisie.incluse:
            continue
        annees: Erreurs = {}
        _erreurs_annees(saisie.annee_debut, saisie.annee_fin, "annees", annees)
        erreurs += [f"{nom} : {m}" for m in annees.get("annees", [])]
        parts: list[str] = []
        montants[operation.pk] = _erreurs_parts(nom, saisie, parts)
        erreurs += parts
    if saisies and not any(s.incluse for s in saisies):
        erreurs.append("Un scénario retient au moins une opération.")
    if erreurs:
        raise RegleMetierError(erreurs={"operations": erreurs})
    return montants


def _ecrire_operations(
    scenario: Scenario,
    saisies: Sequence[OperationSaisie],
    montants: dict[int, dict[str, Decimal]],
    par: Utilisateur,
) -> None:
    """Update the scenario's rows in place (the history then shows each real change)."""
    par_operation = {s.operation.pk: s for s in saisies}
    existantes = {o.operation_id: o for o in scenario.operations.all()}
    candidates = OperationCandidate.objects.filter(sous_axe=scenario.sous_axe).order_by("pk")
    for candidate in candidates:
        saisie = par_operation.get(candidate.pk)
        ligne = existantes.get(candidate.pk) or OperationScenario(
            scenario=scenario, operation=candidate
        )
        incluse = saisie is not None and saisie.incluse
        ligne.incluse = incluse
        ligne.annee_debut = (saisie and saisie.annee_debut) or candidate.annee_debut
        ligne.annee_fin = (saisie and saisie.annee_fin) or candidate.annee_fin
        _sauver(ligne, par)
        _ecrire_parts(ligne, montants.get(candidate.pk, {}) if incluse else {}, par)


def _ecrire_parts(ligne: OperationScenario, voulues: dict[str, Decimal], par: Utilisateur) -> None:
    existantes = {
        (f"s{p.signataire_id}" if p.signataire_id else p.source): p for p in ligne.parts.all()
    }
    for cle, montant in voulues.items():
        part = existantes.pop(cle, None)
        if part is None:
            part = PartScenario(operation_scenario=ligne, montant=montant)
            if cle.startswith("s") and cle[1:].isdigit():
                part.signataire_id = int(cle[1:])
            else:
                part.source = cle
            _sauver(part, par)
        elif part.montant != montant:
            part.montant = montant
            _sauver(part, par)
    for part in existantes.values():
        _supprimer(part, par)


def _verifier_redacteur(par: Utilisateur) -> None:
    if not peut_gerer_scenarios(par):
        raise ActionNonAutorisee("Seul le secrétariat du CPER écrit et modifie les scénarios.")


def _verifier_nom(sous_axe: Noeud, nom: str, exclure: int | None = None) -> None:
    if not nom.strip():
        raise RegleMetierError(erreurs={"nom": ["Donnez un nom au scénario."]})
    doublon = Scenario.objects.filter(sous_axe=sous_axe, nom__iexact=nom.strip())
    if exclure is not None:
        doublon = doublon.exclude(pk=exclure)
    if doublon.exists():
        raise RegleMetierError(
            erreurs={"nom": [f"Un scénario « {nom.strip()} » existe déjà pour ce sous-axe."]}
        )


@transaction.atomic
def scenario_creer(
    *,
    sous_axe: Noeud,
    nom: str,
    operations: Sequence[OperationSaisie],
    par: Utilisateur,
    description: str = "",
) -> Scenario:
    """Write a named scenario: a split of each retained candidate's cost between funders."""
    _verifier_redacteur(par)
    _verifier_sous_axe(sous_axe)
    _verifier_nom(sous_axe, nom)
    montants = _verifier_operations(sous_axe, operations)
    if not operations:
        raise RegleMetierError(
            erreurs={"operations": ["Un scénario retient au moins une opération."]}
        )
    scenario = Scenario(sous_axe=sous_axe, nom=nom.strip(), description=description, cree_par=par)
    _sauver(scenario, par)
    _ecrire_operations(scenario, operations, montants, par)
    _journal(scenario, "creer", f"Scénario « {scenario.nom} » créé", par)
    return scenario


def _verifier_modifiable(scenario: Scenario) -> Scenario:
    verrouille = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if verrouille.est_adopte:
        raise EtatIncompatible("Le scénario est adopté : il ne se modifie plus.")
    return verrouille


@transaction.atomic
def scenario_modifier(
    *,
    scenario: Scenario,
    nom: str,
    operations: Sequence[OperationSaisie],
    par: Utilisateur,
    description: str = "",
) -> Scenario:
    """Change a scenario under discussion; positions already given stay, and say when."""
    _verifier_redacteur(par)
    scenario = _verifier_modifiable(scenario)
    _verifier_nom(scenario.sous_axe, nom, exclure=scenario.pk)
    montants = _verifier_operations(scenario.sous_axe, operations)
    scenario.nom = nom.strip()
    scenario.description = description
    scenario.version_du = timezone.now()
    _sauver(scenario, par)
    _ecrire_operations(scenario, operations, montants, par)
    _journal(scenario, "modifier", f"Scénario « {scenario.nom} » modifié", par)
    return scenario


# --- Positions -----------------------------------------------------------------------------
@transaction.atomic
def position_enregistrer(
    *,
    scenario: Scenario,
    signataire: Signataire,
    avis: str,
    par: Utilisateur,
    plafond: Decimal | None = None,
    commentaire: str = "",
) -> Position:
    """A signatory's agent records its position (agrees, agrees with a cap, refuses)."""
    if not peut_prendre_position(par, signataire):
        raise ActionNonAutorisee(
            f"Seuls les agents {signataire.de_nom} enregistrent sa position sur un scénario."
        )
    scenario = _verifier_modifiable(scenario)
    erreurs: Erreurs = {}
    if avis not in Avis.values:
        erreurs["avis"] = ["Choisissez : d'accord, d'accord avec un plafond, ou refus."]
    if avis == Avis.ACCORD_PLAFONNE and (plafond is None or plafond < 0):
        erreurs["plafond"] = ["Indiquez le plafond, en euros."]
    if avis == Avis.REFUS and not commentaire.strip():
        erreurs["commentaire"] = ["Dites pourquoi le signataire refuse ce scénario."]
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    position = Position.objects.filter(scenario=scenario, signataire=signataire).first()
    if position is None:
        position = Position(scenario=scenario, signataire=signataire)
    position.avis = avis
    position.plafond = plafond if avis == Avis.ACCORD_PLAFONNE else None
    position.commentaire = commentaire.strip()
    position.par = par
    _sauver(position, par)
    resume = f"{signataire} : {position.get_avis_display().lower()}"
    if position.plafond is not None:
        resume += f" ({format_euros(position.plafond)})"
    _journal(scenario, "position", resume, par, signataire=signataire.code, avis=avis)
    return position


# --- Adoption ------------------------------------------------------------------------------
def _verifier_seance(scenario: Scenario, seance: Seance | None) -> Seance:
    if seance is None:
        raise RegleMetierError(erreurs={"seance": ["Choisissez la séance qui a arbitré."]})
    couvrants = Noeud.objects.couvrant(scenario.sous_axe)
    if not Comite.objects.filter(pk=seance.comite_id, mesures__in=couvrants).exists():
        raise RegleMetierError(
            erreurs={
                "seance": [f"Le comité de cette séance ne couvre pas {scenario.sous_axe.code}."]
            }
        )
    if seance.date > timezone.now():
        raise RegleMetierError(
            erreurs={
                "seance": ["Cette séance n'a pas encore eu lieu : choisissez celle qui a arbitré."]
            }
        )
    return seance


def _numero_avenant() -> int:
    """The next avenant number. Not locked: of two adoptions at the same instant, the second
    is refused by `avenant_creer` (« existe déjà ») or, if both pass its check, by the unique
    number in the database (an error page); either way its transaction writes nothing."""
    dernier = Avenant.objects.aggregate(n=Max("numero"))["n"]
    return (dernier or 0) + 1


def _donnees_dossier(
    ligne: OperationScenario, parts: Iterable[PartScenario]
) -> projets_services.DonneesProjet:
    operation = ligne.operation
    lignes = [
        projets_services.LigneSaisie(
            montant=part.montant,
            nature=NatureFinancement.CPER if part.signataire_id else NatureFinancement.HORS_CPER,
            signataire_id=part.signataire_id,
            source=part.source,
        )
        for part in parts
    ]
    description = (
        f"Opération issue du scénario « {ligne.scenario.nom} » adopté pour le sous-axe "
        f"{operation.sous_axe.code}."
    )
    if operation.territoire:
        description += f" Territoire : {operation.territoire}."
    return projets_services.DonneesProjet(
        titre=operation.intitule,
        description=description,
        mesure=operation.sous_axe,
        maitre_ouvrage=operation.maitre_ouvrage,
        departements=list(operation.departements.all()),
        date_debut=date(ligne.annee_debut, 1, 1),
        date_fin=date(ligne.annee_fin, 12, 31),
        cout_total_ht=operation.cout,
        lignes=lignes,
        phases=[projets_services.PhaseSaisie("travaux", ligne.annee_debut, ligne.annee_fin)],
    )


@transaction.atomic
def scenario_adopter(
    *,
    scenario: Scenario,
    seance: Seance | None,
    par: Utilisateur,
    initie_par: Signataire | None = None,
) -> Scenario:
    """Adopt a scenario at the session that arbitrated it, in one transaction: a draft avenant
    with the envelope changes it implies (`financement.services.avenant_creer`, then the nine
    approvals and the entry into force as for any avenant), and one draft dossier per retained
    operation, its plan pre-filled with the scenario's shares, owned by its maître d'ouvrage
    (`projets.services.projet_creer`). All or nothing; the ledger does not move."""
    if not peut_gerer_scenarios(par):
        raise ActionNonAutorisee("Seul le secrétariat du CPER adopte un scénario.")
    scenario = _verifier_modifiable(scenario)
    seance = _verifier_seance(scenario, seance)
    autre = Scenario.objects.filter(sous_axe=scenario.sous_axe, statut=StatutScenario.ADOPTE)
    if autre.exists():
        raise EtatIncompatible(
            f"Le scénario « {autre.get().nom} » est déjà adopté pour {scenario.sous_axe.code}."
        )
    b = bilan(scenario_charge(scenario.pk))
    avenant = financement_services.avenant_creer(
        numero=_numero_avenant(),
        titre=f"Volet Mobilités, {scenario.sous_axe.code} : scénario « {scenario.nom} »",
        justification=(
            "Article 4 : le volet Mobilités fait l'objet d'un avenant intégrant la programmation "
            f"2023-2027. Scénario « {scenario.nom} » arbitré en séance du "
            f"{timezone.localtime(seance.date):%d/%m/%Y} ({seance.comite})."
        ),
        initie_par=initie_par or Signataire.objects.get(code="etat"),
        enveloppes=modifications_d_enveloppes(b),
        par=par,
    )
    for ligne_operation in b.operations:
        ligne = ligne_operation.operation_scenario
        if not ligne.incluse:
            continue
        projet = projets_services.projet_creer(
            donnees=_donnees_dossier(ligne, ligne.parts.all()), par=par
        )
        ligne.projet = projet
        _sauver(ligne, par)
    scenario.statut = StatutScenario.ADOPTE
    scenario.seance = seance
    scenario.avenant = avenant
    scenario.adopte_par = par
    scenario.adopte_le = timezone.now()
    _sauver(scenario, par)
    _journal(
        scenario,
        "adopter",
        f"Scénario « {scenario.nom} » adopté ; avenant n° {avenant.numero} préparé",
        par,
        seance=seance.pk,
        avenant=avenant.numero,
    )
    return scenario
