"""Write use-cases of dossiers: each is one transaction that ends with its journal row."""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Protocol, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from axes.models import Noeud, Signataire
from comptes.models import Organisation, Role, Utilisateur
from projets import schema
from projets.droits import (
    ActionDossier,
    Relation,
    Verdict,
    est_operation_du_contrat,
    faire,
    modifie_toutes_les_lignes,
    relations,
    verdict,
)
from projets.instruction import motif_instruction_incomplete
from projets.models import (
    FIN_CONTRAT,
    CommuneProjet,
    CompteurReference,
    DemandePieces,
    Document,
    EvenementPiece,
    GenreEvenementPiece,
    LignePlanFinancement,
    NatureFinancement,
    ParametreMesure,
    Phase,
    Projet,
    SourceFinancement,
    Statut,
    TransitionProjet,
    TypePiece,
)
from projets.permissions import peut_creer_projet, peut_declencher
from projets.pieces import demandes_ouvertes, libelles, pieces_manquantes, types_demandes
from projets.recherche import actualiser_recherche
from projets.signals import pieces_demandees, projet_modifie, transition_effectuee
from projets.workflow import (
    ACTEURS_MANDATES,
    ACTIONS_FINANCIERES,
    DEPOSES,
    TRANSITIONS,
    Acteur,
    Action,
    MandatAvenant,
    MandatComite,
    MandatReprise,
    Transition,
)
from socle.exceptions import (
    ActionNonAutorisee,
    ErreursDeRangee,
    EtatIncompatible,
    RegleMetierError,
)
from socle.fichiers import FichierRefuse, nom_sur, verifier_fichier
from socle.montants import format_euros, format_nombre

M = TypeVar("M", bound=models.Model)
Erreurs = dict[str, list[str]]


@dataclass
class LigneSaisie:
    montant: Decimal
    nature: str
    signataire_id: int | None = None
    source: str = ""


@dataclass
class PhaseSaisie:
    type: str
    annee_debut: int
    annee_fin: int
    libelle: str = ""


class DonneesProjet:
    """What a form or the API hands to the services, already checked field by field.

    One attribute per input of the schema (`projets.schema.CHAMPS`), built from keywords: an
    absent one stands for its default (empty text, no date, no row); the required ones
    (title, measure) must be given. The annotations type the values the business rules
    read; every other input of the schema is set all the same.
    """

    titre: str
    mesure: Noeud
    maitre_ouvrage: Organisation | None
    maitre_ouvrage_nom: str
    maitre_ouvrage_siret: str
    date_debut: date | None
    date_fin: date | None
    communes: list[tuple[str, str]]
    lignes: list[LigneSaisie]
    phases: list[PhaseSaisie]

    def __init__(self, **valeurs: object) -> None:
        inconnus = set(valeurs) - {c.nom for c in schema.CHAMPS}
        if inconnus:
            raise TypeError(f"DonneesProjet : champs hors du schéma {sorted(inconnus)}.")
        for champ in schema.CHAMPS:
            if champ.nom in valeurs:
                setattr(self, champ.nom, valeurs[champ.nom])
            elif champ.obligatoire:
                raise TypeError(f"DonneesProjet : le champ « {champ.nom} » est obligatoire.")
            else:
                setattr(self, champ.nom, champ.defaut())

    def valeur(self, nom: str) -> object:
        """The value of one input of the schema, by name."""
        return getattr(self, nom)

    @classmethod
    def depuis(cls, valeurs: Mapping[str, object], **listes: object) -> "DonneesProjet":
        """From a form's or a serializer's cleaned data: the inputs it names (an absent or
        null one keeps its default; relations become lists) and the nested lists, already
        converted, given as keywords."""
        retenues: dict[str, object] = {}
        for champ in schema.CHAMPS:
            valeur = valeurs.get(champ.nom)
            if champ.genre is schema.Genre.LISTE or valeur is None:
                continue
            if champ.genre is schema.Genre.PLUSIEURS:
                valeur = list(cast(Iterable[object], valeur))
            retenues[champ.nom] = valeur
        return cls(**{**retenues, **listes})


PRINCIPES = [
    ("decarbonation", "la décarbonation"),
    ("impact_environnemental", "l'impact environnemental"),
    ("egalite_femmes_hommes", "l'égalité entre les femmes et les hommes"),
]


def _reference_suivante(annee: int) -> str:
    """Next `HDF-<année>-<NNNN>`; the counter row is locked, so two filings never collide."""
    CompteurReference.objects.get_or_create(annee=annee)
    compteur = CompteurReference.objects.select_for_update().get(annee=annee)
    compteur.dernier += 1
    compteur.save(update_fields=["dernier"])
    return f"HDF-{annee}-{compteur.dernier:04d}"


class _Historise(Protocol):
    """The attributes django-simple-history reads on a row being saved."""

    _history_user: Utilisateur
    _change_reason: str
    skip_history_when_saving: bool


def _historise(ligne: models.Model) -> _Historise:
    return cast(_Historise, ligne)


def _maitre_ouvrage(donnees: DonneesProjet, par: Utilisateur) -> Organisation | None:
    if par.role == Role.PORTEUR and not par.est_administrateur:
        # A porteur files for its own organisation: another one sent is refused, not replaced.
        autre = (
            donnees.maitre_ouvrage is not None and donnees.maitre_ouvrage.pk != par.organisation_id
        ) or bool(donnees.maitre_ouvrage_nom.strip())
        if autre:
            raise RegleMetierError(
                erreurs={
                    "maitre_ouvrage": [
                        f"Un porteur dépose pour sa propre organisation ({par.organisation}) : "
                        "n'indiquez pas d'autre maître d'ouvrage."
                    ]
                }
            )
        return cast(Organisation | None, par.organisation)
    if donnees.maitre_ouvrage is not None:
        return donnees.maitre_ouvrage
    nom = donnees.maitre_ouvrage_nom.strip()
    if not nom:
        return None  # a draft may wait for it; filing requires it
    organisation = Organisation.objects.filter(nom__iexact=nom).first()
    if organisation is None:
        organisation = Organisation(nom=nom, siret=donnees.maitre_ouvrage_siret)
        try:
            organisation.full_clean()
        except ValidationError as erreur:
            champs = {"siret": "maitre_ouvrage_siret", "nom": "maitre_ouvrage_nom"}
            raise RegleMetierError(
                erreurs={champs.get(c, c): m for c, m in erreur.message_dict.items()}
            ) from erreur
        organisation.save()
    return organisation


def _synchroniser_lignes(
    existantes: list[M],
    voulues: list[dict[str, object]],
    fabrique: Callable[..., M],
    par: Utilisateur,
) -> None:
    """Update rows in place by position, create or delete the rest: the history then shows
    each real change (« montant : 400 000 → 450 000 ») instead of a delete and a create."""
    for rang, valeurs in enumerate(voulues):
        if rang < len(existantes):
            ligne = existantes[rang]
            if any(getattr(ligne, nom) != valeur for nom, valeur in valeurs.items()):
                for nom, valeur in valeurs.items():
                    setattr(ligne, nom, valeur)
                _historise(ligne)._history_user = par
                ligne.save()
        else:
            ligne = fabrique(**valeurs)
            _historise(ligne)._history_user = par
            ligne.save()
    for ligne in existantes[len(voulues) :]:
        _historise(ligne)._history_user = par
        ligne.delete()


def _ecrire(projet: Projet, donnees: DonneesProjet, par: Utilisateur) -> None:
    """Write the dossier's columns and relations as the schema lists them, then its
    communes, financing plan and phases."""
    creation = projet.pk is None
    for champ in schema.copies():
        setattr(projet, champ.colonne or champ.nom, donnees.valeur(champ.nom))
    projet.maitre_ouvrage = _maitre_ouvrage(donnees, par)
    # One history record per edit, taken once the many-to-many fields are set too.
    historique = _historise(projet)
    historique.skip_history_when_saving = True
    projet.save()
    for champ in schema.du_genre(schema.Genre.PLUSIEURS):
        getattr(projet, champ.colonne or champ.nom).set(donnees.valeur(champ.nom))
    del historique.skip_history_when_saving
    historique._history_user = par
    historique._change_reason = "Création du dossier" if creation else "Modification du dossier"
    projet.save()
    projet.communes.all().delete()
    CommuneProjet.objects.bulk_create(
        CommuneProjet(projet=projet, code_insee=code, nom=nom) for code, nom in donnees.communes
    )
    if donnees.communes or not creation:  # the search column repeats the communes' names
        actualiser_recherche(Projet.objects.filter(pk=projet.pk))
    _synchroniser_lignes(
        list(projet.lignes_financement.order_by("ordre", "pk")),
        [
            {
                "signataire_id": ligne.signataire_id,
                "source": ligne.source,
                "nature": ligne.nature,
                "montant": ligne.montant,
                "ordre": rang,
            }
            for rang, ligne in enumerate(donnees.lignes, start=1)
        ],
        lambda **valeurs: LignePlanFinancement(projet=projet, **valeurs),
        par,
    )
    _synchroniser_lignes(
        list(projet.phases.order_by("annee_debut", "pk")),
        [
            {
                "type": phase.type,
                "libelle": phase.libelle,
                "annee_debut": phase.annee_debut,
                "annee_fin": phase.annee_fin,
            }
            for phase in donnees.phases
        ],
        lambda **valeurs: Phase(projet=projet, **valeurs),
        par,
    )


def _erreurs_des_lignes(lignes: list[LigneSaisie]) -> list[ErreursDeRangee]:
    """Each line's errors by its position (from 0), `{}` for a line without error: the API
    answers them nested under its index, the form beside the cell."""
    rangees: list[ErreursDeRangee] = []
    for ligne in lignes:
        erreurs: ErreursDeRangee = {}
        if ligne.montant is None or ligne.montant <= 0:
            erreurs["montant"] = ["Le montant doit être supérieur à zéro."]
        if bool(ligne.signataire_id) == bool(ligne.source):
            erreurs["signataire"] = ["Choisissez soit un signataire, soit une autre source."]
        elif ligne.nature == NatureFinancement.CPER and not ligne.signataire_id:
            erreurs["nature"] = ["Seule une ligne d'un signataire peut être de nature CPER."]
        rangees.append(erreurs)
    return rangees


def _verifier_saisie(donnees: DonneesProjet) -> None:
    """Rules that hold at every save (not only at filing), for the form and the API alike:
    each line names one funder, a commune appears once, dates and phases in order."""
    erreurs: Erreurs = {}
    codes = [code.upper() for code, _ in donnees.communes]
    if len(set(codes)) != len(codes):
        doublons = sorted({code for code in codes if codes.count(code) > 1})
        erreurs["communes"] = [f"Une même commune figure deux fois ({', '.join(doublons)})."]
    if donnees.date_debut and donnees.date_fin and donnees.date_fin < donnees.date_debut:
        erreurs["date_fin"] = ["La date de fin doit suivre la date de début."]
    for rang, phase in enumerate(donnees.phases, start=1):
        if phase.annee_fin < phase.annee_debut:
            erreurs.setdefault("phases", []).append(
                f"Phase {rang} : l'année de fin doit suivre l'année de début."
            )
    if donnees.mesure is not None and donnees.mesure.niveau == 1:
        erreurs["mesure"] = ["Choisissez une mesure sous l'axe (sous-axe, mesure ou sous-mesure)."]
    rangees = _erreurs_des_lignes(donnees.lignes)
    if erreurs or any(rangees):
        raise RegleMetierError(erreurs=erreurs, rangees={"lignes": rangees})


@transaction.atomic
def projet_creer(*, donnees: DonneesProjet, par: Utilisateur) -> Projet:
    """Create a dossier in draft (brouillon) under a measure of the contract."""
    if not peut_creer_projet(par):
        raise ActionNonAutorisee("Votre rôle ne permet pas de créer un projet.")
    _verifier_saisie(donnees)
    projet = Projet(
        reference=_reference_suivante(timezone.localdate().year),
        statut=Statut.BROUILLON,
        cree_par=par,
    )
    _ecrire(projet, donnees, par)
    return projet


Cle = tuple[object, ...]


def _cle_ligne(ligne: LigneSaisie | LignePlanFinancement) -> Cle:
    return (ligne.signataire_id or None, ligne.source or "", ligne.nature, ligne.montant)


def _verifier_lignes_modifiables(projet: Projet, donnees: DonneesProjet, par: Utilisateur) -> None:
    """A co-funder's agent changes only its own signatory's line: every other line (other
    signatories, other sources) must come back as it was."""
    if modifie_toutes_les_lignes(par, projet):
        return
    organisation = par.organisation_id
    signataires = {
        s.pk: s.organisation_id
        for s in Signataire.objects.filter(
            pk__in={ligne.signataire_id for ligne in donnees.lignes if ligne.signataire_id}
            | set(projet.lignes_financement.values_list("signataire_id", flat=True))
        )
    }

    def des_autres(
        lignes: Iterable[LigneSaisie | LignePlanFinancement],
    ) -> Counter[tuple[object, ...]]:
        return Counter(
            _cle_ligne(ligne)
            for ligne in lignes
            if signataires.get(ligne.signataire_id or 0) != organisation
        )

    if des_autres(projet.lignes_financement.all()) != des_autres(donnees.lignes):
        raise RegleMetierError(
            erreurs={
                "lignes": [
                    f"Vous ne pouvez modifier que la ligne de votre signataire "
                    f"({par.organisation}) : les lignes des autres signataires et des autres "
                    "sources doivent rester inchangées."
                ]
            }
        )


def _plan_en_clair(projet: Projet) -> list[str]:
    return sorted(repr(_cle_ligne(ligne)) for ligne in projet.lignes_financement.all())


@transaction.atomic
def projet_modifier(*, projet: Projet, donnees: DonneesProjet, par: Utilisateur) -> Projet:
    """Edit a dossier, as the permission table allows (`projets.droits`): its porteur while it
    owns it (brouillon, incomplet), a co-funder's agent while it is instructed (and only its
    own signatory's line of the plan), the secretariat in both. Every change is kept in the
    dossier's history with the person; a plan changed after filing is checked again (balance,
    own share, eligible cost) and refused, nothing written, if it no longer holds."""
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    avis = verdict(par, projet, ActionDossier.MODIFIER)
    if not avis.permis:
        if avis.etat:
            raise EtatIncompatible(avis.motif)
        raise ActionNonAutorisee(avis.motif)
    _verifier_saisie(donnees)
    _verifier_champs_contractuels(projet, donnees)
    _verifier_lignes_modifiables(projet, donnees, par)
    plan_avant = (projet.cout_total_ht, _plan_en_clair(projet))
    _ecrire(projet, donnees, par)
    if projet.statut in DEPOSES and plan_avant != (projet.cout_total_ht, _plan_en_clair(projet)):
        erreurs = verifier_plan(projet)
        if erreurs:
            raise RegleMetierError(
                "Le plan de financement modifié ne tient plus : rien n'a été enregistré.",
                erreurs=erreurs,
            )
    if Relation.PORTEUR not in relations(par, projet):
        projet_modifie.send(sender=Projet, projet=projet, par=par)
    return projet


def _verifier_champs_contractuels(projet: Projet, donnees: DonneesProjet) -> None:
    """A listed operation's title and measure are the contract's: only an avenant changes them."""
    if not projet.identifiant_contrat:
        return
    erreurs: dict[str, list[str]] = {}
    if (donnees.titre or "").strip() != projet.titre.strip():
        erreurs["titre"] = ["Titre inscrit au contrat : modifié seulement par avenant."]
    if donnees.mesure is not None and donnees.mesure.pk != projet.mesure_id:
        erreurs["mesure"] = ["Mesure inscrite au contrat : champ modifié seulement par avenant."]
    if erreurs:
        raise RegleMetierError(
            "Opération inscrite au contrat : ses champs contractuels sont modifiés seulement "
            "par avenant.",
            erreurs=erreurs,
        )


def taux_autofinancement_minimum(projet: Projet) -> tuple[Decimal, str]:
    """Minimum own share (in %) of the maître d'ouvrage for this dossier, and why.

    The nearest parameter on the measure or an ancestor applies, else the portal's default.
    """
    parametre = (
        ParametreMesure.objects.filter(Noeud.q_couvrant(projet.mesure, prefixe="noeud"))
        .select_related("noeud")
        .order_by("-noeud__niveau")
        .first()
    )
    if parametre is not None:
        code = parametre.noeud.code
        exempte = projet.maitre_ouvrage_id is not None and (
            parametre.organisations_exemptees.filter(pk=projet.maitre_ouvrage_id).exists()
        )
        if exempte:
            return Decimal(0), f"maître d'ouvrage dispensé ({code})"
        return parametre.taux_autofinancement_minimum, f"paramètre de la mesure {code}"
    return Decimal(settings.PROJETS_TAUX_AUTOFINANCEMENT_MINIMUM), "valeur par défaut du portail"


def _ajouter(erreurs: Erreurs, champ: str, message: str) -> None:
    erreurs.setdefault(champ, []).append(message)


def _erreurs_identite(projet: Projet, erreurs: Erreurs) -> None:
    if not projet.description.strip():
        _ajouter(erreurs, "description", "Décrivez le projet.")
    if projet.maitre_ouvrage_id is None:
        _ajouter(erreurs, "maitre_ouvrage", "Indiquez le maître d'ouvrage du projet.")
    if not projet.departements.exists():
        _ajouter(erreurs, "departements", "Indiquez au moins un département.")


def _erreurs_plan(projet: Projet, erreurs: Erreurs) -> None:
    """A cost, at least one line, lines that add up to the cost, enough own funds.

    What a committee's decision took off the plan (a co-funder's line reduced or refused,
    `montant_a_reequilibrer`) counts as covered until the porteur or the secretariat
    re-balances the plan (`plan_reequilibrer`): the decision made that gap, not the porteur."""
    lignes = list(projet.lignes_financement.all())
    total_lignes = sum((ligne.montant for ligne in lignes), Decimal("0.00"))
    total_lignes += projet.montant_a_reequilibrer
    cout = projet.cout_total_ht
    if cout is None or cout <= 0:
        _ajouter(erreurs, "cout_total_ht", "Indiquez le coût total éligible hors taxes.")
    elif not lignes:
        _ajouter(erreurs, "lignes", "Le plan de financement ne compte aucune ligne.")
    elif total_lignes != cout:
        ecart = cout - total_lignes
        _ajouter(
            erreurs,
            "lignes",
            f"Le plan de financement n'est pas équilibré : les lignes totalisent "
            f"{format_euros(total_lignes)} pour un coût total de "
            f"{format_euros(cout)} "
            f"({'il manque' if ecart > 0 else 'excédent de'} {format_euros(abs(ecart))}).",
        )
    else:
        _erreurs_autofinancement(projet, lignes, cout, erreurs)


def _erreurs_autofinancement(
    projet: Projet, lignes: list[LignePlanFinancement], cout: Decimal, erreurs: Erreurs
) -> None:
    minimum, fondement = taux_autofinancement_minimum(projet)
    propres = sum(
        (ligne.montant for ligne in lignes if ligne.source == SourceFinancement.FONDS_PROPRES),
        Decimal("0.00"),
    )
    part = propres * 100 / cout
    if part < minimum:
        # Rounded down: 19,999… % is said « 19,99 % », never « 20,0 % » beside a 20 % minimum.
        affichee = part.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        decimales = 0 if affichee == affichee.to_integral_value() else 2
        _ajouter(
            erreurs,
            "lignes",
            f"La part du maître d'ouvrage ({format_nombre(affichee, decimales)} %) est inférieure "
            f"au minimum de {format_nombre(minimum, 0)} % ({fondement}) : il faut au moins "
            f"{format_euros(cout * minimum / 100)} de fonds propres.",
        )


def _erreurs_principes(projet: Projet, erreurs: Erreurs) -> None:
    for champ, libelle in PRINCIPES:
        if not getattr(projet, champ):
            _ajouter(erreurs, champ, f"Évaluez l'effet du projet sur {libelle}.")
        if not getattr(projet, f"{champ}_justification").strip():
            _ajouter(erreurs, f"{champ}_justification", f"Justifiez votre réponse sur {libelle}.")


def _erreurs_calendrier(projet: Projet, erreurs: Erreurs) -> None:
    if projet.date_debut is None:
        _ajouter(erreurs, "date_debut", "Indiquez la date de début.")
    if projet.date_fin is None:
        _ajouter(erreurs, "date_fin", "Indiquez la date de fin.")
    elif projet.date_fin > FIN_CONTRAT and not projet.justification_fin_tardive.strip():
        _ajouter(
            erreurs,
            "justification_fin_tardive",
            "Le projet finit après le 31 décembre 2027, fin du contrat : justifiez ce calendrier.",
        )
    if not projet.phases.exists():
        _ajouter(erreurs, "phases", "Décrivez au moins une phase du calendrier (études, travaux…).")


def verifier_plan(projet: Projet) -> dict[str, list[str]]:
    """The financing plan's rules, checked at filing and again whenever the plan changes after
    it, before the dossier goes on an agenda and before it is programmed: an eligible cost,
    lines that add up to it to the cent, the measure's minimum own share."""
    erreurs: Erreurs = {}
    _erreurs_plan(projet, erreurs)
    return erreurs


# The fields `verifier_depot` asks for: the form marks them as required (« * ») though a draft
# may leave them empty; `tests/projets/test_depot.py` checks that both say the same.
CHAMPS_REQUIS_AU_DEPOT = frozenset(
    {
        "description",
        "maitre_ouvrage",
        "departements",
        "cout_total_ht",
        "lignes",
        "date_debut",
        "date_fin",
        "phases",
        *(champ for champ, _ in PRINCIPES),
        *(f"{champ}_justification" for champ, _ in PRINCIPES),
    }
)


def verifier_depot(projet: Projet) -> dict[str, list[str]]:
    """The rules checked when a dossier is filed, each message keyed by its field: a
    description, a maître d'ouvrage, a territory; a balanced plan with the measure's minimum
    own share; the three cross-cutting principles rated and justified; a complete calendar."""
    erreurs: Erreurs = {}
    _erreurs_identite(projet, erreurs)
    _erreurs_plan(projet, erreurs)
    _erreurs_principes(projet, erreurs)
    _erreurs_calendrier(projet, erreurs)
    return erreurs


def verifier_programmation_operation(projet: Projet) -> dict[str, list[str]]:
    """A listed operation is programmed once its financing plan is complete and balanced."""
    erreurs: dict[str, list[str]] = {}
    lignes = list(projet.lignes_financement.all())
    if projet.cout_total_ht is None or not lignes:
        erreurs["lignes"] = [
            "Le plan de financement de l'opération doit être complet (coût total et lignes) "
            "avant sa programmation."
        ]
    elif sum((ligne.montant for ligne in lignes), Decimal(0)) != projet.cout_total_ht:
        erreurs["lignes"] = ["Le plan de financement de l'opération n'est pas équilibré."]
    return erreurs


def _verifier_droit(
    *,
    projet: Projet,
    action: str,
    transition: Transition,
    par: Utilisateur,
    mandat: MandatComite | MandatReprise | MandatAvenant | None,
) -> None:
    """Who may take the step: a committee's mandate for committee and secretariat actions (and
    for the programming a committee decided), the import's mandate for the existing
    programming, the predicates of `projets.permissions` for the rest (the permission table of
    `projets.droits`). Anything but a `MandatComite` passed as a mandate is refused (403)."""
    libelle = Action(action).label.lower()
    if isinstance(mandat, MandatAvenant):
        _verifier_avenant(projet=projet, action=action, par=par)
        return
    if transition.acteur == Acteur.REPRISE or isinstance(mandat, MandatReprise):
        _verifier_reprise(action=action, par=par, mandat=mandat)
        return
    if mandat is not None and not isinstance(mandat, MandatComite):
        raise ActionNonAutorisee(
            f"Seul un mandat de comité permet de {libelle} ce dossier sans en avoir le droit."
        )
    # A decision moves the dossier it decided on, and programmes it when retained.
    sur_decision = transition.acteur == Acteur.COMITE or (
        action == Action.PROGRAMMER and mandat is not None
    )
    if sur_decision and (mandat is None or mandat.decision_id is None):
        raise ActionNonAutorisee(f"Seule une décision de comité peut {libelle} un dossier.")
    if transition.acteur == Acteur.SECRETARIAT and mandat is None:
        raise ActionNonAutorisee(f"Seul le secrétariat d'un comité peut {libelle} un dossier.")
    if sur_decision or transition.acteur in ACTEURS_MANDATES:
        return
    avis = verdict(par, projet, action)
    if avis.permis:
        return
    if avis.etat:
        if projet.statut not in transition.depuis:
            return  # a state no one may take it from: `_verifier_etape` says so (409)
        raise EtatIncompatible(avis.motif)  # others may, at this step; this person, at others
    raise ActionNonAutorisee(avis.motif)


def _verifier_reprise(
    *, action: str, par: Utilisateur, mandat: MandatComite | MandatReprise | None
) -> None:
    """The import of the existing programming takes its own step only, on its own mandate,
    for the CPER secretariat only."""
    if action != Action.REPRENDRE or not isinstance(mandat, MandatReprise):
        raise ActionNonAutorisee(
            "Seule la reprise de l'existant, importée par le secrétariat du CPER, enregistre "
            "un dossier déjà programmé hors du portail."
        )
    if not par.est_administrateur:
        raise ActionNonAutorisee("Seul le secrétariat du CPER importe la programmation existante.")


def _verifier_avenant(*, projet: Projet, action: str, par: Utilisateur) -> None:
    """An avenant in force abandons a listed operation, and nothing else, on the CPER
    secretariat's hand."""
    if action != Action.ABANDONNER or not est_operation_du_contrat(projet):
        raise ActionNonAutorisee(
            "Un avenant n'abandonne par ce chemin qu'une opération inscrite au contrat."
        )
    if not par.est_administrateur:
        raise ActionNonAutorisee("Seul le secrétariat du CPER met un avenant en vigueur.")


@transaction.atomic
def operation_recadrer(
    *,
    projet: Projet,
    par: Utilisateur,
    mandat: MandatAvenant,
    titre: str = "",
    mesure: Noeud | None = None,
) -> Projet:
    """Change the title or the measure of an operation the contract lists, on the mandate of
    the avenant in force that decided it (the ledger's use-case moves its programmed lines).
    Journaled in the dossier's history with the avenant's number."""
    if not isinstance(mandat, MandatAvenant):
        raise ActionNonAutorisee("Seul un avenant en vigueur modifie une opération du contrat.")
    if not par.est_administrateur:
        raise ActionNonAutorisee("Seul le secrétariat du CPER met un avenant en vigueur.")
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    if not est_operation_du_contrat(projet):
        raise RegleMetierError(
            erreurs={"projet": [f"{projet.reference} n'est pas une opération inscrite au contrat."]}
        )
    if titre.strip():
        projet.titre = titre.strip()
    if mesure is not None:
        projet.mesure = mesure
    projet._history_user = par  # type: ignore[attr-defined]  # read by django-simple-history
    projet._change_reason = f"Avenant n° {mandat.numero}"  # type: ignore[attr-defined]  # idem
    projet.save()
    return projet


def _verifier_etape(
    *, projet: Projet, action: str, transition: Transition, commentaire: str
) -> None:
    """From which state, with which reason, and the rules checked at filing or programming."""
    if projet.statut not in transition.depuis:
        raise EtatIncompatible(
            f"Impossible de {faire(action)} : il est « {projet.get_statut_display()} »."
        )
    if transition.commentaire_obligatoire and not commentaire.strip():
        # Keyed by the field the page and the API send (`commentaire`), whatever column keeps it.
        raise RegleMetierError(erreurs={"commentaire": ["Indiquez le motif : il est obligatoire."]})
    if action == Action.DEPOSER:
        erreurs = verifier_depot(projet)
        manquantes = pieces_manquantes(projet)
        if manquantes:
            erreurs["pieces"] = [
                f"Pièces demandées au dépôt manquantes : {libelles(manquantes)}. Joignez-les "
                "depuis la page du dossier (liste fixée par le secrétariat du CPER)."
            ]
        if erreurs:
            raise RegleMetierError(
                "Le dossier ne peut pas être déposé : corrigez les points signalés.",
                erreurs=erreurs,
            )
    if action == Action.PROGRAMMER and projet.statut == Statut.INSCRIT_CONTRAT:
        erreurs = verifier_programmation_operation(projet)
        if erreurs:
            raise RegleMetierError(erreurs=erreurs)
    elif action in (Action.PROGRAMMER, Action.INSCRIRE_ORDRE_DU_JOUR):
        # The plan may have changed since filing: it must still hold.
        erreurs = verifier_plan(projet)
        if erreurs:
            raise RegleMetierError(
                f"Le plan de financement du dossier {projet.reference} ne tient plus : "
                f"impossible de {Action(action).label.lower()} ce dossier.",
                erreurs=erreurs,
            )


def _verifier_grille(projet: Projet, action: str) -> None:
    """With `GOUVERNANCE_GRILLE_OBLIGATOIRE` on, the instruction ends when the co-funders have
    filed their grids (the rule of `gouvernance`, asked through `projets.instruction`); the bare
    step taken before that is refused (409) with the missing co-funders named."""
    if action != Action.TERMINER_INSTRUCTION or not settings.GOUVERNANCE_GRILLE_OBLIGATOIRE:
        return
    motif = motif_instruction_incomplete(projet)
    if motif:
        raise EtatIncompatible(motif)


@transaction.atomic
def projet_transitionner(
    *,
    projet: Projet,
    action: str,
    par: Utilisateur,
    commentaire: str = "",
    mandat: MandatComite | MandatReprise | MandatAvenant | None = None,
    par_le_registre: bool = False,
) -> Projet:
    """Take one step of the lifecycle, after checking who may take it and from which state.

    Writes exactly one journal row in the same transaction. Committee actions (retenir,
    rejeter, ajourner) and agenda entries are taken only on a committee's `mandat`
    (`MandatComite`, built by `gouvernance` from its decision or session). The steps that move
    money (programmer, solder, abandonner) are taken through the ledger's use-cases
    (`financement.services`), which call this function and do the ledger's work in the same
    transaction: nothing here moves money, and no signal receiver does either. Only they pass
    `par_le_registre=True`; any other caller asking for such a step is a programming error.
    """
    if action not in TRANSITIONS:
        raise RegleMetierError(erreurs={"action": [f"Action inconnue : {action}."]})
    if action in ACTIONS_FINANCIERES and not par_le_registre:
        raise ValueError(
            f"« {action} » déplace de l'argent : appelez le cas d'usage de financement.services "
            "(projet_programmer, projet_solder, projet_abandonner)."
        )
    transition = TRANSITIONS[action]
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    _verifier_droit(projet=projet, action=action, transition=transition, par=par, mandat=mandat)
    _verifier_etape(projet=projet, action=action, transition=transition, commentaire=commentaire)
    _verifier_grille(projet, action)

    if action == Action.DEPOSER:
        projet.depose_le = timezone.now()
    if action == Action.ABANDONNER:
        projet.motif_abandon = commentaire.strip()
    depuis = projet.statut
    projet.statut = transition.vers
    projet._history_user = par  # type: ignore[attr-defined]  # read by django-simple-history
    projet._change_reason = Action(action).label  # type: ignore[attr-defined]  # idem
    projet.save()
    TransitionProjet.objects.create(
        projet=projet,
        action=action,
        de_statut=depuis,
        vers_statut=transition.vers,
        par=par,
        commentaire=commentaire.strip(),
    )
    transition_effectuee.send(
        sender=Projet,
        projet=projet,
        action=action,
        depuis=depuis,
        vers=transition.vers,
        par=par,
        mandat=mandat,
    )
    return projet


def actions_possibles(projet: Projet, utilisateur: Utilisateur) -> list[str]:
    """Actions the person may take by hand now (for the buttons of the dossier page). With the
    grid required, the instruction ends when the co-funders file their grids (their own page);
    the button shows only if the rule already holds (a plan changed after the last grid)."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if projet.statut in transition.depuis
        and transition.acteur not in ACTEURS_MANDATES
        and not (
            action == Action.TERMINER_INSTRUCTION
            and settings.GOUVERNANCE_GRILLE_OBLIGATOIRE
            and motif_instruction_incomplete(projet)
        )
        and peut_declencher(utilisateur, projet, action)
    ]


def _refuser(avis: Verdict) -> None:
    raise (EtatIncompatible if avis.etat else ActionNonAutorisee)(avis.motif)


def _type_mime_verifie(fichier: UploadedFile) -> str:
    try:
        return verifier_fichier(fichier)
    except FichierRefuse as erreur:
        raise RegleMetierError(erreurs={"fichier": [str(erreur)]}) from erreur


def _type_piece_verifie(type_piece: str) -> TypePiece:
    if type_piece not in TypePiece.values:
        raise RegleMetierError(erreurs={"type_piece": ["Choisissez le type de la pièce."]})
    return TypePiece(type_piece)


def _journaliser_piece(projet: Projet, genre: str, detail: str, par: Utilisateur) -> None:
    EvenementPiece.objects.create(projet=projet, genre=genre, detail=detail, par=par)


def _majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


def _piece(document: Document) -> str:
    """« Plan de situation : plan.pdf », as the journal names a piece."""
    return f"{document.get_type_piece_display()} : {document.nom}"


def _clore_demandes_fournies(projet: Projet, par: Utilisateur) -> None:
    """A request is closed once a piece of each type it names was joined since it was made."""
    for demande in demandes_ouvertes(projet):
        fournis = set(
            projet.documents.filter(depose_le__gte=demande.demande_le).values_list(
                "type_piece", flat=True
            )
        )
        if set(demande.types) <= fournis:
            demande.close_le = timezone.now()
            demande.save(update_fields=["close_le"])
            _journaliser_piece(
                projet,
                GenreEvenementPiece.DEMANDE_CLOSE,
                f"{_majuscule(libelles(demande.types))} (demande de {demande.demande_par})",
                par,
            )


def _document_creer(
    projet: Projet, fichier: UploadedFile, type_piece: TypePiece, par: Utilisateur, suite: str = ""
) -> Document:
    type_mime = _type_mime_verifie(fichier)
    document = Document.objects.create(
        projet=projet,
        type_piece=type_piece,
        fichier=fichier,
        nom=nom_sur(fichier.name or "", type_mime),
        type_mime=type_mime,
        taille=fichier.size or 0,
        depose_par=par,
    )
    _journaliser_piece(projet, GenreEvenementPiece.AJOUT, _piece(document) + suite, par)
    _clore_demandes_fournies(projet, par)
    return document


def _seules_les_demandees(projet: Projet, demandes: list[DemandePieces]) -> EtatIncompatible:
    return EtatIncompatible(
        f"Le dossier est « {projet.get_statut_display()} » : seules les pièces demandées par "
        f"l'instructeur peuvent encore y être jointes ({libelles(types_demandes(demandes))})."
    )


@transaction.atomic
def document_deposer(
    *,
    projet: Projet,
    fichier: UploadedFile,
    par: Utilisateur,
    type_piece: str = TypePiece.AUTRE,
) -> Document:
    """Attach a typed piece to a dossier; its format is read from its content (20 Mo at most).

    As the permission table allows; after filing, the porteur joins only the pieces an
    instructor asked for (`piece_demandee_deposer`). Journaled in the dossier's history."""
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    avis = verdict(par, projet, ActionDossier.JOINDRE_DOCUMENT)
    if not avis.permis:
        demandes = demandes_ouvertes(projet)
        if demandes and verdict(par, projet, ActionDossier.JOINDRE_PIECE_DEMANDEE).permis:
            if type_piece in types_demandes(demandes):
                return piece_demandee_deposer(
                    projet=projet, fichier=fichier, type_piece=type_piece, par=par
                )
            raise _seules_les_demandees(projet, demandes)
        _refuser(avis)
    return _document_creer(projet, fichier, _type_piece_verifie(type_piece), par)


@transaction.atomic
def piece_demandee_deposer(
    *, projet: Projet, fichier: UploadedFile, type_piece: str, par: Utilisateur
) -> Document:
    """The porteur joins, after filing, a piece an instructor asked for (that type only); the
    request is closed once each type it names is provided."""
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    avis = verdict(par, projet, ActionDossier.JOINDRE_PIECE_DEMANDEE)
    if not avis.permis:
        _refuser(avis)
    demandes = demandes_ouvertes(projet)
    if not demandes:
        raise EtatIncompatible(
            f"Le dossier est « {projet.get_statut_display()} » : aucune pièce complémentaire "
            "n'y est demandée ; vous ne pouvez plus y joindre de document."
        )
    if type_piece not in types_demandes(demandes):
        raise _seules_les_demandees(projet, demandes)
    return _document_creer(
        projet, fichier, TypePiece(type_piece), par, " (pièce complémentaire demandée)"
    )


def _document_verrouille(document: Document, action: str, par: Utilisateur) -> Document:
    projet = Projet.objects.select_for_update().get(pk=document.projet_id)
    avis = verdict(par, projet, action)
    if not avis.permis:
        _refuser(avis)
    verrouille: Document = Document.objects.select_for_update().get(pk=document.pk)
    verrouille.projet = projet
    return verrouille


@transaction.atomic
def document_retirer(*, document: Document, par: Utilisateur) -> None:
    """The porteur withdraws a piece while the dossier is its own (brouillon, incomplet); the
    file leaves the storage once the withdrawal is committed. Journaled."""
    document = _document_verrouille(document, ActionDossier.RETIRER_DOCUMENT, par)
    stockage, nom_stocke = document.fichier.storage, document.fichier.name
    _journaliser_piece(document.projet, GenreEvenementPiece.RETRAIT, _piece(document), par)
    document.delete()
    transaction.on_commit(lambda: stockage.delete(nom_stocke))


@transaction.atomic
def document_remplacer(*, document: Document, fichier: UploadedFile, par: Utilisateur) -> Document:
    """The porteur replaces a piece by a new file of the same type while the dossier is its
    own; the old file leaves the storage once the replacement is committed. Journaled."""
    document = _document_verrouille(document, ActionDossier.REMPLACER_DOCUMENT, par)
    type_mime = _type_mime_verifie(fichier)
    stockage, ancien_stocke, ancien_nom = (
        document.fichier.storage,
        document.fichier.name,
        document.nom,
    )
    document.fichier = fichier
    document.nom = nom_sur(fichier.name or "", type_mime)
    document.type_mime = type_mime
    document.taille = fichier.size or 0
    document.depose_par = par
    document.depose_le = timezone.now()
    document.save()
    _journaliser_piece(
        document.projet,
        GenreEvenementPiece.REMPLACEMENT,
        f"{document.get_type_piece_display()} : {ancien_nom} remplacé par {document.nom}",
        par,
    )
    transaction.on_commit(lambda: stockage.delete(ancien_stocke))
    return document


@transaction.atomic
def pieces_demander(
    *, projet: Projet, types: Iterable[str], par: Utilisateur, message: str = ""
) -> DemandePieces:
    """An instructor (a CPER co-funder's agent, or the secretariat) asks the porteur for more
    pieces after filing: the porteur may then join those types, and only those. Journaled;
    the porteur's users are told by e-mail (`rapports.receivers`)."""
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    avis = verdict(par, projet, ActionDossier.DEMANDER_PIECES)
    if not avis.permis:
        _refuser(avis)
    choisis = list(dict.fromkeys(types))
    if not choisis:
        raise RegleMetierError(erreurs={"types": ["Choisissez au moins une pièce à demander."]})
    if any(t not in TypePiece.values for t in choisis):
        raise RegleMetierError(erreurs={"types": ["Choisissez des types de pièce de la liste."]})
    demande = DemandePieces.objects.create(
        projet=projet, types=choisis, message=message.strip(), demande_par=par
    )
    detail = _majuscule(libelles(choisis))
    _journaliser_piece(
        projet,
        GenreEvenementPiece.DEMANDE,
        f"{detail} : {demande.message}" if demande.message else detail,
        par,
    )
    pieces_demandees.send(sender=Projet, projet=projet, demande=demande, par=par)
    return demande
