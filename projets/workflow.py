"""The dossier's lifecycle as one declarative table (domain-rules §15.2 A).

brouillon → déposé ⇄ incomplet → en instruction → instruit → inscrit à l'ordre du jour →
retenu / rejeté / ajourné (committee decision only) → programmé → en cours → soldé;
abandonné (with a reason) from any state before soldé. The contract's listed operations start
« inscrit au contrat » and become programmé once their financing plan is complete and validated.
"""

from dataclasses import dataclass

from django.db import models

from projets.models import Statut


class Action(models.TextChoices):
    DEPOSER = "deposer", "Déposer le dossier"
    DECLARER_INCOMPLET = "declarer_incomplet", "Déclarer le dossier incomplet"
    INSTRUIRE = "instruire", "Commencer l'instruction"
    TERMINER_INSTRUCTION = "terminer_instruction", "Terminer l'instruction"
    INSCRIRE_ORDRE_DU_JOUR = "inscrire_odj", "Inscrire à l'ordre du jour"
    RETIRER_ORDRE_DU_JOUR = "retirer_odj", "Retirer de l'ordre du jour"
    RETENIR = "retenir", "Retenir"
    REJETER = "rejeter", "Rejeter"
    AJOURNER = "ajourner", "Ajourner"
    PROGRAMMER = "programmer", "Programmer"
    DEMARRER = "demarrer", "Déclarer l'opération en cours"
    SOLDER = "solder", "Solder"
    ABANDONNER = "abandonner", "Abandonner"
    REPRENDRE = "reprendre", "Reprendre un dossier déjà programmé hors du portail"


# What a step did and what comes next, said to the person who took it (the page's message).
APRES_ACTION: dict[str, str] = {
    Action.DEPOSER: "Dossier déposé : il attend maintenant l’instruction de ses cofinanceurs.",
    Action.DECLARER_INCOMPLET: (
        "Dossier déclaré incomplet : son porteur en est averti par courriel ; il le complète "
        "puis le dépose à nouveau."
    ),
    Action.INSTRUIRE: "Instruction commencée : chaque cofinanceur remplit sa grille d’analyse.",
    Action.TERMINER_INSTRUCTION: (
        "Instruction terminée : le dossier peut être inscrit à l’ordre du jour d’une séance."
    ),
    Action.INSCRIRE_ORDRE_DU_JOUR: "Dossier inscrit à l’ordre du jour : le comité l’examinera.",
    Action.RETIRER_ORDRE_DU_JOUR: (
        "Dossier retiré de l’ordre du jour : il reste instruit et pourra être inscrit à une "
        "autre séance."
    ),
    Action.RETENIR: "Dossier retenu : il reste à programmer ses montants.",
    Action.REJETER: "Dossier rejeté : son porteur en est averti par courriel.",
    Action.AJOURNER: "Dossier ajourné : il pourra être inscrit à une prochaine séance.",
    Action.PROGRAMMER: (
        "Dossier programmé : ses montants sont inscrits au registre ; chaque cofinanceur peut "
        "maintenant enregistrer ses engagements."
    ),
    Action.DEMARRER: (
        "Opération déclarée en cours : les cofinanceurs enregistrent leurs paiements au fil "
        "des dépenses."
    ),
    Action.SOLDER: (
        "Dossier soldé : ce qui n’a pas été payé est rendu aux enveloppes de ses cofinanceurs."
    ),
    Action.ABANDONNER: (
        "Dossier abandonné : ce qui n’avait pas été payé est rendu aux enveloppes ; son porteur "
        "en est averti par courriel."
    ),
}


class Acteur(models.TextChoices):
    """Who takes a transition: by hand (who exactly, in which state: the permission table of
    `projets.droits`), or on a committee's mandate."""

    DEPOSANT = "deposant", "le porteur du dossier, un agent ou un administrateur"
    INSTRUCTEUR = "instructeur", "un agent d'un signataire ou un administrateur"
    COMITE = "comite", "une décision de comité"
    SECRETARIAT = "secretariat", "le secrétariat d'un comité"
    REPRISE = "reprise", "la reprise de l'existant par le secrétariat du CPER"


@dataclass(frozen=True)
class MandatComite:
    """What entitles a committee action: the committee, its session and, for a decision on an
    item, the decision. Built only by `gouvernance` (from a `Seance` or a `Decision`); any other
    object passed as a mandate is refused."""

    comite: str
    seance_id: int
    decision_id: int | None = None


@dataclass(frozen=True)
class MandatReprise:
    """What entitles the import of the existing programming (« reprise de l'existant »): a
    dossier the partners programmed before the portal existed, in their own committees, is
    recorded as programmed without going through the portal's committee again. Built only by
    `reprise` from an import the secretariat validated and applies; the import's number is
    written in the dossier's journal. Any other object passed as this mandate is refused."""

    import_id: int


@dataclass(frozen=True)
class MandatAvenant:
    """What entitles changing an operation the contract lists (its title, its measure, its
    abandonment): an avenant in force (Article 4). Built only by `financement` when the nine
    signatories' approvals bring the avenant into force; its number goes into the dossier's
    journal. Any other object passed as this mandate is refused."""

    numero: int


@dataclass(frozen=True)
class Transition:
    depuis: frozenset[str]
    vers: str
    acteur: str
    commentaire_obligatoire: bool = False


AVANT_SOLDE = frozenset(s for s in Statut.values if s not in {Statut.SOLDE, Statut.ABANDONNE})

TRANSITIONS: dict[str, Transition] = {
    Action.DEPOSER: Transition(
        frozenset({Statut.BROUILLON, Statut.INCOMPLET}), Statut.DEPOSE, Acteur.DEPOSANT
    ),
    Action.DECLARER_INCOMPLET: Transition(
        frozenset({Statut.DEPOSE}), Statut.INCOMPLET, Acteur.INSTRUCTEUR, True
    ),
    Action.INSTRUIRE: Transition(
        frozenset({Statut.DEPOSE}), Statut.EN_INSTRUCTION, Acteur.INSTRUCTEUR
    ),
    Action.TERMINER_INSTRUCTION: Transition(
        frozenset({Statut.EN_INSTRUCTION}), Statut.INSTRUIT, Acteur.INSTRUCTEUR
    ),
    Action.INSCRIRE_ORDRE_DU_JOUR: Transition(
        frozenset({Statut.INSTRUIT, Statut.AJOURNE}),
        Statut.INSCRIT_ORDRE_DU_JOUR,
        Acteur.SECRETARIAT,
    ),
    # Taken off a session's agenda before it opens (its secretariat): instructed again.
    Action.RETIRER_ORDRE_DU_JOUR: Transition(
        frozenset({Statut.INSCRIT_ORDRE_DU_JOUR}), Statut.INSTRUIT, Acteur.SECRETARIAT
    ),
    Action.RETENIR: Transition(
        frozenset({Statut.INSCRIT_ORDRE_DU_JOUR}), Statut.RETENU, Acteur.COMITE
    ),
    Action.REJETER: Transition(
        frozenset({Statut.INSCRIT_ORDRE_DU_JOUR}), Statut.REJETE, Acteur.COMITE
    ),
    Action.AJOURNER: Transition(
        frozenset({Statut.INSCRIT_ORDRE_DU_JOUR}), Statut.AJOURNE, Acteur.COMITE
    ),
    Action.PROGRAMMER: Transition(
        frozenset({Statut.RETENU, Statut.INSCRIT_CONTRAT}), Statut.PROGRAMME, Acteur.INSTRUCTEUR
    ),
    Action.DEMARRER: Transition(frozenset({Statut.PROGRAMME}), Statut.EN_COURS, Acteur.INSTRUCTEUR),
    Action.SOLDER: Transition(frozenset({Statut.EN_COURS}), Statut.SOLDE, Acteur.INSTRUCTEUR),
    Action.ABANDONNER: Transition(AVANT_SOLDE, Statut.ABANDONNE, Acteur.DEPOSANT, True),
    # The import of the existing programming (`reprise`): a dossier created by the import is
    # programmed on the import's mandate (`MandatReprise`), its lines taken on the envelopes.
    Action.REPRENDRE: Transition(frozenset({Statut.BROUILLON}), Statut.PROGRAMME, Acteur.REPRISE),
}

# Actions that move money: the ledger takes them (`financement.services.projet_programmer`,
# `projet_solder`, `projet_abandonner`), in the same transaction as the dossier's transition.
ACTIONS_FINANCIERES = frozenset(
    {Action.PROGRAMMER, Action.SOLDER, Action.ABANDONNER, Action.REPRENDRE}
)
# Actions taken only on a mandate (a committee's decision, a session for its agenda, the
# import of the existing programming), never by hand.
ACTEURS_MANDATES = frozenset({Acteur.COMITE, Acteur.SECRETARIAT, Acteur.REPRISE})

# States in which a dossier's content may still be edited, by kind of editor.
MODIFIABLE_PAR_PORTEUR = frozenset({Statut.BROUILLON, Statut.INCOMPLET})
# Instructors also complete the financing plan of the contract's listed operations.
MODIFIABLE_PAR_INSTRUCTEUR = frozenset(
    {
        Statut.BROUILLON,
        Statut.INCOMPLET,
        Statut.DEPOSE,
        Statut.EN_INSTRUCTION,
        Statut.INSCRIT_CONTRAT,
    }
)
# A porteur may abandon its own dossier only before instruction starts.
ABANDON_PAR_PORTEUR = frozenset({Statut.BROUILLON, Statut.DEPOSE, Statut.INCOMPLET})

# States of the money: a dossier's lines are committed and paid while it is programmed or under
# way; its financial follow-up stays readable once it is closed (soldé).
EN_EXECUTION = frozenset({Statut.PROGRAMME, Statut.EN_COURS})
AVEC_SUIVI_FINANCIER = EN_EXECUTION | {Statut.SOLDE}
# Dossiers the signatories' services have to instruct.
A_INSTRUIRE = frozenset({Statut.DEPOSE, Statut.EN_INSTRUCTION})
# Dossiers filed and not yet closed: their plan, when it changes, is checked again.
DEPOSES = frozenset(AVANT_SOLDE - {Statut.BROUILLON, Statut.INCOMPLET, Statut.INSCRIT_CONTRAT})
# What an anonymous visitor may see of the dossiers: programmed and later, and the contract's
# listed operations (`projets.selectors.projets_publics`).
PUBLICS = frozenset({Statut.PROGRAMME, Statut.EN_COURS, Statut.SOLDE, Statut.INSCRIT_CONTRAT})
