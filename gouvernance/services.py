"""Write use-cases of governance: each is one transaction that ends with its journal row.

Sessions go planifiée → ouverte → close; which action each state allows is the table of
`gouvernance.workflow`, asked by every use-case here. Every write on a session (agenda,
attendance, votes, closing) first locks the session row (`SELECT … FOR UPDATE`), so that a vote
and the closing never interleave and a session closed twice is decided once. The database backs
this up: one vote per member and item, one decision per item, one presence per member and
session. A retained dossier is programmed by the ledger's own use-case
(`financement.services.projet_programmer`), called here, never through a signal.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from axes.models import Signataire
from axes.periode import verifier_date_du_contrat
from comptes.models import Organisation, Role, Utilisateur
from financement.services import projet_programmer
from gouvernance.models import (
    ArbitrageLigne,
    Avis,
    ChoixVote,
    Comite,
    Decision,
    DecisionLigne,
    Evaluation,
    GrilleAnalyse,
    IssueLigne,
    JournalGouvernance,
    Membre,
    NoteCritere,
    PointOrdreDuJour,
    Presence,
    Recusation,
    Resultat,
    RoleMembre,
    Seance,
    StatutPresence,
    Vote,
)
from gouvernance.permissions import (
    a_voix_deliberative,
    detient_pouvoir,
    est_en_conflit,
    est_present,
    est_recuse,
    est_represente,
    est_secretariat,
    peut_gerer_seances,
    refus_d_arbitrage,
)
from gouvernance.regles import issue_du_vote
from gouvernance.selectors import (
    Decompte,
    comite_couvre,
    decompte,
    etat_instruction,
    etat_quorum,
    grille_active,
    jour_de,
    membre_actif,
    membres_de_seance,
    siege_a_la_seance,
)
from gouvernance.workflow import ETAPES, ActionSeance, verifier
from projets.droits import ActionDossier, verdict
from projets.models import LignePlanFinancement, Projet, Statut
from projets.reequilibrage import plan_appliquer_decision
from projets.services import projet_transitionner
from projets.workflow import Action
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from socle.montants import format_euros
from socle.notifications import notifier

MOTIF_AVIS = (
    "C'est un avis : le {comite} n'a pas le pouvoir de programmer (réglage fixé par le "
    "secrétariat) ; le dossier n'est ni retenu ni programmé et reste instruit, pour le comité "
    "qui programme."
)

ACTION_PAR_RESULTAT = {
    Resultat.RETENU: Action.RETENIR,
    Resultat.REJETE: Action.REJETER,
    Resultat.AJOURNE: Action.AJOURNER,
}


def _journal(
    action: str,
    par: Utilisateur,
    *,
    seance: Seance | None = None,
    projet: Projet | None = None,
    **details: Any,
) -> None:
    JournalGouvernance.objects.create(
        action=action, par=par, seance=seance, projet=projet, details=details
    )


def _seance_verrouillee(seance: Seance) -> Seance:
    return Seance.objects.select_for_update().select_related("comite").get(pk=seance.pk)


def _verifier_gestionnaire(par: Utilisateur, seance_ou_comite: Seance | Comite) -> None:
    comite = seance_ou_comite if isinstance(seance_ou_comite, Comite) else seance_ou_comite.comite
    membre = membre_actif(utilisateur=par, comite=comite)
    if not peut_gerer_seances(par, membre):
        raise ActionNonAutorisee(
            f"Seul le secrétariat du {comite.nom} ou un administrateur peut gérer ses séances."
        )


def _date_fr(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


# --- Sessions -------------------------------------------------------------------------------
@transaction.atomic
def seance_creer(
    *, comite: Comite, date: datetime, par: Utilisateur, lieu: str = "", lien_visio: str = ""
) -> Seance:
    """Plan a session of a committee (its secretariat or an administrator)."""
    _verifier_gestionnaire(par, comite)
    verifier_date_du_contrat(date, champ="date")
    if not lieu.strip() and not lien_visio.strip():
        raise RegleMetierError(
            erreurs={"lieu": ["Indiquez un lieu ou un lien de visioconférence."]}
        )
    seance = Seance.objects.create(
        comite=comite, date=date, lieu=lieu.strip(), lien_visio=lien_visio.strip(), cree_par=par
    )
    _journal("seance_creer", par, seance=seance, date=seance.date.isoformat())
    return seance


@transaction.atomic
def seance_inscrire_projet(*, seance: Seance, projet: Projet, par: Utilisateur) -> PointOrdreDuJour:
    """Put an instructed dossier within the committee's measures on a planned session's agenda."""
    seance = _seance_verrouillee(seance)
    _verifier_gestionnaire(par, seance)
    verifier(seance, ActionSeance.INSCRIRE)
    if not comite_couvre(comite=seance.comite, projet=projet):
        raise RegleMetierError(
            erreurs={
                "projet": [
                    f"Le dossier {projet.reference} (mesure {projet.mesure.code}) ne relève pas "
                    f"des mesures du {seance.comite.nom}."
                ]
            }
        )
    if seance.points.filter(projet=projet).exists():
        raise EtatIncompatible(f"Le dossier {projet.reference} est déjà à l'ordre du jour.")
    if projet.statut not in (Statut.INSTRUIT, Statut.AJOURNE):
        raise EtatIncompatible(
            f"Le dossier {projet.reference} est « {projet.get_statut_display()} » : seul un "
            "dossier instruit (ou ajourné) peut être inscrit à l'ordre du jour."
        )
    rang = (seance.points.aggregate(m=Max("ordre"))["m"] or 0) + 1
    point = PointOrdreDuJour.objects.create(seance=seance, projet=projet, ordre=rang)
    if seance.comite.pouvoir_programmer:  # a committee giving opinions leaves it « instruit »
        projet_transitionner(
            projet=projet,
            action=Action.INSCRIRE_ORDRE_DU_JOUR,
            par=par,
            commentaire=f"{seance.comite.nom}, séance du {_date_fr(seance.date)}",
            mandat=seance.mandat(),
        )
    _journal("seance_inscrire_projet", par, seance=seance, projet=projet, ordre=rang)
    return point


def _renumeroter(seance: Seance, points: list[PointOrdreDuJour]) -> None:
    """Give the items ranks 1..n in this order, under the one-rank-per-item constraint (two
    passes: out of the way, then in place)."""
    decalage = len(points) + (seance.points.aggregate(m=Max("ordre"))["m"] or 0) + 1
    for rang, point in enumerate(points, start=1):
        PointOrdreDuJour.objects.filter(pk=point.pk).update(ordre=decalage + rang)
    for rang, point in enumerate(points, start=1):
        PointOrdreDuJour.objects.filter(pk=point.pk).update(ordre=rang)
        point.ordre = rang


@transaction.atomic
def seance_retirer_point(*, point: PointOrdreDuJour, par: Utilisateur) -> None:
    """Take a dossier off a planned session's agenda (its secretariat): the dossier is
    « instruit » again, the items after it move up; the members already convened are told at
    the next convocation."""
    seance = _seance_verrouillee(point.seance)
    _verifier_gestionnaire(par, seance)
    verifier(seance, ActionSeance.RETIRER)
    point = PointOrdreDuJour.objects.select_related("projet").get(pk=point.pk, seance=seance)
    projet = point.projet
    if projet.statut == Statut.INSCRIT_ORDRE_DU_JOUR:  # a committee giving opinions left it
        projet_transitionner(
            projet=projet,
            action=Action.RETIRER_ORDRE_DU_JOUR,
            par=par,
            commentaire=f"{seance.comite.nom}, séance du {_date_fr(seance.date)}",
            mandat=seance.mandat(),
        )
    ordre = point.ordre
    point.delete()
    _renumeroter(seance, list(seance.points.order_by("ordre")))
    _journal("seance_retirer_point", par, seance=seance, projet=projet, ordre=ordre)


@transaction.atomic
def seance_deplacer_point(
    *, point: PointOrdreDuJour, rang: int, par: Utilisateur
) -> list[PointOrdreDuJour]:
    """Move an item of a planned session's agenda to rank `rang` (1 = first); the others keep
    their relative order. Returns the agenda in its new order."""
    seance = _seance_verrouillee(point.seance)
    _verifier_gestionnaire(par, seance)
    verifier(seance, ActionSeance.DEPLACER)
    points = list(seance.points.select_related("projet").order_by("ordre"))
    courant = next((p for p in points if p.pk == point.pk), None)
    if courant is None:
        raise RegleMetierError(erreurs={"point": ["Ce dossier n'est pas à l'ordre du jour."]})
    if not 1 <= rang <= len(points):
        raise RegleMetierError(
            erreurs={"rang": [f"Le rang doit être compris entre 1 et {len(points)}."]}
        )
    avant = courant.ordre
    points.remove(courant)
    points.insert(rang - 1, courant)
    _renumeroter(seance, points)
    _journal(
        "seance_deplacer_point", par, seance=seance, projet=courant.projet, avant=avant, apres=rang
    )
    return points


@transaction.atomic
def seance_convoquer(*, seance: Seance, par: Utilisateur) -> int:
    """E-mail the members in office the convocation with the agenda; returns how many."""
    seance = _seance_verrouillee(seance)
    _verifier_gestionnaire(par, seance)
    verifier(seance, ActionSeance.CONVOQUER)
    points = list(seance.points.select_related("projet", "projet__maitre_ouvrage"))
    if not points:
        raise EtatIncompatible("L'ordre du jour est vide : inscrivez au moins un dossier.")
    membres = list(membres_de_seance(seance=seance))
    seance.convoquee_le = timezone.now()
    seance.save(update_fields=["convoquee_le"])
    notifier(
        destinataires=[m.utilisateur.email for m in membres],
        sujet=f"Convocation : {seance.comite.nom}, séance du {_date_fr(seance.date)}",
        gabarit="gouvernance/courriels/convocation",
        contexte={"seance": seance, "points": points, "date": _date_fr(seance.date)},
    )
    _journal("seance_convoquer", par, seance=seance, destinataires=len(membres))
    return len(membres)


def _recuser(seance: Seance, points: list[PointOrdreDuJour]) -> None:
    membres = list(membres_de_seance(seance=seance).votants())
    for point in points:
        for membre in membres:
            if est_en_conflit(membre, point.projet):
                Recusation.objects.get_or_create(
                    point=point,
                    membre=membre,
                    defaults={
                        "motif": f"{membre.organisation} est maître d'ouvrage du dossier "
                        f"{point.projet.reference}."
                    },
                )


def _changer_etat(seance: Seance, action: str) -> None:
    vers = ETAPES[action].vers
    if vers is not None:
        seance.etat = vers


@transaction.atomic
def seance_ouvrir(*, seance: Seance, par: Utilisateur) -> Seance:
    """Open the votes; members whose organisation owns a dossier are recused on it."""
    seance = _seance_verrouillee(seance)
    _verifier_gestionnaire(par, seance)
    verifier(seance, ActionSeance.OUVRIR)
    points = list(seance.points.select_related("projet"))
    if not points:
        raise EtatIncompatible("L'ordre du jour est vide : inscrivez au moins un dossier.")
    _changer_etat(seance, ActionSeance.OUVRIR)
    seance.ouverte_le = timezone.now()
    seance.save(update_fields=["etat", "ouverte_le"])
    _recuser(seance, points)
    _journal("seance_ouvrir", par, seance=seance)
    return seance


def _verifier_mandataire(seance: Seance, membre: Membre, mandataire: Membre | None) -> Membre:
    """The proxy goes to another voting member, in office on the session's day."""
    if mandataire is None:
        raise RegleMetierError(
            erreurs={"mandataire": ["Indiquez le membre qui détient le pouvoir."]}
        )
    if mandataire.pk == membre.pk or not a_voix_deliberative(mandataire):
        raise RegleMetierError(
            erreurs={"mandataire": ["Le pouvoir va à un autre membre votant du comité."]}
        )
    if not siege_a_la_seance(seance=seance, membre=mandataire):
        raise RegleMetierError(
            erreurs={"mandataire": ["Le mandataire n'est pas membre du comité ce jour-là."]}
        )
    return mandataire


@transaction.atomic
def presence_enregistrer(
    *,
    seance: Seance,
    membre: Membre,
    statut: str,
    par: Utilisateur,
    mandataire: Membre | None = None,
) -> Presence:
    """Record a member's attendance: présent, excusé, or représenté by another voting member."""
    seance = _seance_verrouillee(seance)
    _verifier_gestionnaire(par, seance)
    verifier(seance, ActionSeance.ENREGISTRER_PRESENCE)
    if statut not in StatutPresence.values:
        raise RegleMetierError(erreurs={"statut": ["Choisissez présent, excusé ou représenté."]})
    if not siege_a_la_seance(seance=seance, membre=membre):
        raise RegleMetierError(
            erreurs={"membre": [f"{membre.utilisateur} n'est pas membre du comité ce jour-là."]}
        )
    if statut == StatutPresence.REPRESENTE:
        mandataire = _verifier_mandataire(seance, membre, mandataire)
    else:
        mandataire = None
    if (
        Vote.objects.filter(point__seance=seance)
        .filter(Q(membre=membre) | Q(exprime_par=membre))
        .exists()
    ):
        raise EtatIncompatible(
            f"{membre.utilisateur} a déjà voté (ou voté par procuration) : "
            "sa présence ne change plus."
        )
    presence, _ = Presence.objects.update_or_create(
        seance=seance, membre=membre, defaults={"statut": statut, "mandataire": mandataire}
    )
    _journal(
        "presence_enregistrer",
        par,
        seance=seance,
        membre=membre.pk,
        statut=statut,
        mandataire=mandataire.pk if mandataire else None,
    )
    return presence


# --- Votes ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bulletin:
    """Whose ballot it is (`votant`) and who casts it (`exprime_par`: self or proxy holder)."""

    votant: Membre
    exprime_par: Membre


def _votant(moi: Membre, presences: dict[int, Presence], pour_membre: Membre | None) -> Membre:
    """Oneself, or the member whose proxy one holds."""
    if pour_membre is None or pour_membre.pk == moi.pk:
        return moi
    if not detient_pouvoir(moi, presences.get(pour_membre.pk)):
        raise ActionNonAutorisee(
            f"Vous ne détenez pas de pouvoir de {pour_membre.utilisateur} pour cette séance."
        )
    return pour_membre


def _verifier_voix(votant: Membre) -> None:
    if a_voix_deliberative(votant):
        return
    if est_secretariat(votant):
        raise ActionNonAutorisee("Le secrétariat du comité ne vote pas.")
    raise ActionNonAutorisee(
        "Les membres associés n'ont pas voix délibérative : ils ne votent pas."
    )


def _verifier_presence(ma_presence: Presence | None) -> None:
    if est_present(ma_presence):
        return
    if ma_presence is not None and est_represente(ma_presence) and ma_presence.mandataire:
        raise ActionNonAutorisee(
            f"Vous êtes représenté(e) par {ma_presence.mandataire.utilisateur} : "
            "c'est votre mandataire qui vote pour vous."
        )
    raise ActionNonAutorisee(
        "Votre présence n'est pas enregistrée à cette séance : vous ne pouvez pas voter."
    )


def _bulletin(
    seance: Seance,
    point: PointOrdreDuJour,
    par: Utilisateur,
    pour_membre: Membre | None,
    action: str,
) -> Bulletin:
    """Check every voting rule; raise the refusal, write nothing."""
    verifier(seance, action)
    moi = membre_actif(utilisateur=par, comite=seance.comite, jour=jour_de(seance))
    if moi is None:
        raise ActionNonAutorisee(
            f"Vous n'êtes pas membre du {seance.comite.nom} : vous ne pouvez pas voter."
        )
    presences = {p.membre_id: p for p in seance.presences.select_related("mandataire__utilisateur")}
    votant = _votant(moi, presences, pour_membre)
    _verifier_voix(votant)
    _verifier_presence(presences.get(moi.pk))
    if est_recuse(votant, point, point.recusations.all()):
        raise ActionNonAutorisee(
            f"{'Vous êtes' if votant == moi else f'{votant.utilisateur} est'} récusé(e) sur le "
            f"dossier {point.projet.reference} : l'organisation représentée en est le maître "
            "d'ouvrage."
        )
    return Bulletin(votant=votant, exprime_par=moi)


def _verifier_choix(choix: str) -> None:
    if choix not in ChoixVote.values:
        raise RegleMetierError(erreurs={"choix": ["Votez pour, contre ou abstention."]})


@transaction.atomic
def vote_enregistrer(
    *, point: PointOrdreDuJour, choix: str, par: Utilisateur, pour_membre: Membre | None = None
) -> Vote:
    """Cast a member's single ballot on an item (for oneself, or for a member one represents)."""
    _verifier_choix(choix)
    seance = _seance_verrouillee(point.seance)
    point = PointOrdreDuJour.objects.select_related("projet").get(pk=point.pk)
    bulletin = _bulletin(seance, point, par, pour_membre, ActionSeance.VOTER)
    deja = (
        "Un vote est déjà enregistré pour vous sur ce point : modifiez-le plutôt que de "
        "voter une seconde fois."
    )
    if Vote.objects.filter(point=point, membre=bulletin.votant).exists():
        raise EtatIncompatible(deja)
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                point=point, membre=bulletin.votant, exprime_par=bulletin.exprime_par, choix=choix
            )
    except IntegrityError as erreur:  # the unique (point, membre) constraint
        raise EtatIncompatible(deja) from erreur
    _journal("vote_enregistrer", par, seance=seance, projet=point.projet, membre=vote.membre_id)
    return vote


@transaction.atomic
def vote_modifier(
    *, point: PointOrdreDuJour, choix: str, par: Utilisateur, pour_membre: Membre | None = None
) -> Vote:
    """Change one's ballot while the session is open (the row is updated, never duplicated)."""
    _verifier_choix(choix)
    seance = _seance_verrouillee(point.seance)
    point = PointOrdreDuJour.objects.select_related("projet").get(pk=point.pk)
    bulletin = _bulletin(seance, point, par, pour_membre, ActionSeance.MODIFIER_VOTE)
    vote = Vote.objects.filter(point=point, membre=bulletin.votant).first()
    if vote is None:
        raise EtatIncompatible("Aucun vote à modifier sur ce point : votez d'abord.")
    ancien = vote.choix
    vote.choix = choix
    vote.exprime_par = bulletin.exprime_par
    vote.save(update_fields=["choix", "exprime_par", "modifie_le"])
    _journal(
        "vote_modifier",
        par,
        seance=seance,
        projet=point.projet,
        membre=vote.membre_id,
        avant=ancien,
    )
    return vote


# --- Closing --------------------------------------------------------------------------------
@transaction.atomic
def seance_clore(*, seance: Seance, par: Utilisateur) -> list[Decision]:
    """Close the session: check the quorum, decide each item by the committee's rules, move
    the dossiers, and programme the retained ones through the ledger
    (`financement.services.projet_programmer`, on the decision's mandate).

    The quorum and the tally are those the pages and the API show (`etat_quorum`, `decompte`);
    each decision records the quorum as computed. Without quorum nothing is written. A retained
    dossier that an envelope cannot take stays « retenu »: its programming is rolled back alone
    (savepoint) and the decision says why. Only a committee with the power to programme
    (`Comite.pouvoir_programmer`) moves dossiers and money; the others' decisions are opinions.
    """
    seance = _seance_verrouillee(seance)
    _verifier_gestionnaire(par, seance)
    verifier(seance, ActionSeance.CLORE)
    quorum = etat_quorum(seance=seance)
    if not quorum.atteint:
        raise EtatIncompatible(
            f"Quorum non atteint : {quorum.presents} membre(s) votant(s) présent(s) ou "
            f"représenté(s) sur {quorum.votants}, il en faut au moins {quorum.requis} "
            f"({quorum.regle}). La séance reste ouverte ; rien n'a été décidé."
        )
    decisions = [
        _decider(seance, ligne, quorum_atteint=quorum.atteint, par=par)
        for ligne in decompte(seance=seance)
    ]
    _changer_etat(seance, ActionSeance.CLORE)
    seance.close_le = timezone.now()
    seance.votants_attendus = quorum.votants
    seance.votants_presents = quorum.presents
    seance.save(update_fields=["etat", "close_le", "votants_attendus", "votants_presents"])
    _journal(
        "seance_clore",
        par,
        seance=seance,
        votants=quorum.votants,
        presents=quorum.presents,
        decisions={d.point.projet.reference: d.resultat for d in decisions},
    )
    # The e-mails are read and rendered once the close is committed, outside its transaction
    # (issue 14: rendering 50 of them held it 3 s): none if it rolls back.
    transaction.on_commit(
        functools.partial(_notifier_decisions, [d.pk for d in decisions]), robust=True
    )
    return decisions


def _decider(
    seance: Seance, ligne: Decompte, *, quorum_atteint: bool, par: Utilisateur
) -> Decision:
    """Decide one item by the committee's rules. A committee with the power to programme moves
    the dossier (retenu, rejeté, ajourné) and programmes the retained one; any other committee
    gives an opinion (`Decision.avis`): the dossier stays where it was (« instruit »), no ledger
    line is written, and a programming committee takes it up."""
    comite = seance.comite
    point = ligne.point
    issue = issue_du_vote(
        majorite=comite.regle_majorite,
        egalite=comite.regle_egalite,
        pour=ligne.pour,
        contre=ligne.contre,
        abstention=ligne.abstention,
    )
    avis = not comite.pouvoir_programmer
    motif = issue.motif
    if avis:
        motif = f"{motif} {MOTIF_AVIS.format(comite=comite.nom)}"
    decision = Decision.objects.create(
        point=point,
        resultat=issue.resultat,
        pour=ligne.pour,
        contre=ligne.contre,
        abstention=ligne.abstention,
        quorum_atteint=quorum_atteint,
        avis=avis,
        motif=motif,
    )
    if avis:
        return decision
    projet_transitionner(
        projet=point.projet,
        action=ACTION_PAR_RESULTAT[Resultat(issue.resultat)],
        par=par,
        commentaire=f"{comite.nom}, séance du {_date_fr(seance.date)} : {issue.motif}",
        mandat=decision.mandat(),
    )
    if issue.resultat == Resultat.RETENU:
        _decider_les_lignes(decision, point, par)
        _programmer(decision, point.projet, par)
    return decision


def _decider_les_lignes(decision: Decision, point: PointOrdreDuJour, par: Utilisateur) -> None:
    """Each co-funder's line of the retained dossier, as its co-funder proposed (reduced,
    refused) or as asked: the plan takes the decision (`projets.reequilibrage`), each line's
    outcome is written for the minutes, and the ledger then programmes what was granted."""
    arbitrages = {a.ligne_id: a for a in point.arbitrages.all()}
    issues = plan_appliquer_decision(
        projet=point.projet,
        retenus={ligne_id: a.montant for ligne_id, a in arbitrages.items()},
        par=par,
        mandat=decision.mandat(),
    )
    DecisionLigne.objects.bulk_create(
        DecisionLigne(
            decision=decision,
            signataire_id=ligne.signataire_id,
            issue=(
                arbitrages[ligne.ligne_id].issue
                if ligne.ligne_id in arbitrages
                else IssueLigne.PROGRAMMEE
            ),
            montant_demande=ligne.montant_demande,
            montant_retenu=ligne.montant_retenu,
            motif=arbitrages[ligne.ligne_id].motif if ligne.ligne_id in arbitrages else "",
        )
        for ligne in issues
    )


# --- A co-funder's proposal on its own line -----------------------------------------------
@transaction.atomic
def arbitrage_enregistrer(
    *,
    point: PointOrdreDuJour,
    ligne: LignePlanFinancement,
    issue: str,
    par: Utilisateur,
    montant: Decimal | None = None,
    motif: str = "",
) -> ArbitrageLigne | None:
    """Propose to the committee what to decide on one CPER line of a dossier on its agenda:
    programmed as asked (the proposal is withdrawn), reduced to `montant`, or refused, with the
    reason. By an agent of the line's own signatory or the secretariat of the CPER, while the
    session is not closed and only before a committee with the power to programme; refused
    with nothing written otherwise. Journaled."""
    seance = _seance_verrouillee(point.seance)
    point = PointOrdreDuJour.objects.select_related("projet").get(pk=point.pk)
    projet = point.projet
    refus = refus_d_arbitrage(par, seance, projet, ligne)
    if refus is not None:
        raise refus
    existant = ArbitrageLigne.objects.filter(point=point, ligne=ligne).first()
    if issue == IssueLigne.PROGRAMMEE:
        if existant is not None:
            existant.delete()
        _journal("arbitrage_retirer", par, seance=seance, projet=projet, ligne=ligne.pk)
        return None
    retenu = _montant_propose(ligne, issue, montant, motif)
    arbitrage = existant or ArbitrageLigne(point=point, ligne=ligne)
    arbitrage.issue, arbitrage.montant, arbitrage.motif, arbitrage.par = (
        issue,
        retenu,
        motif.strip(),
        par,
    )
    arbitrage.save()
    _journal(
        "arbitrage_enregistrer",
        par,
        seance=seance,
        projet=projet,
        ligne=ligne.pk,
        signataire=ligne.signataire.code if ligne.signataire else "",
        issue=issue,
        montant=str(retenu),
    )
    return arbitrage


def _montant_propose(
    ligne: LignePlanFinancement, issue: str, montant: Decimal | None, motif: str
) -> Decimal:
    erreurs: dict[str, list[str]] = {}
    if issue not in (IssueLigne.REDUITE, IssueLigne.REFUSEE):
        erreurs["issue"] = ["Choisissez : programmée au montant demandé, réduite ou refusée."]
    if not motif.strip():
        erreurs["motif"] = ["Indiquez le motif : il figurera au procès-verbal."]
    retenu = Decimal("0.00")
    if issue == IssueLigne.REDUITE:
        if montant is None:
            erreurs["montant"] = ["Indiquez le montant retenu."]
        elif not Decimal("0") < montant < ligne.montant:
            erreurs["montant"] = [
                f"Le montant retenu doit être positif et inférieur au montant demandé "
                f"({format_euros(ligne.montant)}) ; pour le refuser, choisissez « refusée »."
            ]
        else:
            retenu = montant
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    return retenu


def _programmer(decision: Decision, projet: Projet, par: Utilisateur) -> None:
    """Programme a retained dossier through the ledger, in a savepoint: the ledger may refuse
    (an envelope or a maquette line too small), and the decision then records why."""
    try:
        with transaction.atomic():
            projet_programmer(projet=projet, par=par, mandat=decision.mandat())
    except RegleMetierError as erreur:
        decision.programme = False
        decision.motif_non_programmation = erreur.message
    else:
        decision.programme = True
    decision.save(update_fields=["programme", "motif_non_programmation"])


def _notifier_decisions(decisions_pk: list[int]) -> None:
    """The porteur's e-mail of each decision, read from the committed base in a few queries
    whatever the number of items (called after the close commits)."""
    decisions = list(
        Decision.objects.filter(pk__in=decisions_pk)
        .select_related("point__seance__comite", "point__projet__maitre_ouvrage")
        .prefetch_related(
            Prefetch("lignes", queryset=DecisionLigne.objects.select_related("signataire"))
        )
        .order_by("pk")
    )
    organisations = {d.point.projet.maitre_ouvrage_id for d in decisions} - {None}
    porteurs: dict[int, list[str]] = {}
    for organisation, courriel in (
        Utilisateur.objects.filter(
            organisation_id__in=organisations, role=Role.PORTEUR, is_active=True
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("organisation_id", "email")
    ):
        porteurs.setdefault(organisation, []).append(courriel)
    for decision in decisions:
        _notifier_decision(decision.point.seance, decision, porteurs)


def _notifier_decision(seance: Seance, decision: Decision, porteurs: dict[int, list[str]]) -> None:
    projet = decision.point.projet
    destinataires = [projet.contact_courriel]
    if projet.maitre_ouvrage_id is not None:
        destinataires += porteurs.get(projet.maitre_ouvrage_id, [])
    notifier(
        destinataires=destinataires,
        sujet=f"Décision du {seance.comite.nom} sur le dossier {projet.reference}",
        gabarit="gouvernance/courriels/decision",
        contexte={
            "seance": seance,
            "decision": decision,
            "projet": projet,
            "date": _date_fr(seance.date),
            # The decision on each co-funder's line, and what the porteur must re-balance.
            "lignes": list(decision.lignes.all()),
            "a_reequilibrer": projet.montant_a_reequilibrer,
        },
    )


# --- Analysis grid --------------------------------------------------------------------------
@dataclass
class NoteSaisie:
    critere: str  # the criterion's code
    note: int | None
    commentaire: str = ""


def _erreurs_de_la_grille(
    grille: GrilleAnalyse, notes: list[NoteSaisie], avis: str, deposer: bool
) -> dict[str, list[str]]:
    """Each mark within its criterion's scale (all of them to file), a known opinion (one to
    file), keyed by field."""
    criteres = {c.code: c for c in grille.criteres.all()}
    saisies = {n.critere: n for n in notes}
    erreurs: dict[str, list[str]] = {}
    for code in saisies:
        if code not in criteres:
            erreurs.setdefault("notes", []).append(f"Critère inconnu : {code}.")
    for code, critere in criteres.items():
        saisie = saisies.get(code)
        if saisie is None or saisie.note is None:
            if deposer:
                erreurs[f"note_{code}"] = [f"Notez « {critere.libelle} »."]
        elif not 0 <= saisie.note <= critere.echelle_max:
            erreurs[f"note_{code}"] = [f"La note va de 0 à {critere.echelle_max}."]
    if avis and avis not in Avis.values:
        erreurs["avis"] = ["Choisissez favorable, réservé ou défavorable."]
    if deposer and not avis:
        erreurs["avis"] = ["Donnez un avis d'ensemble."]
    return erreurs


def _ecrire_notes(evaluation: Evaluation, grille: GrilleAnalyse, notes: list[NoteSaisie]) -> None:
    criteres = {c.code: c for c in grille.criteres.all()}
    for saisie in notes:
        if saisie.note is None:
            NoteCritere.objects.filter(
                evaluation=evaluation, critere=criteres[saisie.critere]
            ).delete()
            continue
        NoteCritere.objects.update_or_create(
            evaluation=evaluation,
            critere=criteres[saisie.critere],
            defaults={"note": saisie.note, "commentaire": saisie.commentaire.strip()},
        )


def _cofinanceur_instruit(
    projet: Projet, par: Utilisateur, signataire: Signataire | None
) -> Signataire:
    """The co-funder whose instruction `par` writes: an agent's own signatory (the table of
    `projets.droits` has checked that it co-funds the dossier); for the secretariat, the
    co-funder it files for, which must be one of the dossier's."""
    cofinanceurs = {
        c.signataire.pk: c.signataire for c in etat_instruction(projet=projet).cofinanceurs
    }
    if not par.est_administrateur:
        propre: Signataire | None = Signataire.objects.filter(
            organisation_id=par.organisation_id
        ).first()
        if propre is None or propre.pk not in cofinanceurs:
            raise ActionNonAutorisee(
                "Vous ne pouvez pas remplir la grille d'analyse de ce dossier : votre signataire "
                "ne le cofinance pas."
            )
        if signataire is not None and signataire.pk != propre.pk:
            raise ActionNonAutorisee(
                f"Vous instruisez pour {propre.nom} seulement : la grille {signataire.de_nom} "
                "revient à ses agents ou au secrétariat du CPER."
            )
        return propre
    if signataire is None:
        raise RegleMetierError(
            "Choisissez le cofinanceur pour le compte duquel vous remplissez la grille.",
            erreurs={"signataire": ["Choisissez le cofinanceur."]},
        )
    if signataire.pk not in cofinanceurs:
        raise RegleMetierError(
            f"{signataire.nom} ne cofinance pas ce dossier au titre du CPER.",
            erreurs={"signataire": [f"{signataire.nom} ne cofinance pas ce dossier."]},
        )
    return signataire


def _evaluation_ouverte(
    projet: Projet, par: Utilisateur, signataire: Signataire
) -> tuple[Evaluation, GrilleAnalyse]:
    """The co-funder's evaluation of the dossier with the grid in force, while it may change."""
    grille = grille_active()
    if grille is None:
        raise EtatIncompatible("Aucune grille d'analyse n'est en vigueur.")
    deja = projet.evaluations.filter(signataire=signataire, deposee_le__isnull=False).exists()
    if deja:
        raise EtatIncompatible(f"La grille {signataire.de_nom} pour ce dossier est déjà déposée.")
    evaluation, _ = Evaluation.objects.get_or_create(
        projet=projet, grille=grille, signataire=signataire, defaults={"instructeur": par}
    )
    return evaluation, grille


def _ecrire_evaluation(
    *,
    projet: Projet,
    par: Utilisateur,
    notes: list[NoteSaisie],
    avis: str,
    commentaire: str,
    deposer: bool,
    signataire: Signataire | None,
) -> Evaluation:
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    droit = verdict(par, projet, ActionDossier.REMPLIR_GRILLE)
    if not droit.permis:
        raise (EtatIncompatible if droit.etat else ActionNonAutorisee)(droit.motif)
    cofinanceur = _cofinanceur_instruit(projet, par, signataire)
    grille = grille_active()
    if grille is None:
        raise EtatIncompatible("Aucune grille d'analyse n'est en vigueur.")
    erreurs = _erreurs_de_la_grille(grille, notes, avis, deposer)
    if erreurs:
        raise RegleMetierError(
            "La grille n'a pas été enregistrée : corrigez les points signalés.", erreurs=erreurs
        )
    evaluation, grille = _evaluation_ouverte(projet, par, cofinanceur)
    evaluation.instructeur = par
    evaluation.avis = avis
    evaluation.commentaire = commentaire.strip()
    if deposer:
        evaluation.deposee_le = timezone.now()
    evaluation.save()
    _ecrire_notes(evaluation, grille, list({n.critere: n for n in notes}.values()))
    details: dict[str, Any] = {"avis": avis, "cofinanceur": cofinanceur.code}
    if par.est_administrateur:
        details["pour_le_compte_de"] = cofinanceur.nom
    _journal(
        "evaluation_deposer" if deposer else "evaluation_enregistrer",
        par,
        projet=projet,
        **details,
    )
    if deposer and projet.statut == Statut.EN_INSTRUCTION:
        instruction = etat_instruction(projet=projet)
        if instruction.complete:
            projet_transitionner(
                projet=projet,
                action=Action.TERMINER_INSTRUCTION,
                par=par,
                commentaire=(
                    "Grilles d'analyse déposées par chaque cofinanceur."
                    if instruction.tous_requis
                    else f"Grille d'analyse déposée par {cofinanceur.nom}."
                ),
            )
    return evaluation


@transaction.atomic
def evaluation_enregistrer(
    *,
    projet: Projet,
    par: Utilisateur,
    notes: list[NoteSaisie],
    avis: str = "",
    commentaire: str = "",
    signataire: Signataire | None = None,
) -> Evaluation:
    """Save a co-funder's grid as a draft (partial marks allowed). `signataire`: the co-funder
    the secretariat files for (an agent files for its own signatory)."""
    return _ecrire_evaluation(
        projet=projet,
        par=par,
        notes=notes,
        avis=avis,
        commentaire=commentaire,
        deposer=False,
        signataire=signataire,
    )


@transaction.atomic
def evaluation_deposer(
    *,
    projet: Projet,
    par: Utilisateur,
    notes: list[NoteSaisie],
    avis: str,
    commentaire: str = "",
    signataire: Signataire | None = None,
) -> Evaluation:
    """File a co-funder's grid (every criterion marked, its opinion on its line). The grid that
    completes the instruction rule (`gouvernance.selectors.etat_instruction`: every co-funder,
    or at least one under the relaxed setting) ends the instruction in the same transaction:
    the dossier goes from « en instruction » to « instruit ». A co-funder may still file
    once the dossier is « instruit », until it is on an agenda."""
    return _ecrire_evaluation(
        projet=projet,
        par=par,
        notes=notes,
        avis=avis,
        commentaire=commentaire,
        deposer=True,
        signataire=signataire,
    )


# --- Members of a committee ---------------------------------------------------------------
@transaction.atomic
def membre_nommer(
    *,
    comite: Comite,
    utilisateur: Utilisateur,
    organisation: Organisation,
    role: str,
    debut: date,
    par: Utilisateur,
    fin: date | None = None,
    qualite: str = "",
) -> Membre:
    """Appoint a person to a committee (its secretariat or an administrator), for the
    organisation they represent; one open mandate per person and committee."""
    _verifier_gestionnaire(par, comite)
    erreurs: dict[str, list[str]] = {}
    if role not in RoleMembre.values:
        erreurs["role"] = ["Choisissez le rôle du membre."]
    if not utilisateur.is_active:
        erreurs["utilisateur"] = [f"Le compte de {utilisateur} est désactivé."]
    if fin is not None and fin < debut:
        erreurs["fin"] = ["La fin du mandat doit suivre son début."]
    if fin is None and comite.membres.filter(utilisateur=utilisateur, fin__isnull=True).exists():
        erreurs["utilisateur"] = [
            f"{utilisateur} siège déjà à ce comité : mettez fin à son mandat en cours avant "
            "de le nommer à nouveau."
        ]
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    try:
        with transaction.atomic():
            membre = Membre.objects.create(
                comite=comite,
                utilisateur=utilisateur,
                organisation=organisation,
                role=role,
                qualite=qualite.strip(),
                debut=debut,
                fin=fin,
            )
    except IntegrityError as erreur:  # a concurrent appointment of the same person
        raise RegleMetierError(
            erreurs={"utilisateur": [f"{utilisateur} siège déjà à ce comité."]}
        ) from erreur
    _journal(
        "membre_nommer",
        par,
        comite=comite.code,
        membre=membre.pk,
        utilisateur=utilisateur.pk,
        role=role,
        debut=debut.isoformat(),
    )
    return membre


@transaction.atomic
def membre_terminer(*, membre: Membre, fin: date, par: Utilisateur) -> Membre:
    """End a member's mandate on `fin` (its secretariat or an administrator): the member
    no longer sits at sessions held after that day; the past sessions keep their record."""
    membre = Membre.objects.select_for_update().select_related("comite").get(pk=membre.pk)
    _verifier_gestionnaire(par, membre.comite)
    if fin < membre.debut:
        raise RegleMetierError(
            erreurs={"fin": ["La fin du mandat ne peut pas précéder son début."]}
        )
    membre.fin = fin
    membre.save(update_fields=["fin"])
    _journal(
        "membre_terminer", par, comite=membre.comite.code, membre=membre.pk, fin=fin.isoformat()
    )
    return membre
