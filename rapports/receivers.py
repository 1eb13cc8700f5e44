"""E-mails on a dossier's lifecycle (issue 7), from `projets.signals.transition_effectuee`.

Who receives what:
- filed (« déposé »): the agents of the signatories named in its CPER financing lines, or every
  agent when it has none;
- declared incomplete: the porteur's users (role porteur in the maître d'ouvrage's
  organisation), with the instructor's comment;
- put on a committee's agenda: the porteur's users;
- abandoned by someone other than its porteur: the porteur's users, naming who did it;
- edited by the secretariat (`projets.signals.projet_modifie`): the porteur's users, naming who;
- more pieces asked after filing (`projets.signals.pieces_demandees`): the porteur's users,
  with the pieces and the instructor's message.
A committee's decision (retained, rejected, adjourned) is told by `gouvernance` itself, with
the session and the votes: it is not repeated here.

The signal is sent inside the transition's transaction; `notifier` sends after commit, so a
transition that rolls back sends nothing. A failure to prepare a message is logged and never
cancels the transition.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse

from comptes.models import Role, Utilisateur
from projets.models import NatureFinancement, Projet, Statut
from projets.permissions import est_porteur_du_projet
from projets.signals import pieces_demandees, projet_modifie, transition_effectuee
from socle.notifications import notifier

logger = logging.getLogger(__name__)

CPER = "CPER Hauts-de-France 2021-2027"


@dataclass(frozen=True)
class Courrier:
    """What the e-mail of a transition says, by the state the dossier reaches (the template
    prints it and names no state)."""

    sujet: str
    introduction: str
    libelle_commentaire: str = "Motif"
    suite: str = ""


COURRIERS: dict[str, Courrier] = {
    Statut.DEPOSE: Courrier(
        "Dossier déposé à instruire",
        f"Un dossier a été déposé sur le portail du {CPER} et attend son instruction :",
    ),
    Statut.INCOMPLET: Courrier(
        "Votre dossier est incomplet",
        f"Votre dossier déposé sur le portail du {CPER} a été déclaré incomplet :",
        libelle_commentaire="Ce qu'il manque",
        suite="Complétez-le puis déposez-le à nouveau.",
    ),
    Statut.ABANDONNE: Courrier(
        "Votre dossier a été abandonné",
        f"Votre dossier déposé sur le portail du {CPER} a été abandonné :",
    ),
    Statut.INSCRIT_ORDRE_DU_JOUR: Courrier(
        "Votre dossier est inscrit à l'ordre du jour d'un comité",
        f"Votre dossier est inscrit à l'ordre du jour d'un comité du {CPER} :",
    ),
}


# The e-mails that name who acted on the porteur's dossier.
NOMMENT_L_AUTEUR = frozenset({Statut.INCOMPLET, Statut.ABANDONNE})


def _actifs():
    return Utilisateur.objects.filter(is_active=True).exclude(email="")


def agents_concernes(projet: Projet) -> list[str]:
    """Agents of the signatories in the dossier's CPER lines; every agent if there is none."""
    organisations = list(
        projet.lignes_financement.filter(nature=NatureFinancement.CPER)
        .values_list("signataire__organisation_id", flat=True)
        .distinct()
    )
    agents = _actifs().filter(role=Role.AGENT)
    if organisations:
        agents = agents.filter(organisation_id__in=organisations)
    return list(agents.values_list("email", flat=True))


def porteurs_du_projet(projet: Projet) -> list[str]:
    if projet.maitre_ouvrage_id is None:
        return []
    return list(
        _actifs()
        .filter(role=Role.PORTEUR, organisation_id=projet.maitre_ouvrage_id)
        .values_list("email", flat=True)
    )


def _auteur(par: Utilisateur) -> str:
    """Who acted, as the porteur reads it: the person and their organisation."""
    return f"{par.get_full_name() or par.username} ({par.organisation})"


def _notifier(projet: Projet, vers: str, par: Utilisateur) -> None:
    destinataires = (
        agents_concernes(projet) if vers == Statut.DEPOSE else porteurs_du_projet(projet)
    )
    # The journal row of this transition is already written, in the same transaction.
    transition = projet.transitions.order_by("-le", "-pk").first()
    notifier(
        destinataires=destinataires,
        sujet=f"{COURRIERS[vers].sujet} : {projet.reference}",
        gabarit="rapports/courriels/transition",
        contexte={
            "projet": projet,
            "courrier": COURRIERS[vers],
            "commentaire": transition.commentaire if transition else "",
            # Named when someone else acted on the porteur's dossier.
            "auteur": _auteur(par) if vers in NOMMENT_L_AUTEUR else "",
            "adresse": settings.PORTAIL_URL + reverse("projets:detail", args=[projet.reference]),
        },
    )


@receiver(transition_effectuee, sender=Projet, dispatch_uid="rapports_notifie_les_transitions")
def notifier_transition(sender, projet, action, depuis, vers, par, **kwargs):
    if vers not in COURRIERS:
        return
    if vers == Statut.ABANDONNE and est_porteur_du_projet(par, projet):
        return  # the porteur abandoned its own dossier: it knows
    try:
        # A savepoint: a failed query here must not break the transition's transaction.
        with transaction.atomic():
            _notifier(projet, vers, par)
    except Exception:
        logger.exception("Notification de la transition %s de %s", action, projet.reference)


@receiver(projet_modifie, sender=Projet, dispatch_uid="rapports_notifie_les_modifications")
def notifier_modification(sender, projet, par, **kwargs):
    """The porteur is told when the secretariat edits its dossier (an agent's edit is in the
    dossier's history, on its own signatory's line only)."""
    if not par.est_administrateur:
        return
    try:
        with transaction.atomic():
            notifier(
                destinataires=porteurs_du_projet(projet),
                sujet=f"Votre dossier a été modifié par le secrétariat : {projet.reference}",
                gabarit="rapports/courriels/dossier_modifie",
                contexte={
                    "projet": projet,
                    "auteur": _auteur(par),
                    "adresse": settings.PORTAIL_URL
                    + reverse("projets:detail", args=[projet.reference]),
                },
            )
    except Exception:
        logger.exception("Notification de la modification de %s", projet.reference)


@receiver(pieces_demandees, sender=Projet, dispatch_uid="rapports_notifie_les_pieces_demandees")
def notifier_pieces_demandees(sender, projet, demande, par, **kwargs):
    """The porteur is told which pieces an instructor asks for, and why."""
    try:
        with transaction.atomic():
            notifier(
                destinataires=porteurs_du_projet(projet),
                sujet=f"Pièces complémentaires demandées : {projet.reference}",
                gabarit="rapports/courriels/pieces_demandees",
                contexte={
                    "projet": projet,
                    "demande": demande,
                    "auteur": _auteur(par),
                    "adresse": settings.PORTAIL_URL
                    + reverse("projets:detail", args=[projet.reference])
                    + "#documents",
                },
            )
    except Exception:
        logger.exception("Notification des pièces demandées pour %s", projet.reference)
