"""A committee session's lifecycle as one declarative table (beside the dossier's,
`projets.workflow`).

planifiée → ouverte → close. While planned, the secretariat builds the agenda, convenes the
members and records the attendance; opened, members vote and may change their vote, the
attendance may still be completed; closing decides every item and is final.

Every guard on a session's state — in the services, the pages, the API and the templates —
asks this table (`permet`, `verifier`) or a named state set below; nothing else compares
`seance.etat`.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format

from gouvernance.models import EtatSeance, Seance
from socle.exceptions import EtatIncompatible


class ActionSeance(models.TextChoices):
    INSCRIRE = "inscrire", "Inscrire un dossier à l'ordre du jour"
    RETIRER = "retirer", "Retirer un dossier de l'ordre du jour"
    DEPLACER = "deplacer", "Changer l'ordre des dossiers"
    CONVOQUER = "convoquer", "Convoquer les membres"
    OUVRIR = "ouvrir", "Ouvrir la séance"
    ENREGISTRER_PRESENCE = "enregistrer_presence", "Enregistrer la présence"
    VOTER = "voter", "Voter"
    MODIFIER_VOTE = "modifier_vote", "Modifier un vote"
    CLORE = "clore", "Clore la séance"


# Named state sets.
PREPARATION = frozenset({EtatSeance.PLANIFIEE})  # agenda, convocation, opening
EN_COURS_DE_VOTE = frozenset({EtatSeance.OUVERTE})  # votes, live tally, closing
NON_CLOSE = frozenset({EtatSeance.PLANIFIEE, EtatSeance.OUVERTE})  # attendance sheet
CLOSE = frozenset({EtatSeance.CLOSE})  # decisions final, minutes, votes public


@dataclass(frozen=True)
class Etape:
    """An action: the states it may be taken from, the state it leads to (None: unchanged),
    and, for every other state, why it is refused (`{etat}` is the state's label)."""

    depuis: frozenset[str]
    vers: str | None
    refus: dict[str, str] = field(default_factory=dict)


ETAPES: dict[str, Etape] = {
    ActionSeance.INSCRIRE: Etape(
        PREPARATION,
        None,
        {
            EtatSeance.OUVERTE: "La séance est « {etat} » : son ordre du jour ne change plus.",
            EtatSeance.CLOSE: "La séance est « {etat} » : son ordre du jour ne change plus.",
        },
    ),
    ActionSeance.RETIRER: Etape(
        PREPARATION,
        None,
        {
            EtatSeance.OUVERTE: "La séance est « {etat} » : son ordre du jour ne change plus.",
            EtatSeance.CLOSE: "La séance est « {etat} » : son ordre du jour ne change plus.",
        },
    ),
    ActionSeance.DEPLACER: Etape(
        PREPARATION,
        None,
        {
            EtatSeance.OUVERTE: "La séance est « {etat} » : son ordre du jour ne change plus.",
            EtatSeance.CLOSE: "La séance est « {etat} » : son ordre du jour ne change plus.",
        },
    ),
    ActionSeance.CONVOQUER: Etape(
        PREPARATION,
        None,
        {
            EtatSeance.OUVERTE: "Seule une séance planifiée peut être convoquée.",
            EtatSeance.CLOSE: "Seule une séance planifiée peut être convoquée.",
        },
    ),
    ActionSeance.OUVRIR: Etape(
        PREPARATION,
        EtatSeance.OUVERTE,
        {
            EtatSeance.OUVERTE: "La séance est déjà « {etat} ».",
            EtatSeance.CLOSE: "La séance est déjà « {etat} ».",
        },
    ),
    ActionSeance.ENREGISTRER_PRESENCE: Etape(
        NON_CLOSE,
        None,
        {EtatSeance.CLOSE: "La séance est close : la feuille de présence ne change plus."},
    ),
    ActionSeance.VOTER: Etape(
        EN_COURS_DE_VOTE,
        None,
        {
            EtatSeance.PLANIFIEE: "La séance n'est pas encore ouverte : le vote n'a pas commencé.",
            EtatSeance.CLOSE: "La séance est close : les votes ne peuvent plus changer.",
        },
    ),
    ActionSeance.MODIFIER_VOTE: Etape(
        EN_COURS_DE_VOTE,
        None,
        {
            EtatSeance.PLANIFIEE: "La séance n'est pas encore ouverte : le vote n'a pas commencé.",
            EtatSeance.CLOSE: "La séance est close : les votes ne peuvent plus changer.",
        },
    ),
    ActionSeance.CLORE: Etape(
        EN_COURS_DE_VOTE,
        EtatSeance.CLOSE,
        {
            EtatSeance.PLANIFIEE: "La séance n'est pas ouverte : ouvrez-la avant de la clore.",
            EtatSeance.CLOSE: "La séance est déjà close : ses décisions sont définitives.",
        },
    ),
}


def permet(etat: str, action: str) -> bool:
    """Whether a session in `etat` allows `action`."""
    return etat in ETAPES[action].depuis


def verifier(seance: Seance, action: str) -> None:
    """Raise `EtatIncompatible` (409) with the reason when the session's state refuses it."""
    if permet(seance.etat, action):
        return
    modele = ETAPES[action].refus.get(
        seance.etat, "La séance est « {etat} » : cette action n'est pas possible."
    )
    raise EtatIncompatible(modele.format(etat=seance.get_etat_display()))


def est_close(seance: Seance) -> bool:
    """Decisions are final: the minutes exist and every vote is public."""
    return seance.etat in CLOSE


def vote_en_cours(seance: Seance) -> bool:
    """Members may vote (and see their ballots); the secretariat follows the live tally."""
    return seance.etat in EN_COURS_DE_VOTE


# --- The session's date -------------------------------------------------------------------
def avance_sur_la_date(seance: Seance, maintenant: datetime | None = None) -> str:
    """A warning when a session is opened or closed well before its planned date (allowed:
    a session may be held early; a session that already took place may be entered late).
    How early is « well before » is a setting (`GOUVERNANCE_AVANCE_TOLEREE_HEURES`)."""
    maintenant = maintenant or timezone.now()
    avance = seance.date - maintenant
    if avance <= timedelta(hours=settings.GOUVERNANCE_AVANCE_TOLEREE_HEURES):
        return ""
    jours = avance.days
    delai = f"{jours} jour{'s' if jours > 1 else ''}" if jours >= 1 else "quelques heures"
    date = date_format(timezone.localtime(seance.date), "j F Y à H:i")
    return (
        f"Attention : cette séance est prévue le {date}, dans {delai}. Vérifiez qu’elle se "
        "tient bien aujourd’hui avant d’ouvrir ou de clore ses votes."
    )
