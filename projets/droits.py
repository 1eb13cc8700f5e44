"""Who may take each action on a dossier, in which state, by relation to it (issue 13).

The table beside the lifecycle table (`projets.workflow.TRANSITIONS`): for each action (the
lifecycle's, plus editing the dossier, a line of its plan, attaching a document), for each
relation of a person to the dossier, the states in which that person may take it. Every edge
(pages, buttons, API, `financement` use-cases) asks it through `projets.permissions`.

The rules (Article 3 of the contract: each co-funder decides on its own money):
- the porteur owns its draft and its answers to an « incomplet »: nobody else but the
  secretariat edits, files or abandons them (an agent who created a draft owns it likewise);
- an agent acts on a dossier only where its signatory is a CPER co-funder of it (a plan line
  of nature CPER names the signatory); when the plan names no CPER funder yet, any agent may
  take the first look (start the instruction, declare it incomplete), nothing more;
- money that belongs to a signatory (a dossier programmé or en cours) is abandoned or closed
  only by an agent of one of its CPER co-funders or the secretariat;
- the secretariat (administrator) may do everything anyone may, each step journaled;
- each CPER co-funder instructs the dossier for itself (its analysis grid, its opinion on its
  own line), by its agents; the secretariat may file on a co-funder's behalf;
- readers and committee members act on no dossier by hand (a committee acts by its mandate);
- a listed operation of the contract is never abandoned by hand: only an avenant can.
"""

from dataclasses import dataclass

from django.db import models

from comptes.models import Role, Utilisateur
from projets.models import NatureFinancement, Projet, Statut
from projets.workflow import (
    ABANDON_PAR_PORTEUR,
    ACTEURS_MANDATES,
    AVANT_SOLDE,
    EN_EXECUTION,
    MODIFIABLE_PAR_PORTEUR,
    TRANSITIONS,
    Action,
)


class ActionDossier(models.TextChoices):
    """Actions on a dossier that are not steps of its lifecycle."""

    MODIFIER = "modifier", "Modifier le dossier"
    MODIFIER_LIGNE = "modifier_ligne", "Modifier une ligne du plan de financement"
    JOINDRE_DOCUMENT = "joindre_document", "Joindre un document"
    # Issue 15: the porteur withdraws or replaces a piece while the dossier is its own; an
    # instructor asks for more pieces after filing, which the porteur then joins (those only).
    RETIRER_DOCUMENT = "retirer_document", "Retirer un document"
    REMPLACER_DOCUMENT = "remplacer_document", "Remplacer un document"
    DEMANDER_PIECES = "demander_pieces", "Demander des pièces complémentaires"
    JOINDRE_PIECE_DEMANDEE = (
        "joindre_piece_demandee",
        "Joindre une pièce demandée par un instructeur",
    )
    # Its co-funder's instruction: the analysis grid and the opinion on its own line
    # (`gouvernance.services.evaluation_enregistrer` / `evaluation_deposer`).
    REMPLIR_GRILLE = "remplir_grille", "Remplir la grille d'analyse de son signataire"
    # Execution by the porteur (issue 16): its progress, its payment requests to each funder
    # (`projets.execution`, `financement.execution`); each funder's agents instruct the
    # requests made to their own signatory only (`financement.permissions.peut_executer`).
    DECLARER_AVANCEMENT = "declarer_avancement", "Déclarer l'avancement de l'opération"
    DEMANDER_PAIEMENT = "demander_paiement", "Demander un paiement à un cofinanceur"
    INSTRUIRE_PAIEMENT = "instruire_paiement", "Instruire une demande de paiement"
    # A co-funder's proposal to the committee on its own line of a dossier on the agenda
    # (programmed as asked, reduced, refused: `gouvernance.services.arbitrage_enregistrer`).
    ARBITRER_LIGNE = "arbitrer_ligne", "Proposer au comité la décision sur sa ligne du plan"
    # Covering what the committee took off the plan (`projets.reequilibrage`).
    REEQUILIBRER = "reequilibrer", "Rééquilibrer le plan de financement après la décision"


class Relation(models.TextChoices):
    """What a person is to a dossier."""

    PORTEUR = "porteur", "son porteur (rôle porteur dans l'organisation maître d'ouvrage)"
    AUTEUR = "auteur", "l'agent qui a créé le dossier"
    COFINANCEUR = "cofinanceur", "un agent d'un signataire cofinanceur CPER du dossier"
    SANS_FINANCEUR = "sans_financeur", "un agent, quand le dossier ne nomme aucun financeur CPER"
    AUTRE_SIGNATAIRE = "autre_signataire", "un agent d'un signataire qui ne le cofinance pas"
    SECRETARIAT = "secretariat", "le secrétariat du CPER (administrateur)"
    LECTEUR = "lecteur", "un lecteur"
    MEMBRE_COMITE = "membre_comite", "un membre de comité"
    AUCUNE = "aucune", "personne (visiteur, porteur d'une autre organisation)"


# The porteur's own states: its draft, and its answers to an « incomplet ».
BROUILLONS = MODIFIABLE_PAR_PORTEUR
DEPOT = frozenset({Statut.DEPOSE})
INSTRUCTION = frozenset({Statut.DEPOSE, Statut.EN_INSTRUCTION})
CONTRAT = frozenset({Statut.INSCRIT_CONTRAT})
# After a committee's decision reduced or refused a line: until the balance.
APRES_DECISION = frozenset({Statut.RETENU, Statut.PROGRAMME, Statut.EN_COURS})
# The analysis grid is filled during the instruction, and until the dossier is on an agenda
# (a co-funder may still file once the others made it « instruit » under the relaxed rule).
GRILLE = frozenset({Statut.EN_INSTRUCTION, Statut.INSTRUIT})
# A request for more pieces is answered until the instruction ends.
COMPLEMENTS = frozenset({Statut.DEPOSE, Statut.EN_INSTRUCTION, Statut.INSTRUIT})
# Relations that own a draft.
PROPRIETAIRES = frozenset({Relation.PORTEUR, Relation.AUTEUR, Relation.SECRETARIAT})

Etats = frozenset[str]

_DROITS_SANS_SECRETARIAT: dict[str, dict[str, Etats]] = {
    Action.DEPOSER: {Relation.PORTEUR: BROUILLONS, Relation.AUTEUR: BROUILLONS},
    Action.DECLARER_INCOMPLET: {Relation.COFINANCEUR: DEPOT, Relation.SANS_FINANCEUR: DEPOT},
    Action.INSTRUIRE: {Relation.COFINANCEUR: DEPOT, Relation.SANS_FINANCEUR: DEPOT},
    Action.TERMINER_INSTRUCTION: {Relation.COFINANCEUR: frozenset({Statut.EN_INSTRUCTION})},
    # Taken only on a committee's mandate (`projets.workflow.MandatComite`), never by hand.
    Action.INSCRIRE_ORDRE_DU_JOUR: {},
    Action.RETIRER_ORDRE_DU_JOUR: {},
    Action.RETENIR: {},
    Action.REJETER: {},
    Action.AJOURNER: {},
    # Taken only by the import of the existing programming (`projets.workflow.MandatReprise`).
    Action.REPRENDRE: {},
    Action.PROGRAMMER: {Relation.COFINANCEUR: frozenset({Statut.RETENU, Statut.INSCRIT_CONTRAT})},
    Action.DEMARRER: {Relation.COFINANCEUR: frozenset({Statut.PROGRAMME})},
    Action.SOLDER: {Relation.COFINANCEUR: frozenset({Statut.EN_COURS})},
    Action.ABANDONNER: {
        Relation.PORTEUR: ABANDON_PAR_PORTEUR,
        Relation.AUTEUR: frozenset({Statut.BROUILLON}),
        Relation.COFINANCEUR: AVANT_SOLDE - {Statut.BROUILLON},
    },
    ActionDossier.MODIFIER: {
        Relation.PORTEUR: BROUILLONS,
        Relation.AUTEUR: BROUILLONS,
        Relation.COFINANCEUR: INSTRUCTION | CONTRAT,
    },
    # A co-funder's agent changes only its own signatory's line (`projets.services`).
    ActionDossier.MODIFIER_LIGNE: {
        Relation.PORTEUR: BROUILLONS,
        Relation.AUTEUR: BROUILLONS,
        Relation.COFINANCEUR: INSTRUCTION | CONTRAT,
    },
    ActionDossier.JOINDRE_DOCUMENT: {
        Relation.PORTEUR: BROUILLONS,
        Relation.AUTEUR: BROUILLONS,
        Relation.COFINANCEUR: INSTRUCTION | CONTRAT,
    },
    ActionDossier.RETIRER_DOCUMENT: {Relation.PORTEUR: BROUILLONS, Relation.AUTEUR: BROUILLONS},
    ActionDossier.REMPLACER_DOCUMENT: {
        Relation.PORTEUR: BROUILLONS,
        Relation.AUTEUR: BROUILLONS,
    },
    ActionDossier.DEMANDER_PIECES: {Relation.COFINANCEUR: INSTRUCTION},
    # Only the types an open request names (`projets.services.piece_demandee_deposer`).
    ActionDossier.JOINDRE_PIECE_DEMANDEE: {
        Relation.PORTEUR: COMPLEMENTS,
        Relation.AUTEUR: COMPLEMENTS,
    },
    # Each co-funder instructs for itself; the secretariat may file on a co-funder's behalf.
    ActionDossier.REMPLIR_GRILLE: {Relation.COFINANCEUR: GRILLE},
    ActionDossier.DECLARER_AVANCEMENT: {Relation.PORTEUR: EN_EXECUTION},
    ActionDossier.DEMANDER_PAIEMENT: {Relation.PORTEUR: EN_EXECUTION},
    ActionDossier.INSTRUIRE_PAIEMENT: {Relation.COFINANCEUR: EN_EXECUTION},
    # Only on its own signatory's line (`gouvernance.services`), while the dossier is on an
    # agenda; a committee with the power to programme decides.
    ActionDossier.ARBITRER_LIGNE: {Relation.COFINANCEUR: frozenset({Statut.INSCRIT_ORDRE_DU_JOUR})},
    # The porteur covers the gap with its own funds or another (non-signatory) funder.
    ActionDossier.REEQUILIBRER: {Relation.PORTEUR: APRES_DECISION},
}


def _avec_le_secretariat(droits: dict[str, dict[str, Etats]]) -> dict[str, dict[str, Etats]]:
    """The secretariat may take every action anyone may, in every state anyone may."""
    return {
        action: {
            **par_relation,
            **(
                {Relation.SECRETARIAT: frozenset().union(*par_relation.values())}
                if par_relation
                else {}
            ),
        }
        for action, par_relation in droits.items()
    }


# action → relation → states in which a person in that relation may take it.
DROITS: dict[str, dict[str, Etats]] = _avec_le_secretariat(_DROITS_SANS_SECRETARIAT)

TOUTES_LES_ACTIONS: tuple[str, ...] = (*Action.values, *ActionDossier.values)
# What the owner of a draft does with it (nobody else but the secretariat may).
ACTIONS_DU_PROPRIETAIRE = frozenset(
    {
        Action.DEPOSER,
        Action.ABANDONNER,
        ActionDossier.MODIFIER,
        ActionDossier.MODIFIER_LIGNE,
        ActionDossier.JOINDRE_DOCUMENT,
        ActionDossier.RETIRER_DOCUMENT,
        ActionDossier.REMPLACER_DOCUMENT,
    }
)
AGENTS = frozenset({Relation.COFINANCEUR, Relation.SANS_FINANCEUR, Relation.AUTRE_SIGNATAIRE})
# Actions that move or release a signatory's money once programmed.
ACTIONS_SUR_L_ARGENT = frozenset({Action.ABANDONNER, Action.SOLDER, Action.DEMARRER})


def est_operation_du_contrat(projet: Projet) -> bool:
    """An operation the signed contract lists (its identifier, or « inscrit au contrat »)."""
    return bool(projet.identifiant_contrat) or projet.statut == Statut.INSCRIT_CONTRAT


def _organisations_cofinanceuses(projet: Projet) -> set[int]:
    """Organisations of the signatories named by the dossier's CPER lines (the prefetched lines
    when the page loaded them, else one query)."""
    cache = getattr(projet, "_prefetched_objects_cache", {})
    if "lignes_financement" in cache:
        return {
            ligne.signataire.organisation_id
            for ligne in cache["lignes_financement"]
            if ligne.nature == NatureFinancement.CPER and ligne.signataire is not None
        }
    # Kept on the instance for the page's several questions; a service reloads its dossier.
    connues: set[int] | None = getattr(projet, "_organisations_cofinanceuses", None)
    if connues is None:
        connues = set(
            projet.lignes_financement.filter(nature=NatureFinancement.CPER).values_list(
                "signataire__organisation_id", flat=True
            )
        )
        projet._organisations_cofinanceuses = connues  # type: ignore[attr-defined]
    return connues


def _relations_d_un_agent(utilisateur: Utilisateur, projet: Projet) -> set[str]:
    relations: set[str] = set()
    if projet.cree_par_id is not None and projet.cree_par_id == utilisateur.pk:
        relations.add(Relation.AUTEUR)
    cofinanceuses = _organisations_cofinanceuses(projet)
    if not cofinanceuses:
        relations.add(Relation.SANS_FINANCEUR)
    elif utilisateur.organisation_id in cofinanceuses:
        relations.add(Relation.COFINANCEUR)
    else:
        relations.add(Relation.AUTRE_SIGNATAIRE)
    return relations


def relations(utilisateur: Utilisateur, projet: Projet) -> frozenset[str]:
    """What the person is to the dossier (an agent may be both its author and a co-funder)."""
    if not utilisateur.is_authenticated:
        return frozenset({Relation.AUCUNE})
    if utilisateur.est_administrateur:
        return frozenset({Relation.SECRETARIAT})
    if utilisateur.role == Role.PORTEUR:
        proprietaire = (
            projet.maitre_ouvrage_id is not None
            and projet.maitre_ouvrage_id == utilisateur.organisation_id
        )
        return frozenset({Relation.PORTEUR if proprietaire else Relation.AUCUNE})
    if utilisateur.role == Role.AGENT:
        return frozenset(_relations_d_un_agent(utilisateur, projet))
    if utilisateur.role == Role.MEMBRE_COMITE:
        return frozenset({Relation.MEMBRE_COMITE})
    return frozenset({Relation.LECTEUR})


def etats_permis(relations_: frozenset[str], action: str) -> frozenset[str]:
    """The states in which a person with these relations may take the action."""
    par_relation = DROITS[action]
    return frozenset().union(*(par_relation.get(r, frozenset()) for r in relations_))


@dataclass(frozen=True)
class Verdict:
    """May the person take the action now; if not, why (a French sentence), and whether the
    refusal is the dossier's state for the person (409) rather than who they are (403)."""

    permis: bool
    motif: str = ""
    etat: bool = False


# What each action does to « ce dossier », for the refusals' sentences.
_FAIRE: dict[str, str] = {
    Action.DEPOSER: "déposer ce dossier",
    Action.DECLARER_INCOMPLET: "déclarer ce dossier incomplet",
    Action.INSTRUIRE: "commencer l'instruction de ce dossier",
    Action.TERMINER_INSTRUCTION: "terminer l'instruction de ce dossier",
    Action.INSCRIRE_ORDRE_DU_JOUR: "inscrire ce dossier à l'ordre du jour",
    Action.RETIRER_ORDRE_DU_JOUR: "retirer ce dossier de l'ordre du jour",
    Action.RETENIR: "retenir ce dossier",
    Action.REJETER: "rejeter ce dossier",
    Action.AJOURNER: "ajourner ce dossier",
    Action.PROGRAMMER: "programmer ce dossier",
    Action.DEMARRER: "déclarer ce dossier en cours",
    Action.SOLDER: "solder ce dossier",
    Action.REPRENDRE: "reprendre ce dossier déjà programmé hors du portail",
    Action.ABANDONNER: "abandonner ce dossier",
    ActionDossier.MODIFIER: "modifier ce dossier",
    ActionDossier.MODIFIER_LIGNE: "modifier le plan de financement de ce dossier",
    ActionDossier.JOINDRE_DOCUMENT: "joindre un document à ce dossier",
    ActionDossier.RETIRER_DOCUMENT: "retirer un document de ce dossier",
    ActionDossier.REMPLACER_DOCUMENT: "remplacer un document de ce dossier",
    ActionDossier.DEMANDER_PIECES: "demander des pièces complémentaires pour ce dossier",
    ActionDossier.JOINDRE_PIECE_DEMANDEE: "joindre une pièce demandée à ce dossier",
    ActionDossier.REMPLIR_GRILLE: "remplir la grille d'analyse de ce dossier",
    ActionDossier.DECLARER_AVANCEMENT: "déclarer l'avancement de ce dossier",
    ActionDossier.DEMANDER_PAIEMENT: "demander un paiement sur ce dossier",
    ActionDossier.INSTRUIRE_PAIEMENT: "instruire une demande de paiement de ce dossier",
    ActionDossier.ARBITRER_LIGNE: "proposer au comité une décision sur une ligne de ce dossier",
    ActionDossier.REEQUILIBRER: "rééquilibrer le plan de financement de ce dossier",
}

# The same, once the state no longer allows it (« vous ne pouvez plus … »).
_PLUS: dict[str, str] = {
    ActionDossier.MODIFIER: "le modifier",
    ActionDossier.MODIFIER_LIGNE: "modifier son plan de financement",
    ActionDossier.JOINDRE_DOCUMENT: "y joindre de document",
    ActionDossier.RETIRER_DOCUMENT: "en retirer de document",
    ActionDossier.REMPLACER_DOCUMENT: "en remplacer les documents",
    ActionDossier.ARBITRER_LIGNE: (
        "proposer de décision sur ses lignes : il n'est pas à l'ordre du jour d'une séance"
    ),
    ActionDossier.REEQUILIBRER: (
        "rééquilibrer son plan : seul un dossier retenu, programmé ou en cours dont une ligne a "
        "été réduite ou refusée par le comité se rééquilibre"
    ),
}
# The execution's actions, once the state does not allow them (programmé or en cours only).
_EXECUTION = frozenset(
    {
        ActionDossier.DECLARER_AVANCEMENT,
        ActionDossier.DEMANDER_PAIEMENT,
        ActionDossier.INSTRUIRE_PAIEMENT,
    }
)


# Actions on the dossier taken at one stage only: why not now (« {etat} », the state).
_EN_EXECUTION = (
    "Vous ne pouvez pas {faire} : le dossier est « {{etat}} » ; l'exécution se suit quand il "
    "est programmé ou en cours."
)
_HORS_DE_SON_ETAPE: dict[str, str] = {
    ActionDossier.REMPLIR_GRILLE: (
        "Le dossier est « {etat} » : la grille d'analyse se remplit pendant l'instruction."
    ),
    ActionDossier.DEMANDER_PIECES: (
        "Le dossier est « {etat} » : des pièces complémentaires se demandent quand il est "
        "déposé ou en instruction."
    ),
    ActionDossier.JOINDRE_PIECE_DEMANDEE: (
        "Le dossier est « {etat} » : les pièces demandées par un instructeur se joignent après "
        "le dépôt, jusqu'à la fin de l'instruction."
    ),
    **{a: _EN_EXECUTION.format(faire=_FAIRE[a]) for a in _EXECUTION},
}


def _motif_relation(relations_: frozenset[str]) -> str:
    if Relation.AUTRE_SIGNATAIRE in relations_:
        return (
            "votre signataire ne le cofinance pas ; seuls les agents de ses cofinanceurs CPER "
            "et le secrétariat du CPER le peuvent"
        )
    if Relation.SANS_FINANCEUR in relations_:
        return (
            "le dossier ne nomme encore aucun financeur CPER ; un agent peut seulement en "
            "commencer l'instruction ou le déclarer incomplet"
        )
    return "votre rôle ne le permet pas"


def faire(action: str) -> str:
    """The action said as a French infinitive on this dossier (« déposer ce dossier »)."""
    return _FAIRE[action]


def verdict(utilisateur: Utilisateur, projet: Projet, action: str) -> Verdict:
    """What the table says of this person taking this action on this dossier now: 403 when
    it is who they are (with why), 409 when it is the dossier's state."""
    faire = _FAIRE[action]
    if action == Action.ABANDONNER and est_operation_du_contrat(projet):
        return Verdict(
            False,
            "Seul un avenant au contrat peut abandonner une opération inscrite au contrat "
            f"({projet.identifiant_contrat or projet.reference}).",
        )
    relations_ = relations(utilisateur, projet)
    permis = etats_permis(relations_, action)
    statut = projet.statut
    etat = projet.get_statut_display()
    if statut in permis:
        return Verdict(True)
    if (
        statut in BROUILLONS
        and action in ACTIONS_DU_PROPRIETAIRE
        and relations_ & AGENTS
        and not relations_ & PROPRIETAIRES
    ):
        return Verdict(
            False,
            f"Vous ne pouvez pas {faire} : le dossier est « {etat} », il appartient à son "
            "porteur ; seuls lui et le secrétariat du CPER le peuvent.",
        )
    if not permis:
        return Verdict(False, f"Vous ne pouvez pas {faire} : {_motif_relation(relations_)}.")
    if action in TRANSITIONS and statut not in TRANSITIONS[action].depuis:
        # The lifecycle forbids it from this state for everyone: the transition says why.
        return Verdict(False, f"Impossible de {faire} : il est « {etat} ».", etat=True)
    if statut in EN_EXECUTION and action in ACTIONS_SUR_L_ARGENT:
        return Verdict(
            False,
            f"Vous ne pouvez pas {faire} : le dossier est « {etat} », son argent appartient à "
            "ses cofinanceurs ; seuls leurs agents et le secrétariat du CPER le peuvent.",
        )
    if action in _HORS_DE_SON_ETAPE:
        return Verdict(False, _HORS_DE_SON_ETAPE[action].format(etat=etat), etat=True)
    if action in ActionDossier.values:
        return Verdict(
            False, f"Le dossier est « {etat} » : vous ne pouvez plus {_PLUS[action]}.", etat=True
        )
    # The person may take it at other steps of the dossier: the state is the cause (409).
    return Verdict(
        False, f"Vous ne pouvez pas {faire} à cette étape : le dossier est « {etat} ».", etat=True
    )


def peut(utilisateur: Utilisateur, projet: Projet, action: str) -> bool:
    """Whether the table lets the person take the action on the dossier now."""
    return verdict(utilisateur, projet, action).permis


def modifie_toutes_les_lignes(utilisateur: Utilisateur, projet: Projet) -> bool:
    """The porteur (on its draft) and the secretariat change every line of the plan; a
    co-funder's agent, only its own signatory's."""
    relations_ = relations(utilisateur, projet) & PROPRIETAIRES
    return projet.statut in etats_permis(relations_, ActionDossier.MODIFIER_LIGNE)


def actions_possibles(utilisateur: Utilisateur, projet: Projet) -> list[str]:
    """What the person may do on the dossier now, by the table: its lifecycle steps taken by
    hand (a committee's steps come from its session) and the actions on the dossier."""
    etapes = [
        action
        for action, transition in TRANSITIONS.items()
        if transition.acteur not in ACTEURS_MANDATES and peut(utilisateur, projet, action)
    ]
    return [str(a) for a in etapes] + [
        str(a) for a in ActionDossier if peut(utilisateur, projet, a)
    ]
