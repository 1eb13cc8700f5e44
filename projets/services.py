"""Write use-cases of dossiers: each is one transaction that ends with its journal row."""

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from axes.models import Departement, Noeud, TerritoireSpecial
from comptes.models import Organisation, Role
from projets.models import (
    FIN_CONTRAT,
    CommuneProjet,
    CompteurReference,
    Document,
    LignePlanFinancement,
    NatureFinancement,
    ParametreMesure,
    Phase,
    Projet,
    SourceFinancement,
    Statut,
    TransitionProjet,
)
from projets.permissions import (
    est_instructeur,
    est_porteur_du_projet,
    peut_creer_projet,
    peut_declencher,
    peut_deposer_document,
    peut_modifier_projet,
)
from projets.signals import transition_effectuee
from projets.workflow import TRANSITIONS, Acteur, Action
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from socle.fichiers import FichierRefuse, nom_sur, verifier_fichier
from socle.montants import format_euros, format_nombre


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


@dataclass
class DonneesProjet:
    """What a form or the API hands to the services, already checked field by field."""

    titre: str
    mesure: Noeud
    description: str = ""
    maitre_ouvrage: Organisation | None = None
    maitre_ouvrage_nom: str = ""
    maitre_ouvrage_siret: str = ""
    contact_nom: str = ""
    contact_courriel: str = ""
    contact_telephone: str = ""
    departements: list[Departement] = field(default_factory=list)
    territoires_speciaux: list[TerritoireSpecial] = field(default_factory=list)
    communes: list[tuple[str, str]] = field(default_factory=list)
    date_debut: date | None = None
    date_fin: date | None = None
    justification_fin_tardive: str = ""
    cout_total_ht: Decimal | None = None
    decarbonation: str = ""
    decarbonation_justification: str = ""
    impact_environnemental: str = ""
    impact_environnemental_justification: str = ""
    egalite_femmes_hommes: str = ""
    egalite_femmes_hommes_justification: str = ""
    lignes: list[LigneSaisie] = field(default_factory=list)
    phases: list[PhaseSaisie] = field(default_factory=list)

    @classmethod
    def depuis(cls, valeurs: dict, **listes) -> "DonneesProjet":
        """From a form's or a serializer's cleaned data: the fields it names (an absent or null
        one keeps its default) and the lists, already converted, given as keywords."""
        simples = {f.name for f in fields(cls)} - set(listes)
        return cls(
            **{nom: valeurs[nom] for nom in simples if valeurs.get(nom) is not None}, **listes
        )


CHAMPS_SIMPLES = [
    "titre",
    "description",
    "mesure",
    "contact_nom",
    "contact_courriel",
    "contact_telephone",
    "date_debut",
    "date_fin",
    "justification_fin_tardive",
    "cout_total_ht",
    "decarbonation",
    "decarbonation_justification",
    "impact_environnemental",
    "impact_environnemental_justification",
    "egalite_femmes_hommes",
    "egalite_femmes_hommes_justification",
]

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


def _maitre_ouvrage(donnees: DonneesProjet, par) -> Organisation | None:
    if par.role == Role.PORTEUR and not par.est_administrateur:
        # A porteur files for its own organisation, whatever it sent.
        return par.organisation
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


def _synchroniser_lignes(existantes: list, voulues: list[dict], fabrique, par) -> None:
    """Update rows in place by position, create or delete the rest: the history then shows
    each real change (« montant : 400 000 → 450 000 ») instead of a delete and a create."""
    for rang, valeurs in enumerate(voulues):
        if rang < len(existantes):
            ligne = existantes[rang]
            if any(getattr(ligne, nom) != valeur for nom, valeur in valeurs.items()):
                for nom, valeur in valeurs.items():
                    setattr(ligne, nom, valeur)
                ligne._history_user = par
                ligne.save()
        else:
            ligne = fabrique(**valeurs)
            ligne._history_user = par
            ligne.save()
    for ligne in existantes[len(voulues) :]:
        ligne._history_user = par
        ligne.delete()


def _ecrire(projet: Projet, donnees: DonneesProjet, par) -> None:
    creation = projet.pk is None
    for nom in CHAMPS_SIMPLES:
        setattr(projet, nom, getattr(donnees, nom))
    projet.maitre_ouvrage = _maitre_ouvrage(donnees, par)
    # One history record per edit, taken once the many-to-many fields are set too.
    projet.skip_history_when_saving = True
    projet.save()
    projet.departements.set(donnees.departements)
    projet.territoires_speciaux.set(donnees.territoires_speciaux)
    del projet.skip_history_when_saving
    projet._history_user = par
    projet._change_reason = "Création du dossier" if creation else "Modification du dossier"
    projet.save()
    projet.communes.all().delete()
    CommuneProjet.objects.bulk_create(
        CommuneProjet(projet=projet, code_insee=code, nom=nom) for code, nom in donnees.communes
    )
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


def _verifier_saisie(donnees: DonneesProjet) -> None:
    """Rules that hold at every save (not only at filing): each line names one funder."""
    erreurs: dict[str, list[str]] = {}
    for rang, ligne in enumerate(donnees.lignes, start=1):
        if ligne.montant is None or ligne.montant <= 0:
            erreurs.setdefault("lignes", []).append(
                f"Ligne {rang} : le montant doit être supérieur à zéro."
            )
        if bool(ligne.signataire_id) == bool(ligne.source):
            erreurs.setdefault("lignes", []).append(
                f"Ligne {rang} : choisissez soit un signataire, soit une autre source."
            )
        elif ligne.nature == NatureFinancement.CPER and not ligne.signataire_id:
            erreurs.setdefault("lignes", []).append(
                f"Ligne {rang} : seule une ligne d'un signataire peut être de nature CPER."
            )
    if donnees.date_debut and donnees.date_fin and donnees.date_fin < donnees.date_debut:
        erreurs["date_fin"] = ["La date de fin doit suivre la date de début."]
    for rang, phase in enumerate(donnees.phases, start=1):
        if phase.annee_fin < phase.annee_debut:
            erreurs.setdefault("phases", []).append(
                f"Phase {rang} : l'année de fin doit suivre l'année de début."
            )
    if donnees.mesure is not None and donnees.mesure.niveau == 1:
        erreurs["mesure"] = ["Choisissez une mesure sous l'axe (sous-axe, mesure ou sous-mesure)."]
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)


@transaction.atomic
def projet_creer(*, donnees: DonneesProjet, par) -> Projet:
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


@transaction.atomic
def projet_modifier(*, projet: Projet, donnees: DonneesProjet, par) -> Projet:
    """Edit a dossier: a porteur while it is brouillon or incomplet, an instructor until it
    is instructed. Every change is kept in the dossier's history."""
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    if not (est_instructeur(par) or est_porteur_du_projet(par, projet)):
        # A reader (or a committee member) may see the dossier but never edit it: 403, not 409.
        raise ActionNonAutorisee("Vous ne pouvez pas modifier ce dossier.")
    if not peut_modifier_projet(par, projet):
        raise EtatIncompatible(
            f"Le dossier est « {projet.get_statut_display()} » : "
            "il ne peut plus être modifié par vous."
        )
    _verifier_saisie(donnees)
    _ecrire(projet, donnees, par)
    return projet


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
        if parametre.organisations_exemptees.filter(pk=projet.maitre_ouvrage_id).exists():
            return Decimal(0), f"maître d'ouvrage dispensé ({code})"
        return parametre.taux_autofinancement_minimum, f"paramètre de la mesure {code}"
    return Decimal(settings.PROJETS_TAUX_AUTOFINANCEMENT_MINIMUM), "valeur par défaut du portail"


def verifier_depot(projet: Projet) -> dict[str, list[str]]:
    """The rules checked when a dossier is filed, each message keyed by its field."""
    erreurs: dict[str, list[str]] = {}

    def erreur(champ, message):
        erreurs.setdefault(champ, []).append(message)

    if not projet.description.strip():
        erreur("description", "Décrivez le projet.")
    if projet.maitre_ouvrage_id is None:
        erreur("maitre_ouvrage", "Indiquez le maître d'ouvrage du projet.")
    if not projet.departements.exists():
        erreur("departements", "Indiquez au moins un département.")

    lignes = list(projet.lignes_financement.all())
    total_lignes = sum((ligne.montant for ligne in lignes), Decimal("0.00"))
    if projet.cout_total_ht is None or projet.cout_total_ht <= 0:
        erreur("cout_total_ht", "Indiquez le coût total éligible hors taxes.")
    elif not lignes:
        erreur("lignes", "Le plan de financement ne compte aucune ligne.")
    elif total_lignes != projet.cout_total_ht:
        ecart = projet.cout_total_ht - total_lignes
        erreur(
            "lignes",
            f"Le plan de financement n'est pas équilibré : les lignes totalisent "
            f"{format_euros(total_lignes)} pour un coût total de "
            f"{format_euros(projet.cout_total_ht)} "
            f"({'il manque' if ecart > 0 else 'excédent de'} {format_euros(abs(ecart))}).",
        )
    else:
        minimum, fondement = taux_autofinancement_minimum(projet)
        propres = sum(
            (ligne.montant for ligne in lignes if ligne.source == SourceFinancement.FONDS_PROPRES),
            Decimal("0.00"),
        )
        part = propres * 100 / projet.cout_total_ht
        if part < minimum:
            erreur(
                "lignes",
                f"La part du maître d'ouvrage ({format_nombre(part, 1)} %) est inférieure au "
                f"minimum de {format_nombre(minimum, 0)} % ({fondement}) : il faut au moins "
                f"{format_euros(projet.cout_total_ht * minimum / 100)} de fonds propres.",
            )

    for champ, libelle in PRINCIPES:
        if not getattr(projet, champ):
            erreur(champ, f"Évaluez l'effet du projet sur {libelle}.")
        if not getattr(projet, f"{champ}_justification").strip():
            erreur(f"{champ}_justification", f"Justifiez votre réponse sur {libelle}.")

    if projet.date_debut is None:
        erreur("date_debut", "Indiquez la date de début.")
    if projet.date_fin is None:
        erreur("date_fin", "Indiquez la date de fin.")
    elif projet.date_fin > FIN_CONTRAT and not projet.justification_fin_tardive.strip():
        erreur(
            "justification_fin_tardive",
            "Le projet finit après le 31 décembre 2027, fin du contrat : justifiez ce calendrier.",
        )
    if not projet.phases.exists():
        erreur("phases", "Décrivez au moins une phase du calendrier (études, travaux…).")
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


@transaction.atomic
def projet_transitionner(
    *, projet: Projet, action: str, par, commentaire: str = "", decision=None
) -> Projet:
    """Take one step of the lifecycle, after checking who may take it and from which state.

    Writes exactly one journal row in the same transaction. Committee actions (retenir,
    rejeter, ajourner) and agenda entries are taken only through `gouvernance`, which passes
    the `decision` (or session) that justifies them.
    """
    if action not in TRANSITIONS:
        raise RegleMetierError(erreurs={"action": [f"Action inconnue : {action}."]})
    transition = TRANSITIONS[action]
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    libelle = Action(action).label.lower()

    if transition.acteur in (Acteur.COMITE, Acteur.SECRETARIAT):
        if decision is None:
            qui = (
                "Seule une décision de comité"
                if transition.acteur == Acteur.COMITE
                else "Seul le secrétariat d'un comité"
            )
            raise ActionNonAutorisee(f"{qui} peut {libelle} un dossier.")
    elif action == Action.PROGRAMMER and decision is not None:
        pass  # a committee's decision programmes the dossier it retained, whoever closes it
    elif not peut_declencher(par, projet, action):
        raise ActionNonAutorisee(f"Vous ne pouvez pas {libelle} ce dossier.")

    if projet.statut not in transition.depuis:
        raise EtatIncompatible(
            f"Impossible de {libelle} un dossier « {projet.get_statut_display()} »."
        )
    if transition.commentaire_obligatoire and not commentaire.strip():
        champ = "motif_abandon" if action == Action.ABANDONNER else "commentaire"
        raise RegleMetierError(erreurs={champ: ["Indiquez le motif : il est obligatoire."]})

    if action == Action.DEPOSER:
        erreurs = verifier_depot(projet)
        if erreurs:
            raise RegleMetierError(
                "Le dossier ne peut pas être déposé : corrigez les points signalés.",
                erreurs=erreurs,
            )
        projet.depose_le = timezone.now()
    if action == Action.PROGRAMMER and projet.statut == Statut.INSCRIT_CONTRAT:
        erreurs = verifier_programmation_operation(projet)
        if erreurs:
            raise RegleMetierError(erreurs=erreurs)
    if action == Action.ABANDONNER:
        projet.motif_abandon = commentaire.strip()

    depuis = projet.statut
    projet.statut = transition.vers
    projet._history_user = par
    projet._change_reason = Action(action).label
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
        decision=decision,
    )
    return projet


def actions_possibles(projet: Projet, utilisateur) -> list[str]:
    """Actions the person may take by hand now (for the buttons of the dossier page)."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if projet.statut in transition.depuis
        and transition.acteur not in (Acteur.COMITE, Acteur.SECRETARIAT)
        and peut_declencher(utilisateur, projet, action)
    ]


@transaction.atomic
def document_deposer(*, projet: Projet, fichier, par):
    """Attach a file to a dossier; its type is read from its content (20 Mo at most)."""
    if not peut_deposer_document(par, projet):
        raise EtatIncompatible(
            f"Le dossier est « {projet.get_statut_display()} » : "
            "vous ne pouvez plus y joindre de document."
        )
    try:
        type_mime = verifier_fichier(fichier)
    except FichierRefuse as erreur:
        raise RegleMetierError(erreurs={"fichier": [str(erreur)]}) from erreur
    return Document.objects.create(
        projet=projet,
        fichier=fichier,
        nom=nom_sur(fichier.name, type_mime),
        type_mime=type_mime,
        taille=fichier.size,
        depose_par=par,
    )
