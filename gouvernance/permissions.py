"""Who may do what in governance (pure predicates, no database access).

Rules of the issue (the charter is not in the text we have): agents of a signatory and
administrators instruct; a committee's secretariat or an administrator runs its sessions; only
voting members (président, co-président, membre votant) vote; associated members see but never
vote; a member is recused on a dossier whose maître d'ouvrage is the organisation they represent;
a member represented at a session gives their vote to one other voting member (a proxy).
Each rule lives here once; services, pages, the API and templates ask it.
"""

from collections.abc import Iterable

from comptes.models import Role, Utilisateur
from gouvernance.models import (
    ROLES_VOTANTS,
    EtatSeance,
    Membre,
    PointOrdreDuJour,
    Presence,
    Recusation,
    RoleMembre,
    Seance,
    StatutPresence,
)
from projets.droits import GRILLE, ActionDossier, verdict
from projets.models import LignePlanFinancement, NatureFinancement, Projet
from projets.permissions import est_instructeur
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError

# The analysis grid is filled during the instruction (and until the dossier is on an agenda);
# who fills it is the dossier's permission table (`projets.droits`, « remplir_grille »).
STATUTS_GRILLE_OUVERTE = GRILLE


def peut_instruire(utilisateur: Utilisateur) -> bool:
    """Only agents of a signatory and administrators fill the analysis grid (VI.2)."""
    return est_instructeur(utilisateur)


def grille_ouverte(projet: Projet) -> bool:
    """Whether the dossier's analysis grid may still be filled."""
    return projet.statut in STATUTS_GRILLE_OUVERTE


def voit_la_gouvernance(utilisateur: Utilisateur) -> bool:
    """Every signed-in role but the porteur sees committees and sessions; a porteur learns the
    decision on its dossier from the dossier page and by e-mail."""
    return bool(utilisateur.is_authenticated) and (
        utilisateur.est_administrateur or utilisateur.role != Role.PORTEUR
    )


def peut_gerer_seances(utilisateur: Utilisateur, membre: Membre | None) -> bool:
    """The committee's secretariat, or an administrator (secrétariat du CPER)."""
    if not utilisateur.is_authenticated:
        return False
    return utilisateur.est_administrateur or (
        membre is not None and membre.role == RoleMembre.SECRETARIAT
    )


def a_voix_deliberative(membre: Membre | None) -> bool:
    return membre is not None and membre.role in ROLES_VOTANTS


def est_secretariat(membre: Membre) -> bool:
    return membre.role == RoleMembre.SECRETARIAT


def est_present(presence: Presence | None) -> bool:
    """Present in person: only then does a member vote (for themself or by proxy)."""
    return presence is not None and presence.statut == StatutPresence.PRESENT


def est_represente(presence: Presence | None) -> bool:
    return presence is not None and presence.statut == StatutPresence.REPRESENTE


def detient_pouvoir(mandataire: Membre, presence: Presence | None) -> bool:
    """Whether `mandataire` holds the proxy of the member whose attendance is `presence`."""
    return (
        est_represente(presence)
        and presence is not None
        and (presence.mandataire_id == mandataire.pk)
    )


def est_en_conflit(membre: Membre, projet: Projet) -> bool:
    """A member whose organisation is the project's maître d'ouvrage cannot vote on it."""
    return (
        projet.maitre_ouvrage_id is not None and membre.organisation_id == projet.maitre_ouvrage_id
    )


def est_recuse(membre: Membre, point: PointOrdreDuJour, recusations: Iterable[Recusation]) -> bool:
    """Recused on the item: in conflict with its dossier, or recorded as recused at opening."""
    return est_en_conflit(membre, point.projet) or any(
        r.membre_id == membre.pk for r in recusations
    )


def refus_d_arbitrage(
    utilisateur: Utilisateur, seance: Seance, projet: Projet, ligne: LignePlanFinancement
) -> RegleMetierError | None:
    """Why this person may not propose to the committee an outcome for this line (None when
    they may): an agent of the line's own signatory or the secretariat of the CPER (each
    co-funder decides on its own money), on a dossier on the agenda (the permission table,
    « arbitrer_ligne »), before the session closes, and only before a committee with the
    power to programme. The service raises it; the pages show the form only where it is None."""
    avis = verdict(utilisateur, projet, ActionDossier.ARBITRER_LIGNE)
    if not avis.permis:
        return (EtatIncompatible if avis.etat else ActionNonAutorisee)(avis.motif)
    if ligne.projet_id != projet.pk or ligne.nature != NatureFinancement.CPER:
        return RegleMetierError(
            erreurs={
                "ligne": ["Cette ligne n'est pas une ligne CPER du dossier à l'ordre du jour."]
            }
        )
    signataire = ligne.signataire
    if not utilisateur.est_administrateur and (
        signataire is None or signataire.organisation_id != utilisateur.organisation_id
    ):
        return ActionNonAutorisee(
            f"Seuls les agents {signataire.de_nom if signataire else 'du signataire'} et le "
            "secrétariat du CPER proposent une décision sur cette ligne : chaque cofinanceur "
            "décide de son propre argent."
        )
    if seance.etat == EtatSeance.CLOSE:
        return EtatIncompatible("La séance est close : ses décisions sont prises.")
    if not seance.comite.pouvoir_programmer:
        return EtatIncompatible(
            f"Le {seance.comite.nom} donne un avis sans pouvoir de programmer (réglage fixé par "
            "le secrétariat) : il ne décide pas des montants des lignes."
        )
    return None
